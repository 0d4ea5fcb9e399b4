/* rv64mi sbreak: ebreak and c.ebreak raise breakpoint exceptions (cause 3)
 * from M, S and U mode, with mepc at the instruction and mtval 0 or that
 * address. */
#include "env.h"
#include "test_macros.h"

#define CHECK_BRK(n, label, mppval) \
  TRAP_GET(t5, CTL_CAUSE); EXPECT2(n, cause, t5, EXC_BREAKPOINT); \
  TRAP_GET(t5, CTL_EPC); la a1, label; EXPECT_EQ(n, epc, t5, a1); \
  TRAP_GET(t5, CTL_TVAL); beqz t5, .Ltv_##n; EXPECT_EQ(n, tval, t5, a1); .Ltv_##n: \
  TRAP_GET(t5, CTL_STATUS); srli t5, t5, 11; andi t5, t5, 3; EXPECT2(n, mpp, t5, mppval)

CODE_BEGIN_M
  .option push
  .option norvc
  TEST_ID(2)
  TRAP_ARM_SKIP
.Lb2: ebreak
  TRAP_DISARM
  CHECK_BRK(2, .Lb2, PRV_M)
  .option pop
  TEST_ID(3)
  TRAP_ARM_SKIP
.Lb3: c.ebreak
  TRAP_DISARM
  CHECK_BRK(3, .Lb3, PRV_M)

  M_DROP_TO(PRV_S)
  TEST_ID(4)
  TRAP_ARM_SKIP
.Lb4: .option push; .option norvc; ebreak; .option pop
  TRAP_DISARM
  CHECK_BRK(4, .Lb4, PRV_S)
  TEST_ID(5)
  TRAP_ARM_SKIP
.Lb5: c.ebreak
  TRAP_DISARM
  CHECK_BRK(5, .Lb5, PRV_S)
  ECALL_UP

  M_DROP_TO(PRV_U)
  TEST_ID(6)
  TRAP_ARM_SKIP
.Lb6: .option push; .option norvc; ebreak; .option pop
  TRAP_DISARM
  CHECK_BRK(6, .Lb6, PRV_U)
  TEST_ID(7)
  TRAP_ARM_SKIP
.Lb7: c.ebreak
  TRAP_DISARM
  CHECK_BRK(7, .Lb7, PRV_U)
  ECALL_UP
CODE_END
