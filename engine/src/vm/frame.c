/* Variables: the frames of rule bodies and calls (a let slot per let of
 * the file, reused by nesting level), lets inside rules evaluated when
 * first used, file-level lets evaluated once per document, parameters and
 * captured keys. */
#include <string.h>

#include "vm/vm.h"

/* The block of slots for a frame at the next nesting level: made once per
 * level, zeroed for each frame (a call per resource would otherwise leave
 * a block per resource in the arena). NULL when memory ran out. */
static void *take_frame_block(gv_vm *vm, size_t size)
{
    if (vm->nframes == vm->frame_blocks_cap) {
        uint32_t cap = vm->frame_blocks_cap ? vm->frame_blocks_cap * 2 : 16;
        void **p = gv_arena_zalloc(vm->scratch, cap * sizeof *p);
        if (!p)
            return NULL;
        if (vm->nframes)
            memcpy(p, vm->frame_blocks, vm->nframes * sizeof *p);
        vm->frame_blocks = p;
        vm->frame_blocks_cap = cap;
    }
    void **b = &vm->frame_blocks[vm->nframes];
    if (!*b && !(*b = gv_arena_alloc(vm->scratch, size)))
        return NULL;
    memset(*b, 0, size);
    vm->nframes++;
    return *b;
}

/* The variables of a new activation: let slots and their pending state in
 * one zeroed block, given back by gv_vm_end_frame. */
gv_frame gv_vm_new_frame_slots(gv_vm *vm, const gv_valset *params, uint32_t nparams)
{
    size_t n = vm->p->nslots ? vm->p->nslots : 1;
    _Static_assert(sizeof(gv_pending_let) % _Alignof(gv_valset) == 0, "slots follow the pending lets");
    gv_pending_let *pending = take_frame_block(vm, n * (sizeof(gv_pending_let) + sizeof(gv_valset)));
    gv_frame f = { pending ? (gv_valset *)(void *)(pending + n) : NULL, params, nparams, pending };
    return f;
}

int gv_vm_let(gv_vm *vm, const gv_insn *in, const gv_val *self, const gv_frame *f)
{
    if (!f || !f->slots || !f->pending)
        return 0;
    gv_pending_let *pl = &f->pending[in->a];
    pl->self = *self;
    pl->operand = in->b;
    pl->ip = (uint32_t)(in - vm->p->code);
    pl->state = 1;
    pl->recording = (uint8_t)vm->recording;
    return 0;
}

/* Evaluates a pending let on first use, where it stood. */
static const gv_valset *force_let(gv_vm *vm, const gv_frame *f, uint32_t slot)
{
    gv_pending_let *pl = &f->pending[slot];
    if (pl->state == 2) {
        gv_error_set(vm->err, GV_E_EVAL, vm->p->source, (gv_loc){ 0, 0 }, "variable defined in terms of itself");
        return NULL;
    }
    pl->state = 2;
    gv_valset v = { 0 };
    int saved = vm->recording;
    uint32_t saved_ip = vm->ip;
    vm->recording = pl->recording; /* operands record nothing but what cfn-guard reports of [keys == x] */
    vm->ip = pl->ip;
    int r = gv_vm_operand(vm, pl->operand, &pl->self, f, &v);
    vm->recording = saved;
    vm->ip = saved_ip;
    if (r < 0)
        return NULL;
    f->slots[slot] = v;
    pl->state = 0;
    return &f->slots[slot];
}

const gv_valset *gv_vm_var(gv_vm *vm, const gv_insn *in, const gv_frame *f)
{
    const gv_program *p = vm->p;
    if (in->flags == GV_VAR_UNBOUND) {
        /* no let or parameter of that name: a `[ name ]` step may have
         * captured it (a let wins, probed) */
        const gv_valset *keys = vm->caps ? gv_vm_captured(vm, &p->strings[in->a]) : NULL;
        if (keys)
            return keys;
        gv_error_set(vm->err, GV_E_EVAL, p->source, p->locs[in - p->code],
                     "no variable named '%%%s' is defined", p->strings[in->a].s);
        return NULL;
    }
    if (in->flags == GV_VAR_PARAM) {
        if (!f || !f->params || in->a >= f->nparams)
            return NULL;
        return &f->params[in->a];
    }
    uint32_t slot = in->a;
    if (p->global_operand[slot] == GV_NONE) {
        if (!f || !f->slots)
            return NULL;
        if (f->pending && f->pending[slot].state)
            return force_let(vm, f, slot);
        return &f->slots[slot];
    }
    if (vm->global_state[slot] == 2)
        return &vm->globals[slot];
    if (vm->global_state[slot] == 1) {
        gv_error_set(vm->err, GV_E_EVAL, p->source, (gv_loc){ 0, 0 }, "variable defined in terms of itself");
        return NULL;
    }
    vm->global_state[slot] = 1;
    gv_valset v = { &vm->global_first[slot], 0, 1, 0, 0 }; /* most lets hold one value */
    int saved = vm->recording;
    vm->recording = 0;
    int r = gv_vm_operand(vm, p->global_operand[slot], &vm->root, NULL, &v);
    vm->recording = saved;
    if (r < 0)
        return NULL;
    vm->globals[slot] = v;
    vm->global_state[slot] = 2;
    return &vm->globals[slot];
}

