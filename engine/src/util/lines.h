/* The lines of a data file, for code snippets. Where every
 * GV_LINE_STRIDE-th line starts is kept; the text itself is kept too,
 * unless it is dropped once the document is loaded (a large file's text is
 * a quarter of what its document takes in memory): then the few lines a
 * snippet shows are read again from the file, after checking that it is
 * still the file that was read (same device, inode, size and modification
 * time). */
#ifndef GV_LINES_H
#define GV_LINES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* A snippet scans at most this many lines it does not show; an index of
 * every line of a large template would take a third of its text's size. */
#define GV_LINE_STRIDE 16

typedef struct gv_lines gv_lines;

/* Indexes text (len bytes), which it takes: freed with the lines. NULL
 * when memory ran out (text is then the caller's still). */
gv_lines *gv_lines_new(char *text, size_t len);
/* Frees the text; lines are then read from path, which must be the file
 * st describes (as fstat gave it when the text was read). */
int gv_lines_drop_text(gv_lines *l, const char *path, const struct stat *st);

/* Text starting where a line at most GV_LINE_STRIDE - 1 before `line`
 * (1-based) starts, *from its number, running at least through line +
 * more when the text has those lines; *len its length. NULL when line is
 * past the end, or the dropped text cannot be read again (see
 * gv_lines_changed). The span stays valid until the next call. */
const char *gv_lines_at(gv_lines *l, uint32_t line, uint32_t more, uint32_t *from, size_t *len);
/* Whether a dropped text could not be read again: the file changed or
 * went away after it was read (the snippets of it are left out). */
int gv_lines_changed(const gv_lines *l);
/* Closes the file kept open for reading again, and frees the window read
 * (both come back when next needed): call it when done with a file for a
 * while, so that one file is open at a time. */
void gv_lines_release(gv_lines *l);
void gv_lines_free(gv_lines *l);

#endif
