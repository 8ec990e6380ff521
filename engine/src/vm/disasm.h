/* Human-readable listing of a compiled program (gavel validate --disassemble). */
#ifndef GV_DISASM_H
#define GV_DISASM_H

#include "util/buf.h"
#include "vm/program.h"

void gv_disassemble(gv_buf *out, const gv_program *p);

#endif
