/* Precompiled bundles: a program read back from a bundle is the same
 * program (same disassembly, same verdicts), and every damaged bundle is
 * rejected with a GV_E_BUNDLE error instead of being run. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc/doc.h"
#include "run/ruleset.h"
#include "util/blob.h"
#include "util/buf.h"
#include "vm/bundle.h"
#include "vm/disasm.h"
#include "vm/eval.h"

static const char rules[] =
    "let types = ['AWS::S3::Bucket', 'AWS::KMS::Key']\n"
    "let buckets = Resources.*[ Type IN %types ]\n"
    "rule named when %buckets !empty {\n"
    "    %buckets.Properties.BucketName == /^team-[a-z]+$/ <<bucket names carry the team>>\n"
    "    %buckets.Properties.Size IN r[1, 10)\n"
    "    some %buckets.Properties.Tags[*] { Key == 'team' }\n"
    "    check(%buckets)\n"
    "}\n"
    "rule check(b) { %b.Properties { Versioning exists or Extra == {\"a\": [1, 2.5, null, true]} } }\n"
    "let n = count(Resources.*)\n"
    "rule counted { %n >= 1 }\n";

static const char data[] =
    "{\"Resources\": {\"b\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {"
    "\"BucketName\": \"team-ml\", \"Size\": 3, \"Tags\": [{\"Key\": \"team\"}], \"Versioning\": 1}},"
    "\"c\": {\"Type\": \"AWS::KMS::Key\", \"Properties\": {\"BucketName\": \"x\", \"Size\": 30}}}}";

static gv_program *compile_fixture(void)
{
    gv_error err;
    gv_error_clear(&err);
    gv_program *p = gv_ruleset_load("fixture.guard", rules, strlen(rules), &err);
    ck_assert_msg(p != NULL, "%s", err.msg);
    return p;
}

static void write_bundle(gv_buf *out, gv_program *p)
{
    gv_buf_init(out);
    ck_assert_int_eq(gv_bundle_write(out, &p, NULL, 1), 0);
}

static char *disasm(const gv_program *p)
{
    gv_buf b;
    gv_buf_init(&b);
    gv_disassemble(&b, p);
    return b.data;
}

static void statuses(const gv_program *p, char *out, size_t cap)
{
    gv_error err;
    gv_error_clear(&err);
    gv_load_opts o;
    gv_load_opts_default(&o);
    gv_doc *d = gv_doc_load_mem("d.json", data, strlen(data), &o, &err);
    ck_assert_ptr_nonnull(d);
    gv_arena scratch;
    gv_arena_init(&scratch, 0);
    gv_eval_result r;
    ck_assert_int_eq(gv_eval(p, gv_doc_root(d), &scratch, &r, &err), 0);
    out[0] = '\0';
    for (uint32_t i = 0; i < r.nrules; i++) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s=%d ", p->strings[p->rules[r.rules[i].rule].name].s, (int)r.rules[i].status);
    }
    gv_arena_free(&scratch);
    gv_doc_free(d);
}

static gv_program *read_one(const gv_buf *b, gv_error *err)
{
    uint32_t n = 0;
    gv_error_clear(err);
    gv_program **ps = gv_bundle_read("t.gvb", b->data, b->len, &n, NULL, NULL, err);
    if (!ps)
        return NULL;
    ck_assert_uint_eq(n, 1);
    gv_program *p = ps[0];
    free(ps);
    return p;
}

START_TEST(round_trip_same_program)
{
    gv_program *p = compile_fixture();
    gv_buf b;
    write_bundle(&b, p);
    ck_assert(gv_bundle_sniff(b.data, b.len));
    gv_error err;
    gv_program *q = read_one(&b, &err);
    ck_assert_msg(q != NULL, "%s", err.msg);
    char *d1 = disasm(p), *d2 = disasm(q);
    ck_assert_str_eq(d1, d2);
    /* what the bundle stores instead of recomputing: key hashes, memo keys */
    for (uint32_t i = 0; i < p->nstrings; i++)
        ck_assert(p->strings[i].hash == q->strings[i].hash);
    int keyed = 0;
    for (uint32_t i = 0; i < p->nrules; i++) {
        ck_assert(p->rule_keys[i].lo == q->rule_keys[i].lo && p->rule_keys[i].hi == q->rule_keys[i].hi);
        keyed += p->rule_keys[i].hi != 0;
    }
    ck_assert_int_eq(keyed, 1); /* check(b) */
    ck_assert_uint_eq(p->nslots, q->nslots);
    for (uint32_t i = 0; i < p->nslots; i++)
        ck_assert(p->let_keys[i].lo == q->let_keys[i].lo && p->let_keys[i].hi == q->let_keys[i].hi);
    for (uint32_t i = 0; i < p->nrefs; i++)
        ck_assert(p->call_keys[i].lo == q->call_keys[i].lo && p->call_keys[i].hi == q->call_keys[i].hi);
    int skippable = 0; /* vm/pure.c, stored since format 6 */
    for (uint32_t i = 0; i < p->ncode; i++) {
        ck_assert_uint_eq(p->skippable[i], q->skippable[i]);
        skippable += p->skippable[i];
    }
    ck_assert_int_gt(skippable, 0);
    char s1[256], s2[256];
    statuses(p, s1, sizeof s1);
    statuses(q, s2, sizeof s2);
    ck_assert_str_eq(s1, s2);
    ck_assert_str_eq(s1, "named=2 counted=1 "); /* the key fails the name pattern */
    free(d1);
    free(d2);
    gv_program_free(q);
    gv_program_free(p);
    gv_buf_free(&b);
}
END_TEST

START_TEST(every_truncation_is_rejected)
{
    gv_program *p = compile_fixture();
    gv_buf b;
    write_bundle(&b, p);
    for (size_t len = 0; len < b.len; len += 7) {
        gv_buf t = { .data = b.data, .len = len, .cap = len };
        gv_error err;
        ck_assert_ptr_null(read_one(&t, &err));
        ck_assert_int_eq(err.code, GV_E_BUNDLE);
    }
    gv_program_free(p);
    gv_buf_free(&b);
}
END_TEST

START_TEST(flipped_byte_fails_checksum)
{
    gv_program *p = compile_fixture();
    gv_buf b;
    write_bundle(&b, p);
    b.data[b.len / 2] ^= 0x5a;
    gv_error err;
    ck_assert_ptr_null(read_one(&b, &err));
    ck_assert_int_eq(err.code, GV_E_BUNDLE);
    ck_assert_str_eq(err.msg, "corrupt bundle: checksum mismatch");
    gv_program_free(p);
    gv_buf_free(&b);
}
END_TEST

START_TEST(other_version_is_rejected)
{
    gv_program *p = compile_fixture();
    gv_buf b;
    write_bundle(&b, p);
    b.data[8] = 99; /* the format version follows the magic number */
    gv_error err;
    ck_assert_ptr_null(read_one(&b, &err));
    ck_assert_int_eq(err.code, GV_E_BUNDLE);
    ck_assert_ptr_nonnull(strstr(err.msg, "bundle format version 99"));
    gv_program_free(p);
    gv_buf_free(&b);
}
END_TEST

START_TEST(not_a_bundle)
{
    gv_buf t = { .data = (char *)"rule r { a exists }\n", .len = 20, .cap = 20 };
    gv_error err;
    ck_assert(!gv_bundle_sniff(t.data, t.len));
    ck_assert_ptr_null(read_one(&t, &err));
    ck_assert_str_eq(err.msg, "not a gavel bundle (bad magic number)");
}
END_TEST

START_TEST(verifier_catches_bad_index)
{
    gv_program *p = compile_fixture();
    gv_error err;
    gv_error_clear(&err);
    ck_assert_int_eq(gv_program_verify(p, "t.gvb", &err), 0);
    p->code[0].op = 200;
    ck_assert_int_eq(gv_program_verify(p, "t.gvb", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "unknown instruction"));
    gv_program_free(p);
}
END_TEST

/* A call with a memo key is answered before its rule is looked up: a key
 * on a call its rule does not fit is refused. */
START_TEST(verifier_checks_call_keys)
{
    gv_program *p = compile_fixture();
    gv_error err;
    gv_error_clear(&err);
    uint32_t call = UINT32_MAX;
    for (uint32_t ip = 0; ip < p->ncode; ip++)
        if (p->code[ip].op == GV_I_C_CALL)
            call = ip;
    ck_assert_uint_ne(call, UINT32_MAX);
    const gv_insn *in = &p->code[call];
    ck_assert(p->call_keys[in->a].hi != 0); /* check(%buckets): a keyed let */
    ck_assert_int_eq(gv_program_verify(p, "t.gvb", &err), 0);
    const gv_ref *r = &p->refs[in->a];
    uint32_t d = p->ref_decls[r->start + r->n - 1];
    p->rules[d].nparams++;
    ck_assert_int_eq(gv_program_verify(p, "t.gvb", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "call key of another rule"));
    p->rules[d].nparams--;
    p->rule_keys[d] = (gv_rule_key){ 0, 0 };
    ck_assert_int_eq(gv_program_verify(p, "t.gvb", &err), -1);
    gv_program_free(p);
}
END_TEST

/* Writes the fixture's bundle (with its clause texts) to a file and opens
 * it as -r does: read once, then read in place. */
static gv_blob *file_fixture(char *path, size_t cap, gv_program **src)
{
    gv_error err;
    gv_error_clear(&err);
    gv_clause_texts *tx = NULL;
    *src = gv_ruleset_load_texts("fixture.guard", rules, strlen(rules), &tx, &err);
    ck_assert_ptr_nonnull(*src);
    ck_assert_ptr_nonnull(tx);
    gv_buf b;
    gv_buf_init(&b);
    ck_assert_int_eq(gv_ruleset_write_bundle(&b, src, &tx, 1), 0);
    gv_clause_texts_free(tx);
    snprintf(path, cap, "/tmp/gv-test-bundle-%d.gvb", (int)getpid());
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(b.data, 1, b.len, f), b.len);
    fclose(f);
    gv_buf_free(&b);
    gv_blob *blob = gv_blob_open(path, 0, &err);
    ck_assert_msg(blob != NULL, "%s", err.msg);
    return blob;
}

START_TEST(read_in_place_outlives_the_callers_reference)
{
    char path[64];
    gv_program *src;
    gv_blob *blob = file_fixture(path, sizeof path, &src);
    gv_error err;
    gv_error_clear(&err);
    uint32_t n = 0;
    gv_clause_texts **tx = NULL;
    gv_program **ps = gv_ruleset_read_bundle(path, gv_blob_data(blob), gv_blob_len(blob), blob, &n, &tx, &err);
    ck_assert_msg(ps != NULL, "%s", err.msg);
    gv_blob_release(blob); /* the program and its texts hold their own references */
    unlink(path);
    ck_assert_uint_eq(n, 1);
    char s1[256], s2[256];
    statuses(src, s1, sizeof s1);
    statuses(ps[0], s2, sizeof s2);
    ck_assert_str_eq(s1, s2);
    ck_assert_ptr_nonnull(tx[0]->pending); /* nothing decoded before a report asks */
    gv_loc at = { 4, 5 };                   /* the BucketName comparison */
    const gv_clause_text *t = gv_clause_texts_find(tx[0], at);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(strstr(t->context, "BucketName"));
    ck_assert_ptr_null(tx[0]->pending);
    gv_clause_texts_free(tx[0]);
    gv_program_free(ps[0]);
    gv_program_free(src);
    free(ps);
    free(tx);
}
END_TEST

START_TEST(damaged_lazy_texts_are_empty)
{
    /* a blob that does not decode (the bundle's checksum would normally
     * stop it first) leaves the texts empty instead of failing a report */
    static const char junk[] = "\x05\x01a";
    gv_clause_texts *t = gv_clause_texts_read_lazily(junk, sizeof junk - 1, NULL);
    ck_assert_ptr_nonnull(t);
    gv_loc at = { 1, 1 };
    ck_assert_ptr_null(gv_clause_texts_find(t, at));
    ck_assert_ptr_null(gv_step_texts_find(t, at));
    ck_assert_uint_eq(t->n, 0);
    gv_clause_texts_free(t);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("bundle");
    TCase *tc = tcase_create("bundle");
    tcase_add_test(tc, round_trip_same_program);
    tcase_add_test(tc, every_truncation_is_rejected);
    tcase_add_test(tc, flipped_byte_fails_checksum);
    tcase_add_test(tc, other_version_is_rejected);
    tcase_add_test(tc, not_a_bundle);
    tcase_add_test(tc, verifier_catches_bad_index);
    tcase_add_test(tc, verifier_checks_call_keys);
    tcase_add_test(tc, read_in_place_outlives_the_callers_reference);
    tcase_add_test(tc, damaged_lazy_texts_are_empty);
    suite_add_tcase(s, tc);
    return s;
}
