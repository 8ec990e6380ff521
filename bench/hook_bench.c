/* In-process benchmark of the hook case: one CloudFormation hook document
 * ({"AWS::Service::Type": {"resourceProperties": {...}}}) evaluated against
 * every rules file given, many times over, without process start-up, file
 * reading or report rendering.
 *
 *   hook_bench [-n ITER] [-b BATCHES] -d DOC RULEFILE...
 *   hook_bench [-n ITER] [-b BATCHES] -d DOC BUNDLE.gvb
 *
 * Prints the time to load (read, parse, resolve, compile) all rules files,
 * or to read the bundle in place (mapped, as `gavel validate` does),
 * the time to load the document, and the median over BATCHES batches of the
 * time per evaluation (one evaluation = every rules file run once on the
 * document), wall clock and CPU. The last line is machine readable:
 *   RESULT files=N load_ms=X doc_us=X eval_us=X eval_cpu_us=X iters=N status=S
 * Uses only the internal API: run/ruleset.h, doc/doc.h, vm/eval.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc/doc.h"
#include "run/ruleset.h"
#include "util/arena.h"
#include "util/blob.h"
#include "util/error.h"
#include "vm/eval.h"

static double now_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void die_err(const char *what, const gv_error *e)
{
    char buf[1200];
    gv_error_format(e, buf, sizeof buf);
    fprintf(stderr, "hook_bench: %s: %s\n", what, buf);
    exit(2);
}

static void usage(void)
{
    fprintf(stderr, "usage: hook_bench [-n ITER] [-b BATCHES] [-M] -d DOC RULEFILE... | BUNDLE.gvb\n"
                    "  -M  no memo of parameterised rules shared across the files\n");
    exit(2);
}

typedef struct hook_run {
    gv_program **progs;
    char **files;
    int nfiles;
    const gv_doc *doc;
    int memo; /* share the statuses of parameterised rules across files, as gavel validate does */
    gv_arena scratch;
    gv_arena_mark mark;
} hook_run;

/* One hook invocation: every file against the document; a hook handler
 * sees a new document each time, so the memo is made and freed here.
 * counts (may be NULL) gets the rules' PASS, FAIL and SKIP counts. */
static void eval_all(hook_run *h, int counts[3])
{
    gv_error err;
    const gv_node *root = gv_doc_root(h->doc);
    gv_eval_opts o = { 0, NULL, h->memo ? gv_memo_new(h->doc, root) : NULL };
    if (h->memo && !o.memo) {
        fprintf(stderr, "hook_bench: out of memory\n");
        exit(2);
    }
    for (int k = 0; k < h->nfiles; k++) {
        gv_eval_result res;
        gv_error_clear(&err);
        if (gv_eval_with(h->progs[k], root, &h->scratch, &o, &res, &err) < 0)
            die_err(h->files[k], &err);
        for (uint32_t r = 0; counts && r < res.nrules; r++)
            counts[res.rules[r].status == GV_RS_PASS ? 0 : res.rules[r].status == GV_RS_FAIL ? 1 : 2]++;
        gv_arena_reset(&h->scratch, h->mark);
    }
    gv_memo_free(o.memo);
}

int main(int argc, char **argv)
{
    long iters = 0, batches = 5;
    int memo = 1;
    const char *docpath = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            iters = atol(argv[++i]);
        else if (!strcmp(argv[i], "-b") && i + 1 < argc)
            batches = atol(argv[++i]);
        else if (!strcmp(argv[i], "-M"))
            memo = 0;
        else if (!strcmp(argv[i], "-d") && i + 1 < argc)
            docpath = argv[++i];
        else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else
            usage();
    }
    if (!docpath || i >= argc || batches < 1)
        usage();
    int nfiles = argc - i;
    char **files = argv + i;

    /* rules: read, parse, resolve, compile every file; or one bundle read
     * in place as `gavel validate -r FILE.gvb` does (the first read in this
     * process, page faults included, is the figure reported) */
    gv_program **progs = NULL;
    gv_error err;
    double t0 = now_s(CLOCK_MONOTONIC), load_ms;
    gv_blob *bundle = NULL;
    if (nfiles == 1 && strlen(files[0]) > 4 && !strcmp(files[0] + strlen(files[0]) - 4, ".gvb")) {
        uint32_t n = 0;
        gv_clause_texts **texts = NULL;
        gv_error_clear(&err);
        bundle = gv_blob_open(files[0], 0, &err);
        if (!bundle || !(progs = gv_ruleset_read_bundle(files[0], gv_blob_data(bundle), gv_blob_len(bundle),
                                                        bundle, &n, &texts, &err)))
            die_err(files[0], &err);
        load_ms = (now_s(CLOCK_MONOTONIC) - t0) * 1e3;
        for (uint32_t k = 0; k < n; k++)
            gv_clause_texts_free(texts[k]);
        free(texts);
        nfiles = (int)n;
        files = calloc(n ? n : 1, sizeof *files);
        for (uint32_t k = 0; files && k < n; k++)
            files[k] = (char *)progs[k]->source;
        if (!files)
            return 2;
    } else {
        if (!(progs = calloc((size_t)nfiles, sizeof *progs)))
            return 2;
        for (int k = 0; k < nfiles; k++) {
            gv_error_clear(&err);
            progs[k] = gv_ruleset_load(files[k], NULL, 0, &err);
            if (!progs[k])
                die_err(files[k], &err);
        }
        load_ms = (now_s(CLOCK_MONOTONIC) - t0) * 1e3;
    }

    /* the document */
    gv_load_opts lo;
    gv_load_opts_default(&lo);
    gv_error_clear(&err);
    t0 = now_s(CLOCK_MONOTONIC);
    gv_doc *doc = gv_doc_load_file(docpath, &lo, &err);
    double doc_us = (now_s(CLOCK_MONOTONIC) - t0) * 1e6;
    if (!doc)
        die_err(docpath, &err);

    hook_run h = { progs, files, nfiles, doc, memo, { 0 }, { 0 } };
    gv_arena_init(&h.scratch, 256 * 1024);
    h.mark = gv_arena_save(&h.scratch);

    /* one evaluation, also the warm-up; counts the statuses */
    int counts[3] = { 0, 0, 0 };
    eval_all(&h, counts);
    int npass = counts[0], nfail = counts[1], nskip = counts[2];

    /* iterations per batch: about 0.2 s each unless -n was given */
    if (iters <= 0) {
        double t = now_s(CLOCK_MONOTONIC);
        long n = 0;
        do {
            eval_all(&h, NULL);
            n++;
        } while (now_s(CLOCK_MONOTONIC) - t < 0.05);
        iters = (long)(n * (0.2 / (now_s(CLOCK_MONOTONIC) - t))) + 1;
    }

    double *wall = calloc((size_t)batches, sizeof *wall), *cpu = calloc((size_t)batches, sizeof *cpu);
    if (!wall || !cpu)
        return 2;
    for (long b = 0; b < batches; b++) {
        double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
        for (long it = 0; it < iters; it++)
            eval_all(&h, NULL);
        wall[b] = (now_s(CLOCK_MONOTONIC) - w0) * 1e6 / (double)iters;
        cpu[b] = (now_s(CLOCK_PROCESS_CPUTIME_ID) - c0) * 1e6 / (double)iters;
    }
    qsort(wall, (size_t)batches, sizeof *wall, cmp_double);
    qsort(cpu, (size_t)batches, sizeof *cpu, cmp_double);
    double eval_us = wall[batches / 2], eval_cpu = cpu[batches / 2];
    const char *status = nfail ? "FAIL" : npass ? "PASS" : "SKIP";

    printf("hook_bench: %d rules files loaded in %.1f ms (%.0f us/file)\n", nfiles, load_ms,
           load_ms * 1e3 / nfiles);
    printf("hook_bench: document %s loaded in %.0f us\n", docpath, doc_us);
    printf("hook_bench: %.1f us per evaluation of all %d files (cpu %.1f us; min %.1f, max %.1f; "
           "%ld batches x %ld iterations), %.2f us per file\n",
           eval_us, nfiles, eval_cpu, wall[0], wall[batches - 1], batches, iters, eval_us / nfiles);
    printf("hook_bench: rules PASS %d, FAIL %d, SKIP %d (status %s)\n", npass, nfail, nskip, status);
    printf("RESULT files=%d load_ms=%.2f doc_us=%.1f eval_us=%.2f eval_cpu_us=%.2f iters=%ld "
           "status=%s pass=%d fail=%d skip=%d\n",
           nfiles, load_ms, doc_us, eval_us, eval_cpu, iters * batches, status, npass, nfail, nskip);

    free(wall);
    free(cpu);
    gv_arena_free(&h.scratch);
    gv_doc_free(doc);
    for (int k = 0; k < nfiles; k++)
        gv_program_free(progs[k]);
    free(progs);
    if (bundle) {
        free(files);
        gv_blob_release(bundle);
    }
    return 0;
}
