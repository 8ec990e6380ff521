/* A rules file made ready to run: read, parsed, resolved, compiled — or
 * read from a precompiled bundle (`gavel compile`), which holds the
 * programs and the clause texts reports need, so no rule text is parsed. */
#ifndef GV_RULESET_H
#define GV_RULESET_H

#include <stddef.h>
#include <stdint.h>

#include "report/clause_text.h"
#include "util/blob.h"
#include "util/buf.h"
#include "util/error.h"
#include "vm/program.h"

/* text may be NULL (then path is read). A bundle (recognised by content)
 * is accepted when it holds exactly one program. */
gv_program *gv_ruleset_load(const char *path, const char *text, size_t len, gv_error *err);
/* The same, also keeping the clause texts reports need (*texts is NULL when
 * memory ran out for them; the program is still usable). */
gv_program *gv_ruleset_load_texts(const char *path, const char *text, size_t len, gv_clause_texts **texts,
                                  gv_error *err);

/* Every program of a bundle with its clause texts: malloc'd arrays of *n
 * (free each program and texts, then both arrays), or NULL with err set
 * (GV_E_BUNDLE naming path) when the bundle is damaged or foreign. With
 * keep (the blob data lies in), the programs and texts are read in place
 * and hold references to it, and each program's texts are decoded when a
 * report first needs them; without, everything is copied. */
gv_program **gv_ruleset_read_bundle(const char *path, const char *data, size_t len, gv_blob *keep,
                                    uint32_t *n, gv_clause_texts ***texts, gv_error *err);
/* Appends the bundle of progs[0..n) with their clause texts (texts[i] may
 * be NULL). 0, or -1 when memory ran out. */
int gv_ruleset_write_bundle(gv_buf *out, gv_program *const *progs, gv_clause_texts *const *texts, uint32_t n);

#endif
