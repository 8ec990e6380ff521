#include "lines.h"

#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct gv_lines {
    char *text;      /* NULL once dropped */
    size_t len;      /* of the text as read */
    size_t *starts;  /* where lines 1, 1 + GV_LINE_STRIDE, ... start */
    size_t nstarts;
    /* dropped: the file read again, as it was when read */
    char *path;
    struct stat id;
    int fd;          /* -1: closed */
    char *win;       /* the window last read: wlen bytes from woff */
    size_t wcap, woff, wlen;
    int changed;
};

gv_lines *gv_lines_new(char *text, size_t len)
{
    gv_lines *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    /* memchr: a template is mostly not newlines */
    const char *end = text + len;
    size_t n = 1;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        n++;
    l->starts = malloc(((n - 1) / GV_LINE_STRIDE + 1) * sizeof *l->starts);
    if (!l->starts) {
        free(l);
        return NULL;
    }
    l->starts[l->nstarts++] = 0;
    size_t line = 1;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        if (line++ % GV_LINE_STRIDE == 0)
            l->starts[l->nstarts++] = (size_t)(p - text) + 1;
    l->text = text;
    l->len = len;
    l->fd = -1;
    return l;
}

int gv_lines_drop_text(gv_lines *l, const char *path, const struct stat *st)
{
    if (!l->text || !S_ISREG(st->st_mode) || (size_t)st->st_size != l->len)
        return -1; /* what the file holds now is not what was read */
    if (!(l->path = strdup(path)))
        return -1;
    l->id = *st;
    free(l->text);
    l->text = NULL;
    /* a text read into the heap (util/pages.h keeps it large) leaves its
     * pages resident when freed: give them back */
    malloc_trim(0);
    return 0;
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The file, open and still what was read (checked at every read: it
 * may change between two snippets). */
static int checked_fd(gv_lines *l)
{
    if (l->fd < 0)
        l->fd = open(l->path, O_RDONLY | O_CLOEXEC);
    struct stat now;
    if (l->fd >= 0 && fstat(l->fd, &now) == 0 && same_file(&now, &l->id))
        return l->fd;
    l->changed = 1;
    return -1;
}

static int read_at(int fd, char *buf, size_t n, size_t off)
{
    while (n) {
        ssize_t r = pread(fd, buf, n, (off_t)off);
        if (r <= 0)
            return -1;
        buf += r;
        n -= (size_t)r;
        off += (size_t)r;
    }
    return 0;
}

/* Whether the n bytes at s hold `lines` line ends. */
static int has_lines(const char *s, size_t n, size_t lines)
{
    const char *end = s + n;
    for (size_t k = 0; k < lines; k++, s++)
        if (!(s = memchr(s, '\n', (size_t)(end - s))))
            return 0;
    return 1;
}

/* Whether the window holds `lines` lines from off (or all there are). */
static int window_holds(const gv_lines *l, size_t off, size_t lines)
{
    if (!l->wlen || off < l->woff || off >= l->woff + l->wlen)
        return 0;
    return l->woff + l->wlen == l->len || has_lines(l->win + (off - l->woff), l->wlen - (off - l->woff), lines);
}

/* Snippets come in the order of their resources, mostly a few lines
 * apart: one read serves many (a read per snippet cost a 100,000-resource
 * text report 3 s). */
#define WINDOW (64u << 10)

/* From off, enough bytes for `lines` lines (or to the end), in the
 * window; read when it does not hold them, doubling while lines are
 * longer than the window. */
static const char *read_window(gv_lines *l, size_t off, size_t lines, size_t *len)
{
    if (window_holds(l, off, lines)) {
        *len = l->wlen - (off - l->woff);
        return l->win + (off - l->woff);
    }
    size_t want = WINDOW, avail = l->len - off;
    l->wlen = 0;
    for (;;) {
        if (want > avail)
            want = avail;
        if (want + 1 > l->wcap) {
            char *w = realloc(l->win, want + 1);
            if (!w)
                return NULL;
            l->win = w;
            l->wcap = want + 1;
        }
        int fd = checked_fd(l);
        if (fd < 0 || read_at(fd, l->win, want, off) < 0) {
            l->changed = 1;
            return NULL;
        }
        l->win[want] = '\0';
        if (want == avail || has_lines(l->win, want, lines)) {
            l->woff = off;
            l->wlen = want;
            *len = want;
            return l->win;
        }
        want *= 2;
    }
}

const char *gv_lines_at(gv_lines *l, uint32_t line, uint32_t more, uint32_t *from, size_t *len)
{
    size_t k = (line ? line - 1 : 0) / GV_LINE_STRIDE;
    if (k >= l->nstarts || (!l->text && l->changed))
        return NULL;
    *from = (uint32_t)(k * GV_LINE_STRIDE) + 1;
    size_t off = l->starts[k];
    if (l->text) {
        *len = l->len - off;
        return l->text + off;
    }
    size_t skip = line > *from ? line - *from : 0;
    return read_window(l, off, skip + more + 1, len);
}

int gv_lines_changed(const gv_lines *l)
{
    return l->changed;
}

void gv_lines_release(gv_lines *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
    free(l->win);
    l->win = NULL;
    l->wcap = l->wlen = 0;
}

void gv_lines_free(gv_lines *l)
{
    if (!l)
        return;
    gv_lines_release(l);
    free(l->text);
    free(l->starts);
    free(l->path);
    free(l);
}
