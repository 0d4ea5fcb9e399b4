/* rv64mi mcsr: machine information registers. misa reports RV64 with the
 * I, M, A, F, D, C, S and U extensions; mhartid is 0 for the boot hart; the
 * ID registers are readable; misa accepts a write of its own value. */
#include "env.h"
#include "test_macros.h"

#define EXT(c) (1 << ((c) - 'A'))

CODE_BEGIN_M
  /* MXL = 2 */
  TEST_CASE(2, a0, 2, csrr a0, misa; srli a0, a0, 62)
  /* required extension bits */
  TEST_CASE(3, a0, EXT('I') | EXT('M') | EXT('A') | EXT('F') | EXT('D') | EXT('C') | EXT('S') | EXT('U'), \
    csrr a0, misa; li a1, EXT('I') | EXT('M') | EXT('A') | EXT('F') | EXT('D') | EXT('C') | EXT('S') | EXT('U'); and a0, a0, a1)
  /* E is not set together with I, and bits 61:26 are zero */
  TEST_CASE(4, a0, 0, csrr a0, misa; li a1, EXT('E'); and a0, a0, a1)
  TEST_CASE(5, a0, 0, csrr a0, misa; slli a0, a0, 2; srli a0, a0, 28)
  TEST_CASE(6, a0, 0, csrr a0, mhartid)
  TEST_NO_TRAP(7, csrr a0, mvendorid; csrr a0, marchid; csrr a0, mimpid)
  /* writing misa back unchanged is harmless */
  TEST_ID(8)
  csrr a1, misa
  TRAP_ARM_SKIP
  csrw misa, a1
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(8, notrap, t5, -1)
  csrr a2, misa
  EXPECT_EQ(8, same, a1, a2)
  /* mvendorid is a 32-bit JEDEC code: bits 63:32 zero */
  TEST_CASE(9, a0, 0, csrr a0, mvendorid; srli a0, a0, 32)
  /* reads from S mode of M registers trap */
  M_DROP_TO(PRV_S)
  TEST_TRAP(10, EXC_ILLEGAL, csrr a0, misa)
  TEST_TRAP(11, EXC_ILLEGAL, csrr a0, mhartid)
  ECALL_UP
CODE_END
