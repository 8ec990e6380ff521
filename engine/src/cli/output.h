/* Writing a whole output file safely. */
#ifndef GV_CLI_OUTPUT_H
#define GV_CLI_OUTPUT_H

#include "util/buf.h"

/* Writes b to path through a temporary beside it that is renamed into
 * place, so the file is written whole or not at all. On failure prints
 * "gavel: PATH: cannot write: REASON" and returns -1. */
int gv_cli_write_file(const char *path, const gv_buf *b);

#endif
