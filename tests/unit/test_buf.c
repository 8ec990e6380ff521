/* Buffers: integers written without printf give printf's digits, at the
 * edges of each digit count and of the types. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"

static void check_uint(unsigned long long u)
{
    char got[24], want[24];
    *gv_put_uint(got, u) = '\0';
    snprintf(want, sizeof want, "%llu", u);
    ck_assert_msg(strcmp(got, want) == 0, "%s, want %s", got, want);
}

START_TEST(put_uint_digits)
{
    for (unsigned long long u = 0; u < 100000; u++)
        check_uint(u);
    for (unsigned long long p = 10; p && p <= ULLONG_MAX / 10; p *= 10) {
        check_uint(p - 1);
        check_uint(p);
        check_uint(p + 1);
        check_uint(p * 10 - 1);
    }
    check_uint(ULLONG_MAX);
    check_uint(ULLONG_MAX - 1);
}
END_TEST

START_TEST(buf_int_signs)
{
    const long long vals[] = { 0, -1, 1, -9, -10, 99, -100, 1234567, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1 };
    gv_buf b;
    gv_buf_init(&b);
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        char want[24];
        snprintf(want, sizeof want, "%lld", vals[i]);
        gv_buf_clear(&b);
        gv_buf_int(&b, vals[i]);
        ck_assert_str_eq(b.data, want);
        char got[24];
        *gv_put_int(got, vals[i]) = '\0';
        ck_assert_str_eq(got, want);
    }
    gv_buf_free(&b);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("buf");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, put_uint_digits);
    tcase_add_test(tc, buf_int_signs);
    suite_add_tcase(s, tc);
    return s;
}
