/* Hashing and key interning: one copy per distinct key, its XXH3 hash
 * computed once, keys compared as byte strings (embedded NULs included). */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "doc/doc_build.h"
#include "util/hash.h"

START_TEST(hash_is_xxh3_of_the_bytes)
{
    const char *samples[] = { "", "a", "Properties", "Fn::GetAtt", "a somewhat longer key of more than thirty-two bytes" };
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++)
        ck_assert_uint_eq(gv_hash(samples[i], strlen(samples[i])),
                          XXH3_64bits(samples[i], strlen(samples[i])));
    /* the length is part of it: a trailing NUL changes the hash */
    ck_assert_uint_ne(gv_hash("ab", 2), gv_hash("ab", 3));
}
END_TEST

START_TEST(long_inputs_hash_as_xxh3)
{
    /* lengths around the wide path's start and its 1,024-byte stripes
     * blocks, at odd offsets: the same value as the library's XXH3 */
    static unsigned char buf[70000];
    uint32_t x = 7;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
    static const size_t lens[] = { 241, 1024, GV_HASH_WIDE_MIN - 1, GV_HASH_WIDE_MIN, GV_HASH_WIDE_MIN + 1, 8191,
                                   8192, 65536, 69990 };
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++)
        for (size_t off = 0; off < 4; off++)
            ck_assert_msg(gv_hash(buf + off, lens[i]) == XXH3_64bits(buf + off, lens[i]), "length %zu at offset %zu",
                          lens[i], off);
}
END_TEST

START_TEST(same_key_same_pointer)
{
    gv_doc *d = gv_doc_new("t");
    char buf[16];
    strcpy(buf, "Type");
    const gv_key *a = gv_doc_intern(d, "Type", 4);
    const gv_key *b = gv_doc_intern(d, buf, 4); /* other storage, same bytes */
    ck_assert_ptr_eq(a, b);
    ck_assert_ptr_ne(a->str, buf);
    ck_assert_ptr_ne(gv_doc_intern(d, "type", 4), a); /* case matters */
    ck_assert_ptr_ne(gv_doc_intern(d, "Typ", 3), a);
    gv_doc_free(d);
}
END_TEST

START_TEST(key_hash_is_precomputed)
{
    gv_doc *d = gv_doc_new("t");
    const gv_key *k = gv_doc_intern(d, "BucketName", 10);
    ck_assert_uint_eq(k->hash, XXH3_64bits("BucketName", 10));
    ck_assert_uint_eq(k->len, 10);
    ck_assert_str_eq(k->str, "BucketName");
    ck_assert_int_eq(k->str[k->len], '\0');
    gv_doc_free(d);
}
END_TEST

START_TEST(embedded_nul_keys_are_distinct)
{
    gv_doc *d = gv_doc_new("t");
    const gv_key *full = gv_doc_intern(d, "a\0b", 3);
    const gv_key *cut = gv_doc_intern(d, "a", 1);
    const gv_key *other = gv_doc_intern(d, "a\0c", 3);
    ck_assert_ptr_ne(full, cut);
    ck_assert_ptr_ne(full, other);
    ck_assert_uint_eq(full->len, 3);
    ck_assert_int_eq(memcmp(full->str, "a\0b", 3), 0);
    ck_assert_uint_eq(full->hash, XXH3_64bits("a\0b", 3));
    ck_assert_ptr_eq(gv_doc_intern(d, "a\0b", 3), full);
    gv_doc_free(d);
}
END_TEST

START_TEST(empty_key_interns)
{
    gv_doc *d = gv_doc_new("t");
    const gv_key *e = gv_doc_intern(d, "", 0);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->len, 0);
    ck_assert_ptr_eq(gv_doc_intern(d, "x", 0), e);
    gv_doc_free(d);
}
END_TEST

START_TEST(interning_survives_table_growth)
{
    gv_doc *d = gv_doc_new("t");
    enum { N = 5000 };
    static const gv_key *keys[N];
    char buf[32];
    for (int i = 0; i < N; i++) {
        int n = snprintf(buf, sizeof buf, "key-%d", i);
        keys[i] = gv_doc_intern(d, buf, (size_t)n);
    }
    /* every key is still found, at the same address, after many rehashes */
    for (int i = 0; i < N; i++) {
        int n = snprintf(buf, sizeof buf, "key-%d", i);
        ck_assert_ptr_eq(gv_doc_intern(d, buf, (size_t)n), keys[i]);
    }
    gv_doc_free(d);
}
END_TEST

START_TEST(documents_intern_separately)
{
    gv_doc *a = gv_doc_new("a"), *b = gv_doc_new("b");
    const gv_key *ka = gv_doc_intern(a, "k", 1), *kb = gv_doc_intern(b, "k", 1);
    ck_assert_ptr_ne(ka, kb);
    ck_assert_uint_eq(ka->hash, kb->hash);
    gv_doc_free(a);
    ck_assert_str_eq(kb->str, "k"); /* freeing one leaves the other intact */
    gv_doc_free(b);
}
END_TEST

START_TEST(loaded_keys_are_interned_once)
{
    const char *text = "a: {k: 1}\nb: {k: 2}\nc: [{k: 3}]\n";
    gv_error err;
    gv_error_clear(&err);
    gv_doc *d = gv_doc_load_mem("t.yaml", text, strlen(text), NULL, &err);
    ck_assert_ptr_nonnull(d);
    gv_node *r = gv_doc_root(d);
    const gv_key *k1 = gv_map_get_str(r, "a")->u.members[0].key;
    const gv_key *k2 = gv_map_get_str(r, "b")->u.members[0].key;
    const gv_key *k3 = gv_map_get_str(r, "c")->u.items[0]->u.members[0].key;
    ck_assert_ptr_eq(k1, k2);
    ck_assert_ptr_eq(k1, k3);
    ck_assert_ptr_eq(gv_doc_intern(d, "k", 1), k1);
    gv_doc_free(d);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("hash");
    TCase *tc = tcase_create("interning");
    tcase_add_test(tc, hash_is_xxh3_of_the_bytes);
    tcase_add_test(tc, long_inputs_hash_as_xxh3);
    tcase_add_test(tc, same_key_same_pointer);
    tcase_add_test(tc, key_hash_is_precomputed);
    tcase_add_test(tc, embedded_nul_keys_are_distinct);
    tcase_add_test(tc, empty_key_interns);
    tcase_add_test(tc, interning_survives_table_growth);
    tcase_add_test(tc, documents_intern_separately);
    tcase_add_test(tc, loaded_keys_are_interned_once);
    suite_add_tcase(s, tc);
    return s;
}
