/* Entry points: read the file, reject what is not UTF-8, let the content
 * pick the loader. */
#include <stdlib.h>
#include <string.h>

#include "doc/loaders.h"
#include "doc/utf8.h"
#include "util/file.h"

static int looks_like_json(const char *text, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    return i < len && (text[i] == '{' || text[i] == '[');
}

gv_doc *gv_doc_load_mem(const char *name, const char *text, size_t len,
                        const gv_load_opts *o, gv_error *err)
{
    gv_load_opts defaults;
    if (!o) {
        gv_load_opts_default(&defaults);
        o = &defaults;
    }
    if (o->max_file_size && len > o->max_file_size) {
        gv_error_set(err, GV_E_LIMIT, name, (gv_loc){ 0, 0 },
                     "file is larger than the limit of %zu bytes", o->max_file_size);
        return NULL;
    }
    size_t bad = gv_utf8_check(text, len);
    if (bad < len) {
        gv_error_set(err, GV_E_DATA, name, gv_text_loc(text, len, bad),
                     "expected UTF-8 text, found byte 0x%02x", (unsigned char)text[bad]);
        return NULL;
    }
    gv_doc *d = gv_doc_new(name);
    if (!d) {
        gv_error_set(err, GV_E_NOMEM, name, (gv_loc){ 0, 0 }, "out of memory");
        return NULL;
    }
    d->json = looks_like_json(text, len);
    d->root = d->json ? gv_json_load(d, text, len, o, err) : gv_yaml_load(d, text, len, o, err);
    if (!d->root) {
        gv_doc_free(d);
        return NULL;
    }
    return d;
}

gv_doc *gv_doc_load_file(const char *path, const gv_load_opts *o, gv_error *err)
{
    gv_load_opts defaults;
    if (!o) {
        gv_load_opts_default(&defaults);
        o = &defaults;
    }
    size_t len;
    char *text = gv_read_file(path, o->max_file_size, &len, err);
    if (!text)
        return NULL;
    gv_doc *d = gv_doc_load_mem(path, text, len, o, err);
    free(text);
    return d;
}
