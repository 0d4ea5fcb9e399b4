/* rv64mi scall: ecall from M, S and U mode raise causes 11, 9 and 8 in M
 * mode (nothing delegated), with mepc at the ecall, mtval 0, and the
 * previous privilege in mstatus.MPP. */
#include "env.h"
#include "test_macros.h"

#define CHECK_ECALL(n, label, causeval, mppval) \
  TRAP_GET(t5, CTL_CAUSE); EXPECT2(n, cause, t5, causeval); \
  TRAP_GET(t5, CTL_EPC); la a1, label; EXPECT_EQ(n, epc, t5, a1); \
  TRAP_GET(t5, CTL_TVAL); EXPECT2(n, tval, t5, 0); \
  TRAP_GET(t5, CTL_STATUS); srli t5, t5, 11; andi t5, t5, 3; EXPECT2(n, mpp, t5, mppval); \
  TRAP_GET(t5, CTL_LEVEL); EXPECT2(n, level, t5, 3)

CODE_BEGIN_M
  TEST_ID(2)
  TRAP_ARM_STAY(1f)
.Le2: ecall
  j fail
1:CHECK_ECALL(2, .Le2, EXC_ECALL_M, PRV_M)

  TEST_ID(3)
  M_DROP_TO(PRV_S)
  TRAP_ARM_STAY(1f)
.Le3: ecall
  j fail
1:CHECK_ECALL(3, .Le3, EXC_ECALL_S, PRV_S)

  TEST_ID(4)
  M_DROP_TO(PRV_U)
  TRAP_ARM_STAY(1f)
.Le4: ecall
  j fail
1:CHECK_ECALL(4, .Le4, EXC_ECALL_U, PRV_U)

  /* registers survive the trap and the return (a7/a0 are not special) */
  TEST_ID(5)
  li a0, 0x1234
  li a7, 0x5678
  TRAP_ARM_SKIP
  ecall
  TRAP_DISARM
  EXPECT2(5, a0, a0, 0x1234)
  EXPECT2(5, a7, a7, 0x5678)
  /* mcause has the interrupt bit clear */
  TEST_CASE(6, t5, 0, TRAP_GET(t5, CTL_CAUSE); srli t5, t5, 63)

  /* a compressed-free 4-byte ecall resumes 4 bytes later when skipped */
  TEST_ID(7)
  li a2, 0
  TRAP_ARM_SKIP
  ecall
  li a2, 1
  TRAP_DISARM
  EXPECT(7, a2, 1)
CODE_END
