/* The CloudFormation reporter of the single-line-summary detail block
 * (and its Terraform-plan variant): failures grouped per resource, each
 * failing rule with its checks nested as cfn-guard nests them:
 *   Resource = B {
 *     Type      = AWS::S3::Bucket
 *     Rule = r {
 *       ALL {
 *         Check =  Resources.B.Properties.Size EQUALS  4 {
 *           ComparisonError { ... }
 * Resources come in document order (cfn-guard's order is a hash order). */
#include <string.h>

#include "report/details.h"
#include "report/fmt.h"

typedef struct cfn_ctx {
    const gv_report_item *it;
    int tf;                  /* Terraform plan: resource_changes[n] */
    const uint32_t *of_check;/* printing a whole rule tree: only the checks of resource id */
    const gv_check *checks;
    uint32_t id;
} cfn_ctx;

/* The resource a failure is reported under: the deepest map above it on
 * its path under /Resources that has a Type, the first one at least
 * (probed: .../P/Properties/Artifacts/x, Artifacts being {Type: S3, ...},
 * goes under "P/Properties/Artifacts"; /Resources/P/Properties under "P");
 * for a Terraform plan, the entry of resource_changes. Returns 1 with key,
 * *res and *top (the entry of Resources it is under) set, 0 when the path is not under the resources (the failure is
 * not shown), and when it is but has no such map (probed): -3 for
 * /Resources itself (cfn-guard falls back to the generic reporter), -2 for
 * a path below an entry of Resources (cfn-guard panics, unless a -3 sends
 * it to the generic reporter), -1 for /ResourcesX or a plan (generic). */
int gv_cfn_resource_key(const gv_report_item *it, int tf, const gv_check *c, gv_buf *key, const gv_node **res,
                        const gv_node **top)
{
    const char *root_key = tf ? "resource_changes" : "Resources";
    const gv_path *steps[256];
    uint32_t n = 0;
    for (const gv_path *p = gv_check_at(it, c)->path; p && n < 256; p = p->parent)
        steps[n++] = p;
    if (n == 0)
        return 0;
    const gv_path *first = steps[n - 1];
    if (!first->key || strcmp(first->key, root_key) != 0) {
        gv_buf t;
        gv_buf_init(&t);
        gv_fmt_path(&t, gv_check_at(it, c));
        int orphan = t.data && strncmp(t.data + 1, root_key, strlen(root_key)) == 0; /* e.g. /ResourcesX */
        gv_buf_free(&t);
        return orphan ? -1 : 0;
    }
    if (n == 1)
        return -3;
    const gv_node *nodes[256];
    const gv_node *at = gv_map_get_str(it->root, root_key);
    for (uint32_t i = n - 1; i-- > 0;) { /* nodes[k]: after k steps below the top */
        const gv_path *p = steps[i];
        if (at && p->key)
            at = at->kind == GV_MAP ? gv_map_get_str(at, p->key) : NULL;
        else if (at)
            at = at->kind == GV_LIST && p->index < at->len ? at->u.items[p->index] : NULL;
        nodes[n - 1 - i] = at;
    }
    uint32_t deepest = tf || n < 4 ? 1 : n - 2; /* the failing value itself does not count */
    for (uint32_t k = deepest; k >= 1 && k < n; k--) {
        const gv_node *m = nodes[k];
        const gv_node *t = m && m->kind == GV_MAP ? gv_map_get_str(m, tf ? "address" : "Type") : NULL;
        if (!t || t->kind != GV_STRING)
            continue;
        gv_buf_clear(key);
        *top = nodes[1];
        for (uint32_t j = 1; j <= k; j++) {
            const gv_path *p = steps[n - 1 - j];
            if (j > 1)
                gv_buf_putc(key, '/');
            if (p->key)
                gv_buf_append(key, p->key, p->len);
            else
                gv_buf_printf(key, "%u", p->index);
        }
        *res = m;
        return 1;
    }
    return tf ? -1 : -2;
}

static void field(gv_buf *out, int ind, const char *label, const char *value)
{
    gv_indent(out, ind);
    gv_buf_printf(out, "%s%s\n", label, value);
}

/* "Message          = m", or a brace block when the message has lines. */
static void custom_message(gv_buf *out, int ind, const char *msg, const char *sep, const char *open)
{
    if (!strchr(msg, '\n')) {
        const char *s = msg, *e = msg + strlen(msg);
        while (*s == ' ' || *s == '\t')
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            e--;
        gv_indent(out, ind);
        gv_buf_printf(out, "Message%s%.*s\n", sep, (int)(e - s), s);
        return;
    }
    gv_indent(out, ind);
    gv_buf_puts(out, open);
    for (const char *s = msg; *s;) {
        const char *nl = strchr(s, '\n');
        const char *e = nl ? nl : s + strlen(s);
        const char *b = s;
        while (b < e && (*b == ' ' || *b == '\t' || *b == '\r'))
            b++;
        const char *t = e;
        while (t > b && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
            t--;
        if (t > b) {
            gv_indent(out, ind + 2);
            gv_buf_printf(out, "%.*s\n", (int)(t - b), b);
        }
        s = nl ? nl + 1 : e;
    }
    gv_indent(out, ind);
    gv_buf_puts(out, "}\n");
}

static void property_path(gv_buf *out, const cfn_ctx *x, const gv_val *v)
{
    if (!x->tf) {
        gv_fmt_path(out, v);
        gv_fmt_loc(out, v->literal ? NULL : gv_msg_located(x->it, v));
        return;
    }
    gv_buf p;
    gv_buf_init(&p);
    gv_fmt_path(&p, v);
    const char *s = p.data ? p.data : "";
    const char *after = strstr(s, "/change/after/");
    s = after ? after + strlen("/change/after/") : s;
    for (; *s; s++)
        gv_buf_putc(out, *s == '/' ? '.' : *s);
    gv_buf_free(&p);
}

static void code(gv_buf *out, const cfn_ctx *x, const gv_val *at, int ind)
{
    if (x->tf)
        return;
    field(out, ind, "Code:", "");
    gv_snippet(out, x->it, gv_msg_located(x->it, at), ind);
}

static void value_field(gv_buf *out, int ind, const char *label, const gv_node *n)
{
    gv_indent(out, ind);
    gv_buf_puts(out, label);
    if (n)
        gv_fmt_value(out, n);
    gv_buf_putc(out, '\n');
}

static void comparison_error(gv_buf *out, const cfn_ctx *x, const gv_check *c, int ind)
{
    const gv_report_item *it = x->it;
    gv_shape shape = gv_check_shape(it, c);
    const char *msg = gv_msg_custom(it, c);
    gv_indent(out, ind);
    gv_buf_puts(out, "ComparisonError {\n");
    if (msg)
        custom_message(out, ind + 2, msg, "          = ", "Message          {\n");
    gv_indent(out, ind + 2);
    gv_buf_puts(out, "Error            = ");
    gv_msg_error(out, it, c);
    gv_buf_putc(out, '\n');
    if (shape == GV_SHAPE_IN) { /* cfn-guard closes the block early here */
        gv_indent(out, ind);
        gv_buf_puts(out, "}\n");
    }
    gv_indent(out, ind + 2);
    gv_buf_puts(out, "PropertyPath    = ");
    property_path(out, x, gv_check_at(it, c));
    gv_buf_putc(out, '\n');
    field(out, ind + 2, "Operator        = ", gv_msg_operator(it, c));
    if (shape == GV_SHAPE_IN) {
        gv_indent(out, ind + 2);
        gv_buf_puts(out, "Value           = ");
        gv_fmt_value(out, gv_check_at(it, c)->node);
        gv_buf_puts(out, "\n");
        gv_indent(out, ind + 2);
        gv_buf_puts(out, "ComparedWith    = [");
        for (uint32_t i = 0; i < c->nrhs; i++) {
            if (i)
                gv_buf_puts(out, ", ");
            gv_fmt_value(out, c->rhs_all[i].node);
        }
        gv_buf_puts(out, "]\n");
    } else if (shape == GV_SHAPE_BINARY) {
        value_field(out, ind + 2, "Value           = ", c->lhs.node);
        gv_path p0;
        value_field(out, ind + 2, "ComparedWith    = ", gv_check_rhs(c, &p0).node);
    }
    code(out, x, gv_check_at(it, c), ind + 2);
    gv_buf_putc(out, '\n');
    if (shape != GV_SHAPE_IN) {
        gv_indent(out, ind);
        gv_buf_puts(out, "}\n");
    }
}

static void required_property(gv_buf *out, const cfn_ctx *x, const gv_check *c, int ind)
{
    const char *msg = gv_msg_custom(x->it, c);
    if (msg)
        custom_message(out, ind, msg, " = ", "Message {\n");
    gv_indent(out, ind);
    gv_buf_puts(out, "RequiredPropertyError {\n");
    gv_indent(out, ind + 2);
    gv_buf_puts(out, "PropertyPath = ");
    property_path(out, x, &c->lhs);
    gv_indent(out, 0);
    gv_buf_puts(out, "\n");
    gv_indent(out, ind + 2);
    gv_buf_puts(out, "MissingProperty = ");
    gv_msg_remaining(out, x->it, c);
    gv_buf_putc(out, '\n');
    gv_indent(out, ind + 2);
    gv_buf_puts(out, "Reason = ");
    gv_msg_reason(out, x->it, c);
    gv_buf_putc(out, '\n');
    code(out, x, &c->lhs, ind + 2);
    gv_indent(out, ind);
    gv_buf_puts(out, "}\n");
}

static void block_missing(gv_buf *out, const cfn_ctx *x, const gv_check *c, int ind)
{
    gv_indent(out, ind);
    gv_buf_puts(out, "RequiredPropertyError {\n");
    gv_indent(out, ind + 2);
    gv_buf_puts(out, "PropertyPath       = ");
    gv_fmt_path(out, &c->lhs);
    gv_buf_putc(out, '\n');
    gv_indent(out, ind + 2);
    gv_buf_puts(out, "MissingProperty    = ");
    gv_msg_remaining(out, x->it, c);
    gv_buf_putc(out, '\n');
    gv_indent(out, ind + 2);
    gv_buf_puts(out, "Error               = ");
    gv_msg_error(out, x->it, c);
    gv_buf_putc(out, '\n');
    code(out, x, &c->lhs, ind + 2);
    gv_buf_putc(out, '\n');
    gv_indent(out, ind);
    gv_buf_puts(out, "}\n");
}

static void print_check(gv_buf *out, const cfn_ctx *x, const gv_check *c, int ind)
{
    gv_shape shape = gv_check_shape(x->it, c);
    gv_indent(out, ind);
    gv_buf_puts(out, "Check = "); /* contexts of comparisons start with a space */
    gv_msg_context(out, x->it, c);
    gv_buf_puts(out, " {\n");
    switch (shape) {
    case GV_SHAPE_BINARY_MISSING:
    case GV_SHAPE_UNARY_MISSING: required_property(out, x, c, ind + 2); break;
    case GV_SHAPE_BLOCK_MISSING: block_missing(out, x, c, ind + 2); break;
    default: comparison_error(out, x, c, ind + 2); break;
    }
    gv_indent(out, ind);
    gv_buf_puts(out, "}\n");
}

static void print_node(gv_buf *out, const cfn_ctx *x, const gv_cnode *n, int ind);

static void print_children(gv_buf *out, const cfn_ctx *x, const gv_cnode *n, int ind)
{
    for (const gv_cnode *c = n->first; c; c = c->next)
        print_node(out, x, c, ind);
}

static void print_node(gv_buf *out, const cfn_ctx *x, const gv_cnode *n, int ind)
{
    if (n->kind == GV_CN_CHECK) {
        if (!x->of_check || x->of_check[n->check - x->checks] == x->id)
            print_check(out, x, n->check, ind);
        return;
    }
    gv_indent(out, ind);
    if (n->kind == GV_CN_ANY) {
        gv_buf_puts(out, "ANY {\n");
        print_children(out, x, n, ind + 2);
    } else {
        gv_buf_puts(out, "Rule = ");
        gv_report_rule_name(out, x->it, n->rule);
        gv_buf_puts(out, " {\n");
        uint32_t msg = n->key ? x->it->prog->messages[n->key_ip] : GV_NONE;
        if (msg != GV_NONE) /* a called rule: the message of the call */
            custom_message(out, ind + 2, x->it->prog->strings[msg].s, " = ", "Message {\n");
        gv_indent(out, ind + 2);
        gv_buf_puts(out, "ALL {\n");
        print_children(out, x, n, ind + 4);
        gv_indent(out, ind + 2);
        gv_buf_puts(out, "}\n");
    }
    gv_indent(out, ind);
    gv_buf_puts(out, "}\n");
}

/* The resource's Type (Terraform: the address before its first dot). */
static void resource_type(gv_buf *out, const cfn_ctx *x, const gv_node *res)
{
    const gv_node *t = res && res->kind == GV_MAP ? gv_map_get_str(res, x->tf ? "address" : "Type") : NULL;
    if (!t || t->kind != GV_STRING)
        return;
    size_t n = t->len;
    if (x->tf) {
        const char *dot = memchr(t->u.s, '.', t->len);
        n = dot ? (size_t)(dot - t->u.s) : t->len;
    }
    gv_buf_append(out, t->u.s, n);
}

static void resource_title(gv_buf *out, const cfn_ctx *x, const char *key, const gv_node *res)
{
    const gv_node *t = x->tf && res && res->kind == GV_MAP ? gv_map_get_str(res, "address") : NULL;
    if (!x->tf || !t || t->kind != GV_STRING) {
        gv_buf_printf(out, "Resource = %s {\n", key);
        return;
    }
    const char *dot = memchr(t->u.s, '.', t->len);
    const char *s = dot ? dot + 1 : t->u.s;
    gv_buf_printf(out, "Resource = %.*s {\n", (int)(t->len - (size_t)(s - t->u.s)), s);
}

/* Prints one resource's block; returns -1 when memory ran out. */
int gv_cfn_print_resource(gv_buf *out, const gv_report_item *it, int tf, const gv_cfn_index *idx, uint32_t id,
                          gv_arena *a)
{
    cfn_ctx x = { it, tf, NULL, NULL, id };
    const gv_cfn_resource *res = &idx->res[id];
    resource_title(out, &x, res->key, res->node);
    gv_buf_puts(out, "  Type      = ");
    resource_type(out, &x, res->node);
    gv_buf_putc(out, '\n');
    int oom = 0;
    for (uint32_t i = 0; i < it->res->nrules; i++) {
        const gv_rule_result *r = &it->res->rules[i];
        if (r->status != GV_RS_FAIL)
            continue;
        const uint32_t *of = idx->of_check[i], *placed = idx->by_resource[i];
        uint32_t lo = 0, hi = idx->nplaced[i];
        while (lo < hi) { /* the first of this resource's checks */
            uint32_t mid = lo + (hi - lo) / 2;
            if (of[placed[mid]] < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        uint32_t end = lo;
        while (end < idx->nplaced[i] && of[placed[end]] == id)
            end++;
        if (end == lo)
            continue;
        x.of_check = idx->trees[i] ? of : NULL;
        x.checks = r->checks;
        gv_cnode *t = idx->trees[i] ? idx->trees[i] : gv_check_tree(a, it, r, placed + lo, end - lo, &oom);
        if (oom)
            return -1;
        if (t)
            print_node(out, &x, t, 2);
    }
    gv_buf_puts(out, "}\n");
    return 0;
}
