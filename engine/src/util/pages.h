/* Memory in 2 MiB pieces marked for transparent huge pages.
 *
 * On the VMs gavel is measured on, a 4 KiB page costs ~12 us the first time
 * a process touches it (a 1,000-resource run touched 1,430 of them: a third
 * of its time), a 2 MiB page ~0.1 ms. Arenas past a few hundred kilobytes
 * and large input files take their memory from here. Where the system has
 * no huge pages the advice is ignored and the memory is ordinary. */
#ifndef GV_PAGES_H
#define GV_PAGES_H

#include <stddef.h>

#define GV_HUGE_PAGE ((size_t)2 << 20)

/* A mapping of its own, at least *len bytes, 2 MiB-aligned; *len becomes
 * its length (a multiple of 2 MiB). Given back whole to the system by
 * gv_pages_unmap, so memory made and dropped again and again does not stay
 * with the process. NULL when the system will not map it. */
void *gv_pages_map(size_t *len);
void gv_pages_unmap(void *p, size_t len);

/* The same from the heap, released with free(): for memory taken once
 * and handed to code that frees it (a file's text). */
void *gv_pages_alloc(size_t *len);

/* At start-up: the process's heap takes its next len bytes at once, in
 * huge pages where the system has them (malloc's small blocks then fault
 * 2 MiB at a time). Memory is only used as it is touched. Returns a block
 * to free() when the process ends (or NULL). */
void *gv_pages_heap(size_t len);

#endif
