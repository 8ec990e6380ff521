#define _DEFAULT_SOURCE 1 /* MAP_ANONYMOUS, MADV_HUGEPAGE */
#include "pages.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t round_up(size_t len)
{
    return (len + GV_HUGE_PAGE - 1) & ~(GV_HUGE_PAGE - 1);
}

static void advise(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
    madvise(p, len, MADV_HUGEPAGE); /* advice: without it, small pages */
#endif
}

void *gv_pages_map(size_t *len)
{
    if (*len > SIZE_MAX / 2 - 2 * GV_HUGE_PAGE)
        return NULL;
    size_t n = round_up(*len);
    /* over-map by one huge page, then trim to the aligned part */
    char *p = mmap(NULL, n + GV_HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    char *at = (char *)(((uintptr_t)p + GV_HUGE_PAGE - 1) & ~(uintptr_t)(GV_HUGE_PAGE - 1));
    if (at > p)
        munmap(p, (size_t)(at - p));
    if (at + n < p + n + GV_HUGE_PAGE)
        munmap(at + n, (size_t)(p + n + GV_HUGE_PAGE - (at + n)));
    advise(at, n);
    *len = n;
    return at;
}

void gv_pages_unmap(void *p, size_t len)
{
    if (p)
        munmap(p, len);
}

void *gv_pages_alloc(size_t *len)
{
    if (*len > SIZE_MAX / 2 - 2 * GV_HUGE_PAGE)
        return NULL;
    size_t n = round_up(*len);
    void *p;
    if (posix_memalign(&p, GV_HUGE_PAGE, n) != 0)
        return NULL;
    advise(p, n);
    *len = n;
    return p;
}

void *gv_pages_heap(size_t len)
{
    /* The heap grows once by len and keeps it (brk would not carry the
     * advice to later growth); blocks up to 4 MiB come from it. Its use
     * starts at a 2 MiB boundary: a filler block takes the stretch below,
     * which is never touched, so the heap's first small blocks land in a
     * huge page wherever the system placed the heap. */
    if (!mallopt(M_MMAP_THRESHOLD, 4 << 20) || !mallopt(M_TOP_PAD, (int)len) ||
        !mallopt(M_TRIM_THRESHOLD, (int)(2 * len)))
        return NULL;
    char *probe = malloc(64);
    if (!probe)
        return NULL;
    uintptr_t top = (uintptr_t)probe + 64;
    uintptr_t from = (top + GV_HUGE_PAGE - 1) & ~(uintptr_t)(GV_HUGE_PAGE - 1);
    char *filler = from - top > 256 ? malloc(from - top - 128) : NULL;
    char *end = sbrk(0);
    if (end != (char *)-1 && (uintptr_t)end > from)
        advise((void *)from, ((uintptr_t)end - from) & ~(GV_HUGE_PAGE - 1));
    free(probe);
    return filler;
}
