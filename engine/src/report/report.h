/* Reporters: each turns evaluation results into one output format. They
 * only print; they never evaluate. */
#ifndef GV_REPORT_H
#define GV_REPORT_H

#include "doc/doc.h"
#include "util/buf.h"
#include "vm/eval.h"
#include "vm/program.h"

/* -S: which rule statuses the summary lists. */
enum { GV_SHOW_PASS = 1, GV_SHOW_FAIL = 2, GV_SHOW_SKIP = 4, GV_SHOW_ALL = 7 };

/* One (data file, rules file) evaluation. */
typedef struct gv_report_item {
    const char *data_name;      /* as reported (real path) */
    const gv_doc *doc;
    const gv_program *prog;
    const char *rules_name;     /* as reported (file name) */
    const gv_eval_result *res;
} gv_report_item;

/* single-line-summary: the status lines of one evaluation. */
void gv_report_summary(gv_buf *out, const gv_report_item *it, unsigned show);
/* the detail section cfn-guard prints after the summary for failures */
void gv_report_details(gv_buf *out, const gv_report_item *it);

/* Structured (-z) output: one JSON array / YAML list of per-data-file
 * objects, rules of every rules file merged. */
void gv_report_json_begin(gv_buf *out);
void gv_report_json_file(gv_buf *out, const gv_report_item *items, size_t n, int first);
void gv_report_json_end(gv_buf *out);

/* Text helpers shared by reporters. */
void gv_report_value(gv_buf *out, const gv_node *n);          /* JSON text of a value */
void gv_report_path(gv_buf *out, const gv_val *v);            /* /a/b/0 */
const char *gv_report_rule_name(const gv_program *p, uint32_t rule);

#endif
