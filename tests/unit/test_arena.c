/* Arena: alignment, zeroing, copies, marks and resets, large blocks, the
 * byte limit; and the growable buffer's JSON string escaping. */
#include <check.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"

static int aligned(const void *p)
{
    return ((uintptr_t)p & (alignof(max_align_t) - 1)) == 0;
}

START_TEST(alloc_is_aligned_for_any_type)
{
    gv_arena a;
    gv_arena_init(&a, 256);
    /* odd sizes and interleaved byte allocations must not break alignment */
    for (size_t size = 1; size < 100; size += 7) {
        ck_assert_ptr_nonnull(gv_arena_alloc_bytes(&a, 3));
        void *p = gv_arena_alloc(&a, size);
        ck_assert_ptr_nonnull(p);
        ck_assert_msg(aligned(p), "size %zu gave %p", size, p);
    }
    gv_arena_free(&a);
}
END_TEST

START_TEST(allocations_do_not_overlap)
{
    gv_arena a;
    gv_arena_init(&a, 128);
    unsigned char *blocks[200];
    for (int i = 0; i < 200; i++) {
        blocks[i] = gv_arena_alloc(&a, 24);
        memset(blocks[i], i, 24);
    }
    for (int i = 0; i < 200; i++)
        for (int k = 0; k < 24; k++)
            ck_assert_int_eq(blocks[i][k], (unsigned char)i);
    gv_arena_free(&a);
}
END_TEST

START_TEST(zalloc_zeroes_reused_memory)
{
    gv_arena a;
    gv_arena_init(&a, 1024);
    gv_arena_mark m = gv_arena_save(&a);
    memset(gv_arena_alloc(&a, 512), 0xAB, 512);
    gv_arena_reset(&a, m);
    unsigned char *z = gv_arena_zalloc(&a, 512);
    for (int i = 0; i < 512; i++)
        ck_assert_int_eq(z[i], 0);
    gv_arena_free(&a);
}
END_TEST

START_TEST(zero_size_allocations_are_distinct)
{
    gv_arena a;
    gv_arena_init(&a, 0);
    void *p = gv_arena_alloc(&a, 0), *q = gv_arena_alloc(&a, 0);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(q);
    ck_assert_ptr_ne(p, q);
    gv_arena_free(&a);
}
END_TEST

START_TEST(strndup_keeps_embedded_nul)
{
    gv_arena a;
    gv_arena_init(&a, 0);
    char *s = gv_arena_strndup(&a, "ab\0cd", 5);
    ck_assert_int_eq(memcmp(s, "ab\0cd", 5), 0);
    ck_assert_int_eq(s[5], '\0');
    char *e = gv_arena_strndup(&a, NULL, 0); /* empty copy needs no source */
    ck_assert_str_eq(e, "");
    ck_assert_str_eq(gv_arena_strdup(&a, "xyz"), "xyz");
    gv_arena_free(&a);
}
END_TEST

START_TEST(memdup_and_sprintf)
{
    gv_arena a;
    gv_arena_init(&a, 64);
    int src[5] = { 1, 2, 3, 4, 5 };
    int *d = gv_arena_memdup(&a, src, sizeof src);
    ck_assert_ptr_ne(d, src);
    ck_assert_int_eq(memcmp(d, src, sizeof src), 0);
    ck_assert_str_eq(gv_arena_sprintf(&a, "%s-%d", "k", 42), "k-42");
    /* longer than a chunk: the formatter must size it first */
    char *long_s = gv_arena_sprintf(&a, "%0200d", 7);
    ck_assert_uint_eq(strlen(long_s), 200);
    ck_assert_int_eq(long_s[199], '7');
    gv_arena_free(&a);
}
END_TEST

START_TEST(reset_frees_chunks_after_mark)
{
    gv_arena a;
    gv_arena_init(&a, 1024);
    gv_arena_alloc(&a, 100);
    size_t before = a.total;
    gv_arena_mark m = gv_arena_save(&a);
    char *first = gv_arena_alloc(&a, 16);
    for (int i = 0; i < 50; i++)
        gv_arena_alloc(&a, 900); /* forces new chunks */
    ck_assert_uint_gt(a.total, before);
    gv_arena_reset(&a, m);
    ck_assert_uint_eq(a.total, before);
    /* the memory right after the mark is handed out again */
    ck_assert_ptr_eq(gv_arena_alloc(&a, 16), first);
    gv_arena_free(&a);
}
END_TEST

START_TEST(reset_to_empty_mark)
{
    gv_arena a;
    gv_arena_init(&a, 256);
    gv_arena_mark m = gv_arena_save(&a);
    for (int i = 0; i < 20; i++)
        gv_arena_alloc(&a, 200);
    gv_arena_reset(&a, m);
    ck_assert_uint_eq(a.total, 0);
    ck_assert_ptr_null(a.head);
    ck_assert_ptr_nonnull(gv_arena_alloc(&a, 10)); /* still usable */
    gv_arena_free(&a);
}
END_TEST

START_TEST(reset_keeps_one_chunk_for_reuse)
{
    gv_arena a;
    gv_arena_init(&a, 1024);
    gv_arena_mark m = gv_arena_save(&a);
    char *first = gv_arena_alloc(&a, 100);
    gv_arena_alloc(&a, 4096); /* a chunk of its own: freed, not kept */
    gv_arena_reset(&a, m);
    ck_assert_uint_eq(a.total, 0);
    ck_assert_ptr_nonnull(a.spare);
    char *again = gv_arena_alloc(&a, 100);
    ck_assert_ptr_eq(again, first); /* the kept chunk, from its start */
    ck_assert_ptr_null(a.spare);
    ck_assert_uint_eq(a.total, 1024);
    gv_arena_free(&a);
    ck_assert_ptr_null(a.spare);
}
END_TEST

/* Past 256 KiB an arena grows by 2 MiB mappings (util/pages.h): the memory
 * is distinct and writable, a reset gives it back but for one huge chunk,
 * which the next growth reuses, and blocks larger than a chunk still fit. */
START_TEST(growth_past_the_huge_threshold)
{
    gv_arena a;
    gv_arena_init(&a, 64 * 1024);
    gv_arena_mark m = gv_arena_save(&a);
    for (int round = 0; round < 3; round++) {
        enum { N = 5000, SIZE = 1000 }; /* 5 MB: several huge chunks */
        static unsigned char *blocks[N];
        for (int i = 0; i < N; i++) {
            blocks[i] = gv_arena_alloc(&a, SIZE);
            ck_assert_ptr_nonnull(blocks[i]);
            memset(blocks[i], (i + round) & 0xff, SIZE);
        }
        for (int i = 0; i < N; i++)
            ck_assert_msg(blocks[i][0] == ((i + round) & 0xff) && blocks[i][SIZE - 1] == ((i + round) & 0xff),
                          "block %d overwritten in round %d", i, round);
        unsigned char *big = gv_arena_alloc(&a, 5u << 20); /* more than a huge chunk */
        ck_assert_ptr_nonnull(big);
        big[0] = 1;
        big[(5u << 20) - 1] = 2;
        ck_assert_uint_ge(a.total, (size_t)10 << 20);
        gv_arena_reset(&a, m);
        ck_assert_uint_eq(a.total, 0);
        ck_assert_ptr_nonnull(a.spare);
    }
    gv_arena_free(&a);
    ck_assert_ptr_null(a.spare);
}
END_TEST

START_TEST(large_block_gets_own_chunk)
{
    gv_arena a;
    gv_arena_init(&a, 4096);
    char *small = gv_arena_alloc(&a, 8);
    size_t big = 1 << 20;
    char *p = gv_arena_alloc(&a, big);
    ck_assert_ptr_nonnull(p);
    ck_assert(aligned(p));
    memset(p, 1, big); /* all of it is usable */
    ck_assert_uint_ge(a.total, big + 4096);
    small[0] = 5; /* the first chunk stays valid */
    ck_assert_int_eq(small[0], 5);
    gv_arena_free(&a);
    ck_assert_uint_eq(a.total, 0);
}
END_TEST

START_TEST(limit_makes_alloc_fail)
{
    gv_arena a;
    gv_arena_init(&a, 1024);
    a.limit = 4096;
    int got = 0;
    while (gv_arena_alloc(&a, 512) != NULL && got < 100)
        got++;
    ck_assert_int_eq(got, 8); /* four chunks of two */
    ck_assert_ptr_null(gv_arena_alloc(&a, 1 << 20));
    ck_assert_uint_le(a.total, 4096);
    gv_arena_free(&a);
}
END_TEST

START_TEST(huge_size_fails_cleanly)
{
    gv_arena a;
    gv_arena_init(&a, 0);
    ck_assert_ptr_null(gv_arena_alloc(&a, SIZE_MAX - 8));
    ck_assert_ptr_null(gv_arena_strndup(&a, "x", SIZE_MAX));
    ck_assert_ptr_nonnull(gv_arena_alloc(&a, 8));
    gv_arena_free(&a);
}
END_TEST

START_TEST(buf_json_string_escapes)
{
    gv_buf b;
    gv_buf_init(&b);
    gv_buf_json_string(&b, "a\"b\\c\n\t\x01\0z\xc3\xa9", 12);
    ck_assert_str_eq(b.data, "\"a\\\"b\\\\c\\n\\t\\u0001\\u0000z\xc3\xa9\"");
    gv_buf_clear(&b);
    gv_buf_printf(&b, "%d:%s", 5, "x");
    ck_assert_str_eq(b.data, "5:x");
    ck_assert_uint_eq(b.len, 3);
    gv_buf_free(&b);
}
END_TEST

/* The obvious byte-at-a-time escaping, to hold the vectorised scan to. */
static void json_string_ref(gv_buf *b, const unsigned char *s, size_t n)
{
    gv_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\')
            gv_buf_printf(b, "\\%c", c);
        else if (c == '\n')
            gv_buf_puts(b, "\\n");
        else if (c == '\r')
            gv_buf_puts(b, "\\r");
        else if (c == '\t')
            gv_buf_puts(b, "\\t");
        else if (c == '\b')
            gv_buf_puts(b, "\\b");
        else if (c == '\f')
            gv_buf_puts(b, "\\f");
        else if (c < 0x20)
            gv_buf_printf(b, "\\u%04x", c);
        else
            gv_buf_putc(b, (char)c);
    }
    gv_buf_putc(b, '"');
}

START_TEST(buf_json_string_long_mixed)
{
    /* long strings, escapes at every spacing (the 16-byte blocks after an
     * escape) and across the 4,096-byte slices the escaping works in */
    static const size_t lens[] = { 4095, 4096, 4097, 8192, 8193, 20000 };
    static unsigned char s[20000];
    gv_buf got, want;
    gv_buf_init(&got);
    gv_buf_init(&want);
    uint32_t x = 12345;
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
        for (int density = 1; density <= 64; density *= 2) {
            size_t n = lens[li];
            for (size_t i = 0; i < n; i++) {
                x = x * 1103515245u + 12345u;
                unsigned r = (x >> 16) & 0xffff;
                s[i] = r % (unsigned)density == 0 ? (unsigned char)"\"\\\n\x01\x1f"[r % 5] : (unsigned char)('a' + r % 26);
            }
            s[4095] = '"'; /* an escape on the slice boundary */
            gv_buf_clear(&got);
            gv_buf_clear(&want);
            gv_buf_json_string(&got, (const char *)s, n);
            json_string_ref(&want, s, n);
            ck_assert_uint_eq(got.len, want.len);
            ck_assert_msg(memcmp(got.data, want.data, got.len) == 0, "length %zu, density %d", n, density);
            ck_assert_uint_eq(strlen(got.data), got.len);
        }
    gv_buf_free(&got);
    gv_buf_free(&want);
}
END_TEST

START_TEST(buf_json_string_every_byte_everywhere)
{
    /* each byte value at each position of strings of the lengths around
     * the scan's steps (16 or 8 bytes at a time, then byte by byte), alone
     * and with a second escape right after it */
    static const size_t lens[] = { 1, 2, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 40 };
    unsigned char s[41];
    gv_buf got, want;
    gv_buf_init(&got);
    gv_buf_init(&want);
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
        for (size_t n = lens[li], at = 0; at < n; at++)
            for (int c = 0; c < 256; c++) {
                memset(s, 'x', n);
                s[at] = (unsigned char)c;
                if (at + 1 < n && c % 3 == 0)
                    s[at + 1] = '"';
                gv_buf_clear(&got);
                gv_buf_clear(&want);
                gv_buf_json_string(&got, (const char *)s, n);
                json_string_ref(&want, s, n);
                ck_assert_uint_eq(got.len, want.len);
                ck_assert_msg(memcmp(got.data, want.data, got.len) == 0, "byte %d at %zu of %zu", c, at, n);
            }
    gv_buf_free(&got);
    gv_buf_free(&want);
}
END_TEST

START_TEST(buf_printf_plain_conversions)
{
    /* the formats reports use are expanded without vsnprintf: the same text */
    gv_buf b;
    gv_buf_init(&b);
    gv_buf_printf(&b, "%s", "");
    ck_assert_ptr_nonnull(b.data);
    ck_assert_str_eq(b.data, "");
    gv_buf_printf(&b, "a%sb%dc%ud%zue%%f", "X", -42, 4000000000u, (size_t)123456789012ULL);
    ck_assert_str_eq(b.data, "aXb-42c4000000000d123456789012e%f");
    gv_buf_clear(&b);
    gv_buf_printf(&b, "[%s] %s.", "", "x");
    ck_assert_str_eq(b.data, "[] x.");
    gv_buf_clear(&b);
    gv_buf_printf(&b, "%5d|%-3s|%x", 7, "a", 255); /* flags and others: vsnprintf */
    ck_assert_str_eq(b.data, "    7|a  |ff");
    /* %.*s and %c as glibc prints them, also where its rules are odd */
    static const struct {
        int prec;
        const char *s;
    } pieces[] = { { 3, "abcdef" }, { 0, "abc" }, { 10, "ab" }, { -1, "whole" }, { 4, "a\0bc" }, { 6, NULL },
                   { 5, NULL }, { -1, NULL } };
    for (size_t i = 0; i < sizeof pieces / sizeof *pieces; i++) {
        char want[64];
        snprintf(want, sizeof want, "<%.*s>%c", pieces[i].prec, pieces[i].s, 'z');
        gv_buf_clear(&b);
        gv_buf_printf(&b, "<%.*s>%c", pieces[i].prec, pieces[i].s, 'z');
        ck_assert_msg(strcmp(b.data, want) == 0, "piece %zu: got '%s', want '%s'", i, b.data, want);
    }
    gv_buf_free(&b);
}
END_TEST

START_TEST(spans_hold_exactly_the_arena)
{
    gv_arena a, tmp;
    gv_arena_init(&a, 64);
    gv_arena_init(&tmp, 0);
    char *p[40];
    for (int i = 0; i < 40; i++)
        p[i] = gv_arena_alloc(&a, i % 7 == 0 ? 200 : 24); /* several chunks, some large */
    char outside[8];
    char *heap = malloc(16);
    size_t n = 0;
    gv_arena_span *s = gv_arena_spans(&a, &tmp, &n);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_gt(n, 5);
    for (size_t i = 1; i < n; i++)
        ck_assert(s[i - 1].hi <= s[i].lo); /* sorted, disjoint */
    for (int i = 0; i < 40; i++) {
        ck_assert(gv_arena_spans_hold(s, n, p[i]));
        ck_assert(gv_arena_spans_hold(s, n, p[i] + 23));
    }
    ck_assert(!gv_arena_spans_hold(s, n, outside));
    ck_assert(!gv_arena_spans_hold(s, n, heap));
    ck_assert(!gv_arena_spans_hold(s, n, NULL));
    ck_assert(!gv_arena_spans_hold(s, n, (char *)s[n - 1].hi)); /* end is exclusive */
    gv_arena empty;
    gv_arena_init(&empty, 0);
    ck_assert_ptr_null(gv_arena_spans(&empty, &tmp, &n));
    ck_assert_uint_eq(n, 0);
    ck_assert(!gv_arena_spans_hold(NULL, 0, p[0]));
    /* out of memory is told apart from an empty arena: *n stays nonzero */
    gv_arena full;
    gv_arena_init(&full, 64);
    full.limit = 1;
    ck_assert_ptr_null(gv_arena_spans(&a, &full, &n));
    ck_assert_uint_gt(n, 5);
    free(heap);
    gv_arena_free(&a);
    gv_arena_free(&tmp);
}
END_TEST

static int spill_into(void *ctx, gv_buf *b)
{
    gv_buf *sink = ctx;
    if (sink->len > 6000)
        return -1; /* a sink that fails after a while */
    gv_buf_append(sink, b->data, b->len);
    gv_buf_clear(b);
    return 0;
}

START_TEST(buf_spills_when_it_would_grow)
{
    gv_buf b, sink;
    gv_buf_init(&b);
    gv_buf_init(&sink);
    b.spill = spill_into;
    b.spill_ctx = &sink;
    b.spill_at = 1000;
    for (int i = 0; i < 300; i++)
        gv_buf_printf(&b, "%03d,", i % 1000); /* 1,200 bytes in all */
    ck_assert_uint_le(b.cap, 2048); /* it spilled instead of growing */
    gv_buf_append(&sink, b.data, b.len);
    ck_assert_uint_eq(sink.len, 1200);
    for (int i = 0; i < 300; i++)
        ck_assert_int_eq(memcmp(sink.data + 4 * i, (char[5]){ (char)('0' + i / 100), (char)('0' + i / 10 % 10), (char)('0' + i % 10), ',', 0 }, 4), 0);
    for (int i = 0; i < 3000 && !b.oom; i++)
        gv_buf_puts(&b, "0123456789");
    ck_assert(b.oom); /* the failing sink stops the appends */
    ck_assert_uint_le(b.cap, 2048);
    gv_buf_free(&b);
    gv_buf_free(&sink);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("arena");
    tcase_set_timeout(tc, 30); /* the exhaustive escaping test, under the sanitizers on a busy machine */
    tcase_add_test(tc, alloc_is_aligned_for_any_type);
    tcase_add_test(tc, allocations_do_not_overlap);
    tcase_add_test(tc, zalloc_zeroes_reused_memory);
    tcase_add_test(tc, zero_size_allocations_are_distinct);
    tcase_add_test(tc, strndup_keeps_embedded_nul);
    tcase_add_test(tc, memdup_and_sprintf);
    tcase_add_test(tc, reset_frees_chunks_after_mark);
    tcase_add_test(tc, reset_to_empty_mark);
    tcase_add_test(tc, reset_keeps_one_chunk_for_reuse);
    tcase_add_test(tc, large_block_gets_own_chunk);
    tcase_add_test(tc, growth_past_the_huge_threshold);
    tcase_add_test(tc, limit_makes_alloc_fail);
    tcase_add_test(tc, huge_size_fails_cleanly);
    tcase_add_test(tc, buf_json_string_escapes);
    tcase_add_test(tc, buf_json_string_every_byte_everywhere);
    tcase_add_test(tc, buf_json_string_long_mixed);
    tcase_add_test(tc, buf_printf_plain_conversions);
    tcase_add_test(tc, spans_hold_exactly_the_arena);
    tcase_add_test(tc, buf_spills_when_it_would_grow);
    suite_add_tcase(s, tc);
    return s;
}
