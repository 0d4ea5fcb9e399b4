/* rv64ui jal: link value, forward/backward and long offsets, x0 and other
 * link registers, no execution of the skipped instructions. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_U
  /* link register gets the address of the next instruction */
  TEST_ID(2)
  li ra, 0
  jal ra, .Lt2
.Lret2:
  j fail
.Lt2:
  la a1, .Lret2
  EXPECT_EQ(2, link, ra, a1)

  /* another link register */
  TEST_ID(3)
  jal t0, .Lt3
.Lret3:
  j fail
.Lt3:
  la a1, .Lret3
  EXPECT_EQ(3, link, t0, a1)

  /* x0 link: nothing written, instructions in between skipped */
  TEST_ID(4)
  li a2, 1
  jal zero, .Lt4
  li a2, 2
  li a2, 3
.Lt4:
  EXPECT(4, a2, 1)

  /* backward jump */
  TEST_ID(5)
  li a2, 0
  j .Lfwd5
.Lback5:
  addi a2, a2, 1
  j .Lout5
.Lfwd5:
  jal a3, .Lback5
.Lout5:
  EXPECT(5, a2, 1)

  /* long offsets: jump over ~100 KiB in each direction */
  TEST_ID(6)
  jal ra, .Lfar6
.Lret6:
  j .Lafter6
.Lfar6_back:
  li a2, 0x66
  jr a4
.Lafter6:
  la a1, .Lret6
  EXPECT_EQ(6, link, a3, a1)
  EXPECT2(6, back, a2, 0x66)

  /* a loop driven by jal */
  TEST_ID(7)
  li a2, 0
  li a3, 10
.Lloop7:
  addi a2, a2, 3
  addi a3, a3, -1
  beqz a3, .Ldone7
  jal zero, .Lloop7
.Ldone7:
  EXPECT(7, a2, 30)
  j .Lend

  .skip 100000
.Lfar6:
  mv a3, ra
  la a4, .Lafter6
  jal zero, .Lfar6_back
.Lend:
CODE_END
