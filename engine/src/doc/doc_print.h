/* Printing a document back as JSON, optionally with every node's location. */
#ifndef GV_DOC_PRINT_H
#define GV_DOC_PRINT_H

#include "doc/doc.h"
#include "util/buf.h"

typedef enum gv_print_flags {
    GV_PRINT_PRETTY = 1,     /* indented, two spaces a level */
    GV_PRINT_LOCATIONS = 2,  /* each value as {"line":L,"column":C,"value":V} */
} gv_print_flags;

void gv_node_print_json(gv_buf *out, const gv_node *n, unsigned flags);
/* Appends a scalar as JSON text (floats keep a '.', or an exponent). */
void gv_scalar_print_json(gv_buf *out, const gv_node *n);

#endif
