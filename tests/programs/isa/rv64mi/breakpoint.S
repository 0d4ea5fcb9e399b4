/* rv64mi breakpoint: debug triggers (Sdtrig) are optional. On a hart
 * without them, tselect and the tdata registers are illegal-instruction
 * traps. Where they exist, an execute trigger (mcontrol, type 2) on an
 * address raises a breakpoint exception there and a load trigger fires on
 * its address. */
#include "env.h"
#include "test_macros.h"

#define MCTL_TYPE2 (2 << 60)
#define MCTL_M     (1 << 6)
#define MCTL_S     (1 << 4)
#define MCTL_U     (1 << 3)
#define MCTL_EXEC  (1 << 2)
#define MCTL_STORE (1 << 1)
#define MCTL_LOAD  (1 << 0)

CODE_BEGIN_M
  TEST_ID(2)
  TRAP_ARM_SKIP
  csrr a0, tselect
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  li t4, -1
  beq t5, t4, .Lhave_triggers
  /* no triggers: every trigger CSR is illegal */
  EXPECT(2, t5, EXC_ILLEGAL)
  TEST_TRAP(3, EXC_ILLEGAL, csrw tselect, zero)
  TEST_TRAP(4, EXC_ILLEGAL, csrr a0, tdata1)
  TEST_TRAP(5, EXC_ILLEGAL, csrr a0, tdata2)
  TEST_PASS

.Lhave_triggers:
  /* pick trigger 0 and see whether it can be an address match trigger */
  csrw tselect, zero
  csrr a0, tselect
  bnez a0, .Ldone                   /* tselect is WARL; nothing to test */
  li a0, MCTL_TYPE2 | MCTL_M | MCTL_S | MCTL_U | MCTL_EXEC
  csrw tdata1, a0
  csrr a1, tdata1
  srli a2, a1, 60
  li a3, 2
  bne a2, a3, .Ldone
  andi a2, a1, MCTL_EXEC
  beqz a2, .Ldone

  /* execute trigger */
  TEST_ID(10)
  la a2, .Ltarget10
  csrw tdata2, a2
  TRAP_ARM(.Lresume10)
  li a3, 1
.Ltarget10:
  li a3, 2
  j fail
.Lresume10:
  csrw tdata1, zero
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(10, cause, t5, EXC_BREAKPOINT)
  TRAP_GET(t5, CTL_EPC)
  EXPECT_EQ(10, epc, t5, a2)
  /* the instruction at the trigger did not execute */
  EXPECT2(10, notexec, a3, 1)

  /* load trigger, if supported */
  TEST_ID(11)
  li a0, MCTL_TYPE2 | MCTL_M | MCTL_S | MCTL_U | MCTL_LOAD
  csrw tdata1, a0
  csrr a1, tdata1
  andi a1, a1, MCTL_LOAD
  beqz a1, .Ldone
  la a2, tdat
  csrw tdata2, a2
  TRAP_ARM_SKIP
.Lload11:
  ld a4, 0(a2)
  TRAP_DISARM
  csrw tdata1, zero
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(11, cause, t5, EXC_BREAKPOINT)
  TRAP_GET(t5, CTL_EPC)
  la a1, .Lload11
  EXPECT_EQ(11, epc, t5, a1)
.Ldone:
  csrw tdata1, zero
CODE_END

  .data
  .align 3
tdat: .dword 0x1234
