/* Finding input files: a path names a file or a directory walked
 * recursively for the given extensions, in byte order, as cfn-guard does. */
#ifndef GV_FILES_H
#define GV_FILES_H

#include <stddef.h>

#include "util/error.h"

typedef struct gv_strlist {
    char **items;
    size_t n, cap;
} gv_strlist;

void gv_strlist_free(gv_strlist *l);
int gv_strlist_push(gv_strlist *l, const char *s);

/* exts: NULL-terminated list such as {".guard", ".ruleset", NULL}.
 * A file named directly is taken when take_any_file is set or its extension
 * is listed (cfn-guard silently skips other data files). */
int gv_collect_files(const char *path, const char *const *exts, int take_any_file,
                     gv_strlist *out, gv_error *err);

/* by_mtime: entries of a directory oldest first (-m), else by name. */
int gv_collect_files_ordered(const char *path, const char *const *exts, int take_any_file, int by_mtime,
                             gv_strlist *out, gv_error *err);

extern const char *const gv_rule_exts[];
extern const char *const gv_data_exts[];

#endif
