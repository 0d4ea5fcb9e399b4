/* rv64ui jalr: link value, offsets, bit 0 of the target cleared, rd == rs1,
 * x0 destination. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_U
  TEST_ID(2)
  la t0, .Lt2
  jalr ra, 0(t0)
.Lret2:
  j fail
.Lt2:
  la a1, .Lret2
  EXPECT_EQ(2, link, ra, a1)

  /* positive and negative offsets */
  TEST_ID(3)
  la t0, .Lt3
  addi t0, t0, -16
  jalr a3, 16(t0)
  j fail
.Lt3:
  TEST_ID(4)
  la t0, .Lt4
  addi t0, t0, 100
  jalr a3, -100(t0)
  j fail
.Lt4:

  /* the lowest bit of the sum is cleared */
  TEST_ID(5)
  la t0, .Lt5
  addi t0, t0, 1
  jalr a3, 0(t0)
  j fail
.Lt5:
  TEST_ID(6)
  la t0, .Lt6
  jalr a3, 1(t0)
  j fail
.Lt6:
  TEST_ID(7)
  la t0, .Lt7
  addi t0, t0, 2
  jalr a3, -1(t0)      /* t0 + 1 -> cleared to t0: lands on .Lt7 */
  j fail
.Lt7:

  /* rd == rs1: the target uses the old value */
  TEST_ID(8)
  la t0, .Lt8
  jalr t0, 0(t0)
.Lret8:
  j fail
.Lt8:
  la a1, .Lret8
  EXPECT_EQ(8, link, t0, a1)

  /* x0 destination (plain indirect jump), code in between skipped */
  TEST_ID(9)
  li a2, 1
  la t0, .Lt9
  jalr zero, 0(t0)
  li a2, 2
.Lt9:
  EXPECT(9, a2, 1)

  /* call and return through a function */
  TEST_ID(10)
  li a2, 5
  la t1, .Lfunc
  jalr ra, t1
  EXPECT(10, a2, 10)
  j .Lend
.Lfunc:
  add a2, a2, a2
  jalr zero, 0(ra)
.Lend:
CODE_END
