/* Shared runner: each tests/unit/test_*.c defines gv_test_suite(). */
#include <check.h>
#include <stdlib.h>

Suite *gv_test_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(gv_test_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
