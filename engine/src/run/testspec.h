/* Guard rule unit tests, as cfn-guard 3.1.1's `test` command runs them
 * (docs/test-command.md): a spec file lists cases, each an input document
 * and the status expected of some rules; every case is evaluated and each
 * expectation is met or not.
 *
 * Spec files are read as cfn-guard reads them, through serde_yaml 0.9,
 * which types scalars differently from the data loader (0x1F is 31, 017 is
 * the string "017") and wraps short-form tags whatever their shape; so they
 * have their own reader (test_yaml.c) rather than gv_doc_load_mem. */
#ifndef GV_TESTSPEC_H
#define GV_TESTSPEC_H

#include <stddef.h>
#include <stdint.h>

#include "doc/doc.h"
#include "run/files.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "report/report.h"
#include "vm/eval.h"
#include "vm/program.h"

/* How bad a spec error is. cfn-guard skips a spec file it cannot read
 * (exit 1) but aborts the whole run on an unknown status or a key it
 * cannot convert (exit 255); gavel keeps that split. */
typedef enum gv_spec_status {
    GV_SPEC_OK = 0,
    GV_SPEC_BAD = 1,   /* this file is skipped */
    GV_SPEC_ABORT = 2, /* the run stops */
} gv_spec_status;

/* ---- the names rules are reported under ---- */

/* Distinct reported rule names of one program in report order: the
 * default rule first (as LABEL/default), then declaration order. Rules
 * declared twice share a name; parameterised rules have none. */
typedef struct gv_test_names {
    const gv_program *prog; /* only while running: names outlive it */
    gv_arena *arena;
    const char **names;
    uint32_t nnames;
    uint32_t *of_rule;  /* program rule index -> name index, or UINT32_MAX */
    uint32_t *slots;    /* open addressing over names, slot = index + 1 */
    uint32_t mask;
} gv_test_names;

/* Everything lives in a (the caller's arena). Returns -1 when memory ran out. */
int gv_test_names_init(gv_test_names *n, const gv_program *p, const char *label, gv_arena *a);
/* The name's index, or UINT32_MAX when no reported rule has it. */
uint32_t gv_test_names_find(const gv_test_names *n, const char *name, size_t len);

/* ---- spec files ---- */

typedef struct gv_test_expect {
    uint32_t rule;          /* name index */
    gv_rstatus status;
} gv_test_expect;

typedef struct gv_test_case {
    gv_loc loc;             /* where the case starts */
    const char *name;       /* NULL when the case has none */
    const gv_node *input;
    gv_test_expect *expects;
    uint32_t nexpects;
} gv_test_case;

typedef struct gv_test_spec {
    gv_doc *doc;            /* NULL for a file with no document */
    gv_arena arena;
    gv_test_case *cases;
    uint32_t ncases;
} gv_test_spec;

/* Reads a spec file as cfn-guard's serde_yaml does. Returns the document
 * (its root NULL when the file holds no document), or NULL with err set
 * and *st saying how bad that is. */
gv_doc *gv_testspec_parse(const char *name, const char *text, size_t len, const gv_load_opts *o,
                          gv_spec_status *st, gv_error *err);

/* Reads and checks a spec file against the rule names: its shape, the
 * statuses, and that every expectation names a reported rule. On error
 * the message names the file, line and case. */
gv_spec_status gv_testspec_load(gv_test_spec *s, const char *path, const gv_test_names *names,
                                const gv_load_opts *o, gv_error *err);
void gv_testspec_free(gv_test_spec *s);

/* `test case 2 ("its name")`, for messages: one line, the name cut short. */
void gv_test_case_label(char *buf, size_t n, uint32_t index, const char *name);

/* ---- -d: rules files and their tests (test_dir.c) ---- */

extern const char *const gv_test_exts[]; /* spec file extensions */

typedef struct gv_test_guard {
    char *path;             /* as walked: DIR/.../x.guard */
    char *prefix;           /* x: names its tests and its default rule */
    gv_strlist tests;       /* its spec files, walk order */
} gv_test_guard;

typedef struct gv_test_tree {
    gv_test_guard *guards;  /* in cfn-guard's order */
    size_t n;
} gv_test_tree;

/* by_mtime: -m, else byte order (cfn-guard's default is directory order). */
int gv_test_find(gv_test_tree *t, const char *dir, int by_mtime, gv_error *err);
void gv_test_tree_free(gv_test_tree *t);

/* ---- results ---- */

/* One rule name in one case. */
typedef struct gv_test_outcome {
    uint32_t rule;          /* name index */
    int8_t expected;        /* gv_rstatus, or -1: no expectation */
    uint8_t met;
    uint8_t *statuses;      /* one per declaration, report order */
    uint32_t nstatuses;
} gv_test_outcome;

typedef struct gv_test_result {
    const char *name;       /* NULL when the case has none */
    uint32_t number;        /* Test Case #N */
    gv_test_outcome *rules; /* report order */
    uint32_t nrules;
    uint32_t npassed, nfailed;
    gv_rstatus status;      /* the whole file's */
    uint32_t *rec_rule;     /* every rule evaluated, report order */
    uint8_t *rec_status;
    uint32_t nrecs;
} gv_test_result;

/* Evaluates one case. The result lives in out_arena, evaluation scratch
 * in scratch. trace (NULL: none; -v) records the evaluation, the default
 * rule first; res_out (may be NULL) receives the evaluation's results,
 * valid while scratch is. Returns -1 with err set when the rules cannot be
 * evaluated on the input (cfn-guard aborts then). */
int gv_test_run_case(const gv_test_names *n, const gv_test_case *c, uint32_t number, gv_arena *scratch,
                     gv_arena *out_arena, gv_trace *trace, gv_eval_result *res_out, gv_test_result *out,
                     gv_error *err);

/* ---- reports ---- */

/* The text block of one case, as cfn-guard prints it. With trace (-v),
 * the evaluation tree of the case, the one validate -v prints (tree names
 * the evaluation: program, clause texts, results, rules label). */
void gv_test_report_case(gv_buf *out, const gv_test_names *n, const gv_test_result *r,
                         const gv_report_item *tree, const gv_trace *trace);

/* One rules file's structured record: its results or its error. */
typedef struct gv_test_record {
    const char *rule_file;
    const char *error;      /* non-NULL: an error record */
    const gv_test_names *names;
    gv_test_result *cases;
    size_t ncases;
} gv_test_record;

typedef enum gv_test_format { GV_TEST_JSON, GV_TEST_YAML, GV_TEST_JUNIT } gv_test_format;

/* as_list: -d prints a list of records, -r one record. Returns -1 when
 * memory ran out. */
int gv_test_report_records(gv_buf *out, const gv_test_record *recs, size_t n, int as_list,
                           gv_test_format fmt);

#endif
