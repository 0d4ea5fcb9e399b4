/* rv64si sbreak: ebreak and c.ebreak in S and U mode are delegated to S:
 * scause 3, sepc at the instruction, stval 0 or that address. */
#include "env.h"
#include "test_macros.h"

#define CHECK_BRK(n, label, sppval) \
  TRAP_GET(t5, CTL_CAUSE); EXPECT2(n, cause, t5, EXC_BREAKPOINT); \
  TRAP_GET(t5, CTL_LEVEL); EXPECT2(n, level, t5, PRV_S); \
  TRAP_GET(t5, CTL_EPC); la a1, label; EXPECT_EQ(n, epc, t5, a1); \
  TRAP_GET(t5, CTL_TVAL); beqz t5, .Ltv_##n; EXPECT_EQ(n, tval, t5, a1); .Ltv_##n: \
  TRAP_GET(t5, CTL_STATUS); andi t5, t5, ST_SPP; EXPECT2(n, spp, t5, sppval)

CODE_BEGIN_S
  TEST_ID(2)
  TRAP_ARM_SKIP
.Lb2: .option push; .option norvc; ebreak; .option pop
  TRAP_DISARM
  CHECK_BRK(2, .Lb2, ST_SPP)
  TEST_ID(3)
  TRAP_ARM_SKIP
.Lb3: c.ebreak
  TRAP_DISARM
  CHECK_BRK(3, .Lb3, ST_SPP)
  S_DROP_TO_U
  TEST_ID(4)
  TRAP_ARM_SKIP
.Lb4: .option push; .option norvc; ebreak; .option pop
  TRAP_DISARM
  CHECK_BRK(4, .Lb4, 0)
  TEST_ID(5)
  TRAP_ARM_SKIP
.Lb5: c.ebreak
  TRAP_DISARM
  CHECK_BRK(5, .Lb5, 0)
  ECALL_UP
CODE_END
