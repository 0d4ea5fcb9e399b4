/* rv64si ma_fetch: with the C extension, instruction addresses only need
 * 2-byte alignment: jumps and branches to 2-byte aligned targets do not
 * trap, and jalr clears bit 0 of the computed target (S mode). */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_S
  .option push
  .option rvc
  /* jalr to a 2-byte aligned (not 4-byte aligned) address */
  TEST_ID(2)
  li a2, 0
  TRAP_ARM_SKIP
  la t0, 1f
  .align 2
  jalr zero, 2(t0)
1:c.li a2, 1
  c.li a2, 2                /* jumped to here */
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(2, notrap, t5, -1)
  EXPECT2(2, val, a2, 2)

  /* jalr to an odd address: bit 0 is dropped */
  TEST_ID(3)
  li a2, 0
  TRAP_ARM_SKIP
  la t0, 2f
  jalr zero, 1(t0)
  c.li a2, 5
2:c.li a2, 7
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(3, notrap, t5, -1)
  EXPECT2(3, val, a2, 7)
  TEST_ID(4)
  li a2, 0
  la t0, 3f
  addi t0, t0, 3
  jalr zero, -2(t0)         /* target + 1 */
  c.li a2, 5
3:c.li a2, 9
  EXPECT(4, a2, 9)

  /* the link value of a jalr that starts at a 2-byte boundary */
  TEST_ID(5)
  .align 2
  c.nop
.Lj5:
  la t0, .Lt5
  jalr ra, 0(t0)
.Lr5:
  j fail
.Lt5:
  la a1, .Lr5
  EXPECT_EQ(5, link, ra, a1)

  /* jal and branches to halfword-aligned targets */
  TEST_ID(6)
  li a2, 0
  .align 2
  jal zero, 4f
  c.nop
4:c.li a2, 1
  EXPECT2(6, jal, a2, 1)
  li a0, 1
  bnez a0, 5f
  c.nop
5:c.li a2, 2
  EXPECT2(6, br, a2, 2)
  .option pop
CODE_END
