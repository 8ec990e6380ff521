/* Bump-pointer arena: every object of one lifetime (a document, a parsed
 * rules file, one evaluation) lives in one arena and dies with it. */
#ifndef GV_ARENA_H
#define GV_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct gv_arena_chunk gv_arena_chunk;

typedef struct gv_arena {
    gv_arena_chunk *head;     /* current chunk, newest first */
    char *ptr;                /* next free byte in head */
    char *end;                /* end of head */
    size_t chunk_size;        /* default size of a new chunk */
    size_t total;             /* bytes obtained from malloc */
    size_t limit;             /* 0 = unlimited; else cap on total */
    gv_arena_chunk *spare;    /* chunks freed by resets (of chunk_size, or one huge
                                 page), kept for later growth; not counted in total */
} gv_arena;

/* A saved position: gv_arena_reset() frees everything allocated after it. */
typedef struct gv_arena_mark {
    gv_arena_chunk *head;
    char *ptr;
    char *end;
} gv_arena_mark;

void gv_arena_init(gv_arena *a, size_t chunk_size);
void gv_arena_free(gv_arena *a);

/* Returns memory aligned for any type (max_align_t); NULL only when malloc
 * fails or the arena limit is reached. Inline when the current chunk has
 * room: the VM allocates a few small blocks per clause. */
void *gv_arena_alloc_slow(gv_arena *a, size_t size);
static inline void *gv_arena_alloc(gv_arena *a, size_t size)
{
    size_t pad = (size_t)(-(uintptr_t)a->ptr & (_Alignof(max_align_t) - 1));
    if (a->ptr && size && pad <= (size_t)(a->end - a->ptr) && size <= (size_t)(a->end - a->ptr) - pad) {
        void *p = a->ptr + pad;
        a->ptr += pad + size;
        return p;
    }
    return gv_arena_alloc_slow(a, size);
}
/* Unaligned bytes, for strings: no padding between small allocations. */
char *gv_arena_alloc_bytes(gv_arena *a, size_t size);
void *gv_arena_zalloc(gv_arena *a, size_t size);
void *gv_arena_memdup(gv_arena *a, const void *src, size_t len);
/* Copies len bytes and appends a NUL (the copy may hold embedded NULs).
 * Strings are byte-aligned. */
char *gv_arena_strndup(gv_arena *a, const char *s, size_t len);
char *gv_arena_strdup(gv_arena *a, const char *s);
char *gv_arena_sprintf(gv_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The address ranges of an arena's chunks, sorted, to ask cheaply whether
 * a pointer is into the arena (copying out what must outlive it). */
typedef struct gv_arena_span {
    uintptr_t lo, hi; /* [lo, hi) */
} gv_arena_span;
/* The spans of a, allocated in into; *n their number. NULL when a holds
 * nothing (*n is 0) or when memory ran out (*n is not). */
gv_arena_span *gv_arena_spans(const gv_arena *a, gv_arena *into, size_t *n);
int gv_arena_spans_hold(const gv_arena_span *s, size_t n, const void *p);

gv_arena_mark gv_arena_save(const gv_arena *a);
void gv_arena_reset(gv_arena *a, gv_arena_mark m);

#define GV_NEW(a, T) ((T *)gv_arena_zalloc((a), sizeof(T)))
#define GV_NEW_N(a, T, n) ((T *)gv_arena_alloc((a), sizeof(T) * (size_t)(n)))

#endif
