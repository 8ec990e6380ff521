/* Internal to the detail reporters of single-line-summary. */
#ifndef GV_DETAILS_H
#define GV_DETAILS_H

#include "report/report_int.h"

int gv_cfn_resource_key(const gv_report_item *it, int tf, const gv_check *c, gv_buf *key, const gv_node **res,
                        const gv_node **top);

/* The resource of every failed check, computed once. */
#define GV_NO_RESOURCE UINT32_MAX

typedef struct gv_cfn_resource {
    const char *key;          /* "B", "P/Properties/Artifacts", "0" (Terraform) */
    const gv_node *node;      /* the map with the Type */
    const gv_node *top;       /* the entry of Resources it is under: document order */
    uint32_t first;           /* order of its first failure */
} gv_cfn_resource;

typedef struct gv_cfn_index {
    gv_cfn_resource *res;     /* in print order once built */
    uint32_t n, cap;
    uint32_t **of_check;      /* per rule result: resource id per check, or GV_NO_RESOURCE */
    uint32_t **by_resource;   /* per rule result: indexes of its placed checks, by resource id then index */
    uint32_t *nplaced;        /* per rule result: their number */
    gv_cnode **trees;         /* per rule result with nesting (called rules, ANY): all its checks */
    uint32_t *ids;            /* resource id by print position */
    int unplaceable;          /* a failure no resource takes: generic report */
    int itself;               /* one of them is at /Resources itself */
    int no_type;              /* a failure below an entry of Resources without a Type */
} gv_cfn_index;

int gv_cfn_print_resource(gv_buf *out, const gv_report_item *it, int tf, const gv_cfn_index *idx, uint32_t id,
                          gv_arena *a);
void gv_report_generic(gv_buf *out, const gv_report_item *it, unsigned show);

#endif
