/* Clause texts (what reports print of each clause): a clause whose filter
 * holds more clauses than the table had room for keeps its own text; the
 * walk over the filter grows the table under it (a use after free before). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/clause_text.h"
#include "run/ruleset.h"
#include "util/buf.h"

START_TEST(clause_keeps_text_when_its_filter_grows_the_table)
{
    gv_buf r;
    gv_buf_init(&r);
    gv_buf_puts(&r, "rule r {\n  X.*[ ");
    for (int i = 0; i < 80; i++)
        gv_buf_printf(&r, "%sk%d == %d", i ? " " : "", i, i);
    gv_buf_puts(&r, " ] not empty\n}\n");
    gv_error err;
    gv_error_clear(&err);
    gv_clause_texts *t = NULL;
    gv_program *p = gv_ruleset_load_texts("r.guard", r.data, r.len, &t, &err);
    ck_assert_msg(p != NULL, "%s", err.msg);
    ck_assert_ptr_nonnull(t);
    const gv_clause_text *c = gv_clause_texts_find(t, (gv_loc){ 2, 3 });
    ck_assert_ptr_nonnull(c);
    ck_assert_msg(strstr(c->context, "X.*") != NULL, "context '%s'", c->context);
    ck_assert_uint_ge(c->lhs.n, 2);
    gv_buf out;
    gv_buf_init(&out);
    gv_qtext_print(&out, &c->lhs, 0);
    ck_assert_msg(out.data && strncmp(out.data, "X.*", 3) == 0, "lhs '%s'", out.data ? out.data : "");
    gv_buf_free(&out);
    gv_clause_texts_free(t);
    gv_program_free(p);
    gv_buf_free(&r);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("clause_text");
    TCase *tc = tcase_create("clause_text");
    tcase_add_test(tc, clause_keeps_text_when_its_filter_grows_the_table);
    suite_add_tcase(s, tc);
    return s;
}
