/* Everything gavel validate evaluates, loaded up front as cfn-guard does:
 * every data file (with its lines, for code snippets) and parameter file
 * before any rules run, then the rules files. Data comes from -d paths,
 * from stdin, or from a -P payload; names are the ones reports print. */
#ifndef GV_INPUTS_H
#define GV_INPUTS_H

#include <stddef.h>

#include "doc/doc.h"
#include "report/clause_text.h"
#include "run/files.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/lines.h"
#include "vm/program.h"

typedef struct gv_data_input {
    char *name;              /* real path, STDIN or DATA_STDIN[n] */
    size_t len;              /* of its text */
    gv_lines *lines;         /* its text's lines, for code snippets */
    gv_doc *doc;
    const gv_node *root;     /* the document with the parameters merged in */
} gv_data_input;

typedef struct gv_rules_input {
    char *name;              /* file name, or RULES_STDIN[n] */
    gv_program *prog;        /* NULL: did not load (its error was reported) */
    gv_clause_texts *texts;
} gv_rules_input;

typedef struct gv_inputs {
    gv_data_input *data;
    size_t ndata;
    gv_rules_input *rules;
    size_t nrules;
    gv_doc **params;
    size_t nparams;
    gv_arena merged;         /* roots with parameters merged in */
    int rules_failed;        /* some rules file did not load */
} gv_inputs;

typedef struct gv_input_opts {
    const gv_strlist *rules, *data, *params;
    int payload;             /* -P: rules and data as JSON on stdin */
    int by_mtime;            /* -m */
    const gv_load_opts *load;
    /* a data file read from a path and larger than this keeps only its
     * lines' index once loaded (util/lines.h) */
    size_t keep_text_max;
} gv_input_opts;

typedef void (*gv_rules_error_fn)(const gv_error *e);

/* Loads data and parameters, then rules. Returns -1 with err set when the
 * data cannot be used (nothing is evaluated then); a rules file that does
 * not load goes to on_error and is skipped. */
int gv_inputs_load(gv_inputs *in, const gv_input_opts *o, gv_rules_error_fn on_error, gv_error *err);
/* Only the rules (gavel validate --disassemble). */
int gv_inputs_load_rules(gv_inputs *in, const gv_input_opts *o, gv_rules_error_fn on_error, gv_error *err);
void gv_inputs_free(gv_inputs *in);

#endif
