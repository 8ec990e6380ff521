/* The detail block printed after a failing pair's summary. cfn-guard picks
 * the reporter from the data: a Terraform plan (resource_changes), a
 * CloudFormation template (Resources), else the generic one; a template
 * with a failure under /Resources that no resource takes (/Resources
 * itself, /ResourcesX, no map with a Type on the way) goes to the generic
 * reporter too (probed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/details.h"
#include "report/fmt.h"
#include "util/hash.h"

/* Resource keys are few and repeat: a small open-addressing table maps
 * them to ids while the index is built. */
typedef struct key_table {
    uint32_t *slots;          /* id + 1, 0 empty */
    uint32_t mask;
} key_table;

static int find_or_add(gv_cfn_index *idx, key_table *t, gv_arena *a, const gv_buf *key, const gv_node *node,
                       const gv_node *top, uint32_t *id)
{
    if (idx->n * 2 >= t->mask) { /* keep the table at most half full */
        uint32_t size = t->mask ? (t->mask + 1) * 2 : 64;
        uint32_t *slots = gv_arena_zalloc(a, size * sizeof *slots);
        if (!slots)
            return -1;
        for (uint32_t k = 0; k < idx->n; k++) {
            uint32_t h = (uint32_t)gv_hash(idx->res[k].key, strlen(idx->res[k].key)) & (size - 1);
            while (slots[h])
                h = (h + 1) & (size - 1);
            slots[h] = k + 1;
        }
        t->slots = slots;
        t->mask = size - 1;
    }
    uint32_t h = (uint32_t)gv_hash(key->data, key->len) & t->mask;
    for (; t->slots[h]; h = (h + 1) & t->mask)
        if (strcmp(idx->res[t->slots[h] - 1].key, key->data) == 0) {
            *id = t->slots[h] - 1;
            return 0;
        }
    if (idx->n == idx->cap) {
        uint32_t cap = idx->cap ? idx->cap * 2 : 16;
        gv_cfn_resource *r = gv_arena_alloc(a, cap * sizeof *r);
        if (!r)
            return -1;
        if (idx->n)
            memcpy(r, idx->res, idx->n * sizeof *r);
        idx->res = r;
        idx->cap = cap;
    }
    const char *k = gv_arena_strndup(a, key->data, key->len);
    if (!k)
        return -1;
    idx->res[idx->n] = (gv_cfn_resource){ k, node, top, idx->n };
    t->slots[h] = idx->n + 1;
    *id = idx->n++;
    return 0;
}

typedef struct placed {
    uint32_t id, check;
} placed;

static int cmp_placed(const void *a, const void *b)
{
    const placed *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->check < y->check ? -1 : x->check > y->check;
}

/* The rule's checks that have a resource, by resource then in order. */
static int sort_placed(gv_cfn_index *idx, gv_arena *a, uint32_t rule, uint32_t nchecks)
{
    const uint32_t *ids = idx->of_check[rule];
    placed *p = gv_arena_alloc(a, (nchecks ? nchecks : 1) * sizeof *p);
    uint32_t *out = gv_arena_alloc(a, (nchecks ? nchecks : 1) * sizeof *out);
    if (!p || !out)
        return -1;
    uint32_t n = 0;
    for (uint32_t k = 0; k < nchecks; k++)
        if (ids[k] != GV_NO_RESOURCE)
            p[n++] = (placed){ ids[k], k };
    qsort(p, n, sizeof *p, cmp_placed);
    for (uint32_t k = 0; k < n; k++)
        out[k] = p[k].check;
    idx->by_resource[rule] = out;
    idx->nplaced[rule] = n;
    return 0;
}

/* The resource of failed check c (see gv_cfn_resource_key). A bulk entry
 * of key tests (gv_eval_lazy) stands for tests that all lie at its map's
 * path, so the first one answers for all. */
static int check_resource(const gv_report_item *it, int tf, const gv_check *c, gv_buf *key, const gv_node **node,
                          const gv_node **top)
{
    if (gv_check_shape(it, c) == GV_SHAPE_RULE_REF || gv_check_hidden(it, c))
        return 0;
    if (c->kind != GV_CHECK_KEYS_BULK)
        return gv_cfn_resource_key(it, tf, c, key, node, top);
    uint32_t m = 0;
    gv_node k;
    gv_check one;
    if (!gv_key_check_next(c, &m, &k, &one) || gv_check_hidden(it, &one))
        return 0;
    return gv_cfn_resource_key(it, tf, &one, key, node, top);
}

/* Key tests in bulk are printed one by one only under a resource (a map
 * inside one): the rules holding such entries are expanded into a copy of
 * the results, in a. The others stay in bulk: they send the pair to the
 * generic reporter (a template's Resources itself) or show nowhere. */
static int expand_placed(gv_report_item *it, gv_eval_result *copy, int tf, gv_arena *a)
{
    const gv_eval_result *res = it->res;
    gv_buf key;
    gv_buf_init(&key);
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < res->nrules; i++) {
        const gv_rule_result *r = &res->rules[i];
        int under = 0;
        for (uint32_t k = 0; !under && r->status == GV_RS_FAIL && k < r->nchecks; k++) {
            const gv_node *node, *top;
            under = r->checks[k].kind == GV_CHECK_KEYS_BULK &&
                     check_resource(it, tf, &r->checks[k], &key, &node, &top) == 1;
        }
        if (!under)
            continue;
        if (it->res != copy) {
            gv_rule_result *rules = gv_arena_alloc(a, res->nrules * sizeof *rules);
            if (!rules) {
                rc = -1;
                break;
            }
            memcpy(rules, res->rules, res->nrules * sizeof *rules);
            *copy = *res;
            copy->rules = rules;
            it->res = copy;
        }
        rc = gv_rule_expand_checks(a, r, &copy->rules[i]);
    }
    rc = rc < 0 || key.oom ? -1 : 0;
    gv_buf_free(&key);
    return rc;
}

/* The resource of each failure of one rule. */
static int index_rule(gv_cfn_index *idx, key_table *t, gv_arena *a, const gv_report_item *it, int tf,
                      uint32_t rule)
{
    const gv_rule_result *r = &it->res->rules[rule];
    uint32_t *ids = gv_arena_alloc(a, (r->nchecks ? r->nchecks : 1) * sizeof *ids);
    if (!ids)
        return -1;
    idx->of_check[rule] = ids;
    gv_buf key;
    gv_buf_init(&key);
    int rc = 0;
    for (uint32_t k = 0; rc == 0 && k < r->nchecks; k++) {
        const gv_node *node = NULL, *top = NULL;
        int found = check_resource(it, tf, &r->checks[k], &key, &node, &top);
        ids[k] = GV_NO_RESOURCE;
        idx->unplaceable |= found == -1 || found == -3;
        idx->itself |= found == -3;
        idx->no_type |= found == -2;
        if (found == 1)
            rc = find_or_add(idx, t, a, &key, node, top, &ids[k]);
    }
    rc = rc < 0 || key.oom ? -1 : 0;
    gv_buf_free(&key);
    if (rc < 0 || sort_placed(idx, a, rule, r->nchecks) < 0)
        return -1;
    /* with nesting, cfn-guard prints the whole structure for every resource
     * of the rule (only the checks are per resource): build it once */
    int oom = 0;
    gv_cnode *tree = gv_check_tree(a, it, r, NULL, 0, &oom);
    for (const gv_cnode *c = tree ? tree->first : NULL; c && !idx->trees[rule]; c = c->next)
        if (c->kind != GV_CN_CHECK)
            idx->trees[rule] = tree;
    return oom ? -1 : 0;
}

/* Resources print grouped by the document order of the entry of Resources
 * they are under (their location), then in order of first failure. */
static int cmp_resource(const void *a, const void *b)
{
    const gv_cfn_resource *x = a, *y = b;
    uint32_t xl = x->top ? x->top->line : 0, yl = y->top ? y->top->line : 0;
    uint32_t xc = x->top ? x->top->col : 0, yc = y->top ? y->top->col : 0;
    if (xl != yl)
        return xl < yl ? -1 : 1;
    if (xc != yc)
        return xc < yc ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

static int build_index(gv_cfn_index *idx, gv_arena *a, const gv_report_item *it, int tf)
{
    key_table t = { NULL, 0 };
    memset(idx, 0, sizeof *idx);
    size_t nr = it->res->nrules ? it->res->nrules : 1;
    idx->of_check = gv_arena_zalloc(a, nr * sizeof *idx->of_check);
    idx->by_resource = gv_arena_zalloc(a, nr * sizeof *idx->by_resource);
    idx->nplaced = gv_arena_zalloc(a, nr * sizeof *idx->nplaced);
    idx->trees = gv_arena_zalloc(a, nr * sizeof *idx->trees);
    if (!idx->of_check || !idx->by_resource || !idx->nplaced || !idx->trees)
        return -1;
    for (uint32_t i = 0; i < it->res->nrules; i++)
        if (it->res->rules[i].status == GV_RS_FAIL && index_rule(idx, &t, a, it, tf, i) < 0)
            return -1;
    gv_cfn_resource *sorted = gv_arena_alloc(a, (idx->n ? idx->n : 1) * sizeof *sorted);
    idx->ids = gv_arena_alloc(a, (idx->n ? idx->n : 1) * sizeof *idx->ids);
    if (!sorted || !idx->ids)
        return -1;
    if (idx->n) /* res is NULL with no resources: memcpy must not see it */
        memcpy(sorted, idx->res, idx->n * sizeof *sorted);
    qsort(sorted, idx->n, sizeof *sorted, cmp_resource);
    for (uint32_t k = 0; k < idx->n; k++)
        idx->ids[k] = sorted[k].first; /* first is the id: ids were given in first-failure order */
    return 0;
}

static void report_resources(gv_buf *out, const gv_report_item *it, int tf, const gv_cfn_index *idx,
                             gv_arena *a)
{
    gv_buf_printf(out, "Evaluating data %s against rules %s\nNumber of non-compliant resources %u\n",
                  it->data_name, it->rules_name, idx->n);
    for (uint32_t k = 0; k < idx->n; k++)
        if (gv_cfn_print_resource(out, it, tf, idx, idx->ids[k], a) < 0) {
            out->oom = 1;
            return;
        }
}

int gv_report_details(gv_buf *out, const gv_report_item *it, unsigned show, gv_error *err)
{
    if (it->res->status != GV_RS_FAIL)
        return 0;
    const gv_node *root = it->root;
    int tf = root && root->kind == GV_MAP && gv_map_get_str(root, "resource_changes") != NULL;
    int cfn = tf || (root && root->kind == GV_MAP && gv_map_get_str(root, "Resources") != NULL);
    if (cfn) {
        gv_report_tmp tmp;
        gv_arena *a = gv_report_tmp_open(&tmp, it, 16 * 1024);
        gv_cfn_index idx;
        gv_report_item view = *it; /* its results may be a copy in a */
        gv_eval_result copy;
        int rc = expand_placed(&view, &copy, tf, a);
        if (rc == 0)
            rc = build_index(&idx, a, &view, tf);
        /* a failure below an entry of Resources that has no Type (a
         * string): cfn-guard panics before writing anything of the block
         * (probed: cfn.rs lines 187, 218, 472), unless a failure at
         * /Resources itself sends it to the generic reporter first */
        if (rc == 0 && idx.no_type && !idx.itself) {
            gv_report_tmp_close(&tmp);
            gv_error_set(err, GV_E_PANIC, it->data_name, (gv_loc){ 0, 0 },
                         "cfn-guard 3.1.1 panics reporting a failure of %s in a resource without a Type; "
                         "stopping with its exit code 101",
                         it->rules_name);
            return 1;
        }
        /* a failure under the resources that no resource can take: cfn-guard
         * gives the generic report */
        if (rc == 0 && !idx.unplaceable)
            report_resources(out, &view, tf, &idx, a);
        else if (rc < 0)
            out->oom = 1;
        gv_report_tmp_close(&tmp);
        if (rc < 0 || !idx.unplaceable)
            return 0;
    }
    gv_report_generic(out, it, show);
    return 0;
}
