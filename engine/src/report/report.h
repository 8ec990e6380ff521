/* Reporters: each turns evaluation results into one of cfn-guard's output
 * formats, byte for byte. They only print; they never evaluate. */
#ifndef GV_REPORT_H
#define GV_REPORT_H

#include "doc/doc.h"
#include "report/clause_text.h"
#include "util/buf.h"
#include "util/lines.h"
#include "vm/eval.h"
#include "vm/program.h"
#include "vm/trace.h"

/* -S: which rule statuses the summary lists. */
enum { GV_SHOW_PASS = 1, GV_SHOW_FAIL = 2, GV_SHOW_SKIP = 4, GV_SHOW_ALL = 7 };

typedef enum gv_out_format {
    GV_OUT_SUMMARY, GV_OUT_JSON, GV_OUT_YAML, GV_OUT_JUNIT, GV_OUT_SARIF,
} gv_out_format;

/* One (rules file, data file) evaluation. */
typedef struct gv_report_item gv_report_item;
struct gv_report_item {
    const char *data_name;      /* as reported: real path, STDIN, DATA_STDIN[n] */
    gv_lines *lines;            /* the data's lines, for code snippets (NULL: none) */
    const gv_node *root;        /* what was evaluated (parameters merged in) */
    const char *rules_name;     /* as reported: file name, RULES_STDIN[n] */
    const gv_program *prog;
    const gv_clause_texts *texts;
    const gv_eval_result *res;
    int unlocated;              /* every location shows as [L:0,C:0] (the evaluation tree and its
                                 * messages): cfn-guard's test command reads inputs without positions */
    /* res holds the rules' statuses only (checks were not kept, to bound
     * memory): -z -o json has the sink's replay evaluate it again */
    uint8_t replay;
    /* The generic reporter lists every comparison that failed in a failing
     * rule, also where the rule's verdict did not need it (a passing `or`,
     * a when condition), as cfn-guard does: it reads them from an
     * evaluation trace. trace is the one -v / -p recorded (NULL: none);
     * without it, retrace (NULL: none) evaluates the item again with
     * tracing on, into a (reporters do not evaluate), and returns the trace
     * or NULL. Without either, the reporter lists the checks that made the
     * rule fail. */
    const gv_trace *trace;
    const gv_trace *(*retrace)(const gv_report_item *it, gv_arena *a);
    /* Where the detail reporters put their temporaries, past a mark they
     * return to (NULL: arenas of their own). The evaluation's arena serves:
     * its memory is already touched, where a fresh arena of a large
     * template's report takes fresh huge pages. */
    gv_arena *scratch;
};

/* single-line-summary: the status block of one evaluation. */
void gv_report_summary(gv_buf *out, const gv_report_item *it, unsigned show);
/* The detail block after it: CloudFormation, Terraform plan or generic
 * reporter, chosen as cfn-guard chooses. Returns 0; 1 with err set
 * (GV_E_PANIC), nothing appended, where cfn-guard's CloudFormation
 * reporter panics (a failing resource without a Type). */
int gv_report_details(gv_buf *out, const gv_report_item *it, unsigned show, gv_error *err);

/* -o json / -o yaml without -z: the record of one evaluation. Returns -1
 * when memory ran out (nothing appended). */
int gv_report_record(gv_buf *out, const gv_report_item *it, gv_out_format fmt);

/* -z: one record per data file, the evaluations of every rules file on it
 * merged; files[i] holds the items of data file i. */
typedef struct gv_report_file {
    const char *data_name;
    const gv_report_item *items;
    size_t n;
} gv_report_file;
/* Where a long report goes while it is made: flush() takes out's text
 * (and empties it) and returns 0, or -1 to stop (it has said why). */
typedef struct gv_report_sink {
    int (*flush)(void *ctx, gv_buf *out);
    void *ctx;
    /* Evaluates an item marked replay again, into a; 0, or -1 (said why). */
    int (*replay)(void *ctx, const gv_report_item *it, gv_arena *a, gv_eval_result *res);
} gv_report_sink;
/* Small enough that the output buffer's pages stay warm in the cache and
 * few are ever touched (a fresh page costs a fault: a 1 MB buffer was a
 * fifth of a 100-resource run's page faults), large enough that writes
 * stay few. */
#define GV_REPORT_SINK_CHUNK (64u << 10)

/* For -o json the results may come from gv_eval_lazy (each rule's checks
 * are expanded while it is written); the other formats need gv_eval's.
 * sink (NULL: everything stays in out) receives -o json's text in pieces of
 * about GV_REPORT_SINK_CHUNK as it is made. Returns 0; -1 when memory ran
 * out (out holds nothing of the report unless the sink took part of it);
 * -2 when the sink said stop. */
int gv_report_structured(gv_buf *out, const gv_report_file *files, size_t n, gv_out_format fmt,
                         const gv_report_sink *sink);

/* Whether cfn-guard 3.1.1 panics (exit 101) reporting this evaluation:
 * in the text formats after the summary block, with -z (structured) before
 * anything is written. 1 with err set (GV_E_PANIC), else 0. */
int gv_report_panic(const gv_report_item *it, int structured, gv_error *err);

/* The name a rule is reported under: its own, or FILE/default. */
void gv_report_rule_name(gv_buf *out, const gv_report_item *it, uint32_t rule);

/* -v: cfn-guard's evaluation tree of one evaluation, as text (validate -v
 * and test -v print the same tree). */
void gv_report_eval_tree(gv_buf *out, const gv_report_item *it, const gv_trace *t);
/* -p: the same tree as pretty JSON. Returns -1 when memory ran out, -2
 * (writing nothing) when it shows an infinity or a NaN. */
int gv_report_eval_tree_json(gv_buf *out, const gv_report_item *it, const gv_trace *t);

#endif
