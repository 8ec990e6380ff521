#include "report/jtree.h"

#include <string.h>

static gv_jt *make(gv_jb *b, gv_jt_kind k)
{
    gv_jt *v = gv_arena_alloc(b->a, sizeof *v);
    if (!v) {
        b->oom = 1;
        return NULL;
    }
    *v = (gv_jt){ .kind = (uint8_t)k };
    return v;
}

gv_jt *gv_jt_null(gv_jb *b) { return make(b, GV_JT_NULL); }
gv_jt *gv_jt_arr(gv_jb *b) { return make(b, GV_JT_ARR); }
gv_jt *gv_jt_obj(gv_jb *b) { return make(b, GV_JT_OBJ); }

gv_jt *gv_jt_bool(gv_jb *b, int val)
{
    gv_jt *v = make(b, GV_JT_BOOL);
    if (v)
        v->b = val != 0;
    return v;
}

gv_jt *gv_jt_strn(gv_jb *b, const char *s, size_t len)
{
    gv_jt *v = make(b, GV_JT_STR);
    if (!v)
        return NULL;
    v->s = gv_arena_strndup(b->a, s ? s : "", s ? len : 0);
    v->len = s ? (uint32_t)len : 0;
    if (!v->s) {
        b->oom = 1;
        return NULL;
    }
    return v;
}

gv_jt *gv_jt_str(gv_jb *b, const char *s)
{
    return gv_jt_strn(b, s, s ? strlen(s) : 0);
}

gv_jt *gv_jt_doc(gv_jb *b, const gv_node *n)
{
    if (!n)
        return make(b, GV_JT_NULL);
    gv_jt *v = make(b, GV_JT_DOC);
    if (v)
        v->doc = n;
    return v;
}

gv_jt *gv_jt_push(gv_jt *arr, gv_jt *v)
{
    if (!arr || !v)
        return v;
    if (arr->last)
        arr->last->next = v;
    else
        arr->first = v;
    arr->last = v;
    return v;
}

gv_jt *gv_jt_set(gv_jt *obj, const char *key, gv_jt *v)
{
    if (!obj || !v)
        return v;
    v->key = key;
    v->keylen = strlen(key);
    return gv_jt_push(obj, v);
}
