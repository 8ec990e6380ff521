#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"

/* Past HUGE_AFTER bytes an arena grows by 2 MiB chunks of huge pages
 * (util/pages.h), and so do chunks of 1 MiB or more and blocks of half
 * HUGE_AFTER or more. Before that it mallocs: the many small arenas of a
 * run (one per evaluation) each holding a mostly empty 2 MiB would cost
 * more memory than the faults they save. */
#define HUGE_AFTER (256u << 10)

struct gv_arena_chunk {
    gv_arena_chunk *prev;
    size_t size;
    size_t mapped; /* length of its own mapping (util/pages.h), or 0: malloc'ed */
    /* payload follows, aligned to max_align_t */
    _Alignas(max_align_t) char data[];
};

void gv_arena_init(gv_arena *a, size_t chunk_size)
{
    memset(a, 0, sizeof *a);
    a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
}

static void chunk_free(gv_arena_chunk *c)
{
    if (c && c->mapped)
        gv_pages_unmap(c, c->mapped);
    else
        free(c);
}

/* A chunk of at least `need` payload bytes in huge pages, or NULL. */
static gv_arena_chunk *chunk_huge(size_t need)
{
    size_t len = sizeof(gv_arena_chunk) + need;
    if (len < need)
        return NULL;
    gv_arena_chunk *c = gv_pages_map(&len);
    if (c) {
        c->size = len - sizeof *c;
        c->mapped = len;
    }
    return c;
}

static void free_list(gv_arena_chunk *c)
{
    while (c) {
        gv_arena_chunk *p = c->prev;
        chunk_free(c);
        c = p;
    }
}

void gv_arena_free(gv_arena *a)
{
    free_list(a->head);
    free_list(a->spare);
    a->spare = NULL;
    a->head = NULL;
    a->ptr = a->end = NULL;
    a->total = 0;
}

/* The first kept chunk with room for size bytes, taken off the list. */
static gv_arena_chunk *take_spare(gv_arena *a, size_t size)
{
    for (gv_arena_chunk **at = &a->spare; *at; at = &(*at)->prev)
        if ((*at)->size >= size) {
            gv_arena_chunk *c = *at;
            *at = c->prev;
            return c;
        }
    return NULL;
}

static int arena_grow(gv_arena *a, size_t need)
{
    size_t size = a->chunk_size;
    if (need > size)
        size = need; /* a large block gets a chunk of its own */
    if (size > SIZE_MAX - sizeof(gv_arena_chunk))
        return 0;
    if (a->limit && a->total + size > a->limit)
        return 0;
    gv_arena_chunk *c = take_spare(a, size);
    if (!c && (a->total >= HUGE_AFTER || need >= HUGE_AFTER / 2 || size >= GV_HUGE_PAGE / 2) && !a->limit)
        c = chunk_huge(size);
    if (!c) {
        c = malloc(sizeof *c + size);
        if (!c)
            return 0;
        c->size = size;
        c->mapped = 0;
    }
    size = c->size;
    c->prev = a->head;
    a->total += size;
    a->head = c;
    a->ptr = c->data;
    a->end = c->data + size;
    return 1;
}

/* align is 1 or a power of two no larger than max_align_t's; chunks start
 * max_align_t-aligned, so aligning the pointer is enough. */
static void *arena_take(gv_arena *a, size_t size, size_t align)
{
    if (size > SIZE_MAX - _Alignof(max_align_t))
        return NULL;
    size_t pad = a->ptr ? (size_t)(-(uintptr_t)a->ptr & (align - 1)) : 0;
    if (!a->ptr || (size_t)(a->end - a->ptr) < size + pad) {
        if (!arena_grow(a, size))
            return NULL;
        pad = 0;
    }
    void *p = a->ptr + pad;
    a->ptr += pad + size;
    return p;
}

void *gv_arena_alloc_slow(gv_arena *a, size_t size)
{
    return arena_take(a, size ? size : 1, _Alignof(max_align_t));
}

char *gv_arena_alloc_bytes(gv_arena *a, size_t size)
{
    return arena_take(a, size ? size : 1, 1);
}

void *gv_arena_zalloc(gv_arena *a, size_t size)
{
    void *p = gv_arena_alloc(a, size);
    if (p)
        memset(p, 0, size);
    return p;
}

void *gv_arena_memdup(gv_arena *a, const void *src, size_t len)
{
    void *p = gv_arena_alloc(a, len);
    if (p && len)
        memcpy(p, src, len);
    return p;
}

char *gv_arena_strndup(gv_arena *a, const char *s, size_t len)
{
    char *p = len == SIZE_MAX ? NULL : gv_arena_alloc_bytes(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *gv_arena_strdup(gv_arena *a, const char *s)
{
    return gv_arena_strndup(a, s, strlen(s));
}

char *gv_arena_sprintf(gv_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = gv_arena_alloc_bytes(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

gv_arena_mark gv_arena_save(const gv_arena *a)
{
    gv_arena_mark m = { a->head, a->ptr, a->end };
    return m;
}

void gv_arena_reset(gv_arena *a, gv_arena_mark m)
{
    /* Chunks pushed after the mark are kept for the next growth when of
     * the default size or one huge page (an evaluation per document, reset
     * 237 times for a hook, would otherwise malloc and free a chunk every
     * time, and a large one map and zero fresh huge pages every time);
     * chunks of one large block are freed. */
    while (a->head && a->head != m.head) {
        gv_arena_chunk *p = a->head->prev;
        a->total -= a->head->size;
        if (a->head->size == a->chunk_size || a->head->size == GV_HUGE_PAGE - sizeof *a->head) {
            a->head->prev = a->spare;
            a->spare = a->head;
        } else {
            chunk_free(a->head);
        }
        a->head = p;
    }
    a->ptr = m.ptr;
    a->end = m.end;
}

static int span_cmp(const void *x, const void *y)
{
    const gv_arena_span *a = x, *b = y;
    return a->lo < b->lo ? -1 : a->lo > b->lo;
}

gv_arena_span *gv_arena_spans(const gv_arena *a, gv_arena *into, size_t *n)
{
    size_t k = 0;
    for (const gv_arena_chunk *c = a->head; c; c = c->prev)
        k++;
    *n = k; /* NULL with k > 0: out of memory, not an empty arena */
    gv_arena_span *s = k ? gv_arena_alloc(into, k * sizeof *s) : NULL;
    if (!s)
        return NULL;
    k = 0;
    for (const gv_arena_chunk *c = a->head; c; c = c->prev)
        s[k++] = (gv_arena_span){ (uintptr_t)c->data, (uintptr_t)c->data + c->size };
    qsort(s, k, sizeof *s, span_cmp);
    return s;
}

int gv_arena_spans_hold(const gv_arena_span *s, size_t n, const void *p)
{
    uintptr_t x = (uintptr_t)p;
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the last span starting at or before x */
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid].lo <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && x < s[lo - 1].hi;
}
