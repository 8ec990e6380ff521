/* A data file's lines for code snippets (util/lines.c): from the text, and
 * read again from the file once the text is dropped, giving the same
 * lines; a file that changed after it was read gives none, and says so. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/lines.h"

/* n lines "line <k>" (k from 1), the last without a newline when open_end;
 * line 40 is 10,000 bytes long. */
static char *make_text(int n, int open_end, size_t *len)
{
    size_t cap = (size_t)n * 16 + 10100, at = 0;
    char *t = malloc(cap);
    ck_assert_ptr_nonnull(t);
    for (int k = 1; k <= n; k++) {
        at += (size_t)snprintf(t + at, cap - at, "line %d", k);
        if (k == 40) {
            memset(t + at, 'x', 10000);
            at += 10000;
        }
        if (k < n || !open_end)
            t[at++] = '\n';
    }
    t[at] = '\0';
    *len = at;
    return t;
}

static char *write_file(const char *text, size_t len, struct stat *st)
{
    char *path = strdup("/tmp/gavel-lines-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    ck_assert_int_eq(fstat(fd, st), 0);
    close(fd);
    return path;
}

/* Line `line` as the span gv_lines_at gives shows it ("" when missing). */
static void line_of(gv_lines *l, uint32_t line, char *out, size_t cap)
{
    uint32_t from;
    size_t len;
    out[0] = '\0';
    const char *s = gv_lines_at(l, line, 5, &from, &len);
    if (!s)
        return;
    ck_assert_uint_le(from, line);
    ck_assert_uint_gt(from + GV_LINE_STRIDE, line);
    const char *end = s + len;
    for (uint32_t k = from; k < line && s < end; k++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        s = nl ? nl + 1 : end;
    }
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    size_t n = (size_t)((nl ? nl : end) - s);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* Whether the lines are served from the text itself (kept, not read
 * again). */
static int from_text(gv_lines *l, const char *text, size_t len)
{
    uint32_t from;
    size_t n;
    const char *s = gv_lines_at(l, 1, 0, &from, &n);
    return s && s >= text && s < text + len;
}

static void check_lines(gv_lines *l, int n)
{
    char got[64], want[64];
    for (int k = 1; k <= n + 2; k++) {
        line_of(l, (uint32_t)k, got, sizeof got);
        if (k > n)
            snprintf(want, sizeof want, "%s", "");
        else if (k == 40)
            snprintf(want, sizeof want, "line 40%.*s", 63 - 7, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        else
            snprintf(want, sizeof want, "line %d", k);
        ck_assert_msg(strcmp(got, want) == 0, "line %d: got '%s'", k, got);
    }
}

START_TEST(kept_and_dropped_text_give_the_same_lines)
{
    for (int open_end = 0; open_end <= 1; open_end++) {
        size_t len;
        char *text = make_text(100, open_end, &len);
        struct stat st;
        char *path = write_file(text, len, &st);
        gv_lines *l = gv_lines_new(text, len);
        ck_assert_ptr_nonnull(l);
        check_lines(l, 100);
        ck_assert(from_text(l, text, len));
        ck_assert_int_eq(gv_lines_drop_text(l, path, &st), 0);
        check_lines(l, 100); /* the 10,000-byte line outgrows the first window */
        gv_lines_release(l);
        check_lines(l, 100); /* opened again */
        ck_assert_int_eq(gv_lines_changed(l), 0);
        gv_lines_free(l);
        unlink(path);
        free(path);
    }
}
END_TEST

/* The lines of a file of n lines written to *path, its text dropped. */
static gv_lines *dropped(int n, char **path)
{
    size_t len;
    char *text = make_text(n, 0, &len);
    struct stat st;
    *path = write_file(text, len, &st);
    gv_lines *l = gv_lines_new(text, len);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(gv_lines_drop_text(l, *path, &st), 0);
    return l;
}

START_TEST(a_changed_file_gives_no_lines)
{
    char *path;
    gv_lines *l = dropped(50, &path);
    char got[64];
    line_of(l, 20, got, sizeof got);
    ck_assert_str_eq(got, "line 20");
    gv_lines_release(l);
    FILE *f = fopen(path, "w"); /* same inode, other size */
    fputs("changed\n", f);
    fclose(f);
    line_of(l, 20, got, sizeof got);
    ck_assert_str_eq(got, "");
    ck_assert_int_eq(gv_lines_changed(l), 1);
    gv_lines_free(l);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(a_removed_file_gives_no_lines)
{
    char *path;
    gv_lines *l = dropped(20, &path);
    unlink(path);
    char got[64];
    line_of(l, 3, got, sizeof got);
    ck_assert_str_eq(got, "");
    ck_assert_int_eq(gv_lines_changed(l), 1);
    gv_lines_free(l);
    free(path);
}
END_TEST

/* Text that is not what the file holds (stdin, a file that grew while it
 * was read) is kept. */
START_TEST(text_not_from_the_file_is_kept)
{
    size_t len;
    char *text = make_text(5, 0, &len);
    struct stat st = { 0 };
    gv_lines *l = gv_lines_new(text, len);
    ck_assert_int_eq(gv_lines_drop_text(l, "-", &st), -1); /* not a regular file */
    char *path = write_file(text, len - 1, &st);
    ck_assert_int_eq(gv_lines_drop_text(l, path, &st), -1); /* another size */
    unlink(path); /* the text still serves every line */
    ck_assert(from_text(l, text, len));
    check_lines(l, 5);
    ck_assert_int_eq(gv_lines_changed(l), 0);
    gv_lines_free(l);
    free(path);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("lines");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, kept_and_dropped_text_give_the_same_lines);
    tcase_add_test(tc, a_changed_file_gives_no_lines);
    tcase_add_test(tc, a_removed_file_gives_no_lines);
    tcase_add_test(tc, text_not_from_the_file_is_kept);
    suite_add_tcase(s, tc);
    return s;
}
