/* Internal: libyaml's parse errors turned into gavel's one-line form,
 * "what was expected, what was found", at the problem's line:column. */
#ifndef GV_YAML_ERROR_H
#define GV_YAML_ERROR_H

#include <yaml.h>

#include "util/error.h"

void gv_yaml_error(gv_error *err, const char *name, const char *text, size_t len,
                   const yaml_parser_t *p);
/* Describes what stands at byte offset off ("end of input", "'x'", "a tab", ...). */
const char *gv_describe_at(const char *text, size_t len, size_t off, char *buf, size_t n);

#endif
