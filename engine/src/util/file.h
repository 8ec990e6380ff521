/* Whole-file reading with a size guard rail. */
#ifndef GV_FILE_H
#define GV_FILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "error.h"

/* Reads path ("-" is stdin) into a malloc'd, NUL-terminated buffer.
 * Fails with GV_E_IO or, past max_size bytes (0 = no limit), GV_E_LIMIT. */
char *gv_read_file(const char *path, size_t max_size, size_t *len, gv_error *err);
/* The same, with *st set to the file's fstat when it was opened (zeroed
 * for stdin). */
char *gv_read_file_stat(const char *path, size_t max_size, size_t *len, struct stat *st, gv_error *err);

#endif
