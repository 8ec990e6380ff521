/* Text of values as cfn-guard prints them: numbers the Rust way, values
 * the way its messages show them, paths with their [L:line,C:column]
 * (0-based), and the Rust debug dump some of its error texts embed. */
#ifndef GV_REPORT_FMT_H
#define GV_REPORT_FMT_H

#include "doc/doc.h"
#include "util/buf.h"
#include "vm/value.h"

/* serde_json / serde_yaml (ryu): 1.5, 2.0, 1e20, 1.5e-7. */
void gv_fmt_float_ryu(gv_buf *out, double d);
/* Rust Display of f64: 1.5, 2, 100000000000000000000, 0.00000015. */
void gv_fmt_float_display(gv_buf *out, double d);
/* Rust Debug of f64: 1.5, 2.0, 1e20. */
void gv_fmt_float_debug(gv_buf *out, double d);

/* A value in messages: strings quoted but not escaped, null as "NULL",
 * lists and maps compact, regexes "/re/". */
void gv_fmt_value(gv_buf *out, const gv_node *n);
/* serde_json's compact text of a value, as the generic reporter's lines
 * show values (probed): floats as ryu writes them (2.0, 1e20, 2.5e-7),
 * strings escaped, a regex or a range as the string it prints as
 * ("/re/", "[0,5)"). */
void gv_fmt_value_generic(gv_buf *out, const gv_node *n);
/* The same for a scalar, regex or range (lists and maps: nothing). */
void gv_fmt_scalar_json(gv_buf *out, const gv_node *n);
/* As gv_fmt_value, but a char as Rust displays it in "Path=... Value=..."
 * texts: 'a' (elsewhere cfn-guard shows a char as "a"). */
void gv_fmt_value_display(gv_buf *out, const gv_node *n);
/* The path of a value ("" for a literal, "/a/b/0" otherwise). */
void gv_fmt_path(gv_buf *out, const gv_val *v);
/* "[L:l,C:c]" of a node, 0-based; [L:0,C:0] for NULL or unlocated. */
void gv_fmt_loc(gv_buf *out, const gv_node *n);
/* cfn-guard's type names: String, int, float, bool, null, array, map ... */
const char *gv_fmt_type_name(const gv_node *n);
/* The Rust debug form of cfn-guard's value at path (text of the path). */
void gv_fmt_debug(gv_buf *out, const gv_node *n, const char *path, size_t plen);
/* The same, nodes made at run time (without a location) shown at the
 * location of from (the value they were made from). */
void gv_fmt_debug_from(gv_buf *out, const gv_node *n, const char *path, size_t plen, const gv_node *from);

#endif
