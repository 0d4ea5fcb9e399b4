/* rv64si scall: an ecall from U is delegated to S (scause 8, sepc at the
 * ecall, stval 0, SPP = U); an ecall from S is not delegated and reaches M
 * with mcause 9. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_S
  TEST_ID(2)
  S_DROP_TO_U
  TRAP_ARM_STAY(1f)
.Le2: ecall
  j fail
1:TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(2, cause, t5, EXC_ECALL_U)
  TRAP_GET(t5, CTL_LEVEL)
  EXPECT2(2, level, t5, PRV_S)
  TRAP_GET(t5, CTL_EPC)
  la a1, .Le2
  EXPECT_EQ(2, epc, t5, a1)
  TRAP_GET(t5, CTL_TVAL)
  EXPECT2(2, tval, t5, 0)
  TRAP_GET(t5, CTL_STATUS)
  andi t5, t5, ST_SPP
  EXPECT2(2, spp, t5, 0)
  /* we are back in S: S CSRs work */
  TEST_NO_TRAP(3, csrr a0, sstatus)

  TEST_ID(4)
  TRAP_ARM_SKIP
.Le4: ecall
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(4, cause, t5, EXC_ECALL_S)
  TRAP_GET(t5, CTL_LEVEL)
  EXPECT2(4, level, t5, PRV_M)
  TRAP_GET(t5, CTL_EPC)
  la a1, .Le4
  EXPECT_EQ(4, epc, t5, a1)
  TRAP_GET(t5, CTL_STATUS)
  srli t5, t5, 11
  andi t5, t5, 3
  EXPECT2(4, mpp, t5, PRV_S)
  /* the skip returned to S */
  TEST_NO_TRAP(5, csrr a0, sscratch)
CODE_END
