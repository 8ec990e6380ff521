#include "vm/opcodes.h"

static const char *const op_names[] = {
#define GV_OP_NAME(name, operands) #name,
    GV_OPCODES(GV_OP_NAME)
#undef GV_OP_NAME
};

static const char *const op_operands[] = {
#define GV_OP_OPERANDS(name, operands) operands,
    GV_OPCODES(GV_OP_OPERANDS)
#undef GV_OP_OPERANDS
};

const char *gv_opcode_name(gv_opcode op)
{
    return (unsigned)op < GV_I__COUNT ? op_names[op] : "?";
}

const char *gv_opcode_operands(gv_opcode op)
{
    return (unsigned)op < GV_I__COUNT ? op_operands[op] : "";
}
