/* rv64ua lrsc: load-reserved / store-conditional, word and doubleword:
 * success path, failure without a reservation, failure after the reservation
 * was consumed by an sc, failure on another address, sign extension of
 * lr.w, and lr/sc retry loops. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_U
  /* lr.w sign-extends, lr.d does not change the value */
  TEST_CASE(2, a2, 0xffffffff89abcdef, la a1, wdat; li a0, 0x89abcdef; sw a0, 0(a1); lr.w a2, (a1))
  TEST_CASE(3, a2, 0x0000000012345678, la a1, wdat; li a0, 0x12345678; sw a0, 0(a1); lr.w.aq a2, (a1))
  TEST_CASE(4, a2, 0x8123456789abcdef, la a1, ddat; li a0, 0x8123456789abcdef; sd a0, 0(a1); lr.d a2, (a1))

  /* sc.w right after lr.w succeeds (rd = 0) and writes */
  TEST_ID(5)
  la a1, wdat
  li a0, 5
  sw a0, 0(a1)
  lr.w a2, (a1)
  addi a2, a2, 1
  sc.w a3, a2, (a1)
  EXPECT2(5, rd, a3, 0)
  lw a4, 0(a1)
  EXPECT2(5, mem, a4, 6)

  /* the reservation was consumed: another sc.w fails and does not write */
  TEST_ID(6)
  li a2, 77
  sc.w a3, a2, (a1)
  EXPECT_NZ(6, rd, a3)
  lw a4, 0(a1)
  EXPECT2(6, mem, a4, 6)

  /* sc.w to an address outside the reservation fails */
  TEST_ID(7)
  la a1, wdat
  la a5, far_word
  sw zero, 0(a5)
  lr.w a2, (a1)
  li a2, 99
  sc.w a3, a2, (a5)
  EXPECT_NZ(7, rd, a3)
  lw a4, 0(a5)
  EXPECT2(7, mem, a4, 0)
  /* ...and leaves no reservation behind for the original address */
  TEST_ID(8)
  sc.w a3, a2, (a1)
  EXPECT_NZ(8, rd, a3)
  lw a4, 0(a1)
  EXPECT2(8, mem, a4, 6)

  /* doubleword success and failure */
  TEST_ID(9)
  la a1, ddat
  li a0, 0x7fffffffffffffff
  sd a0, 0(a1)
  lr.d.aqrl a2, (a1)
  addi a2, a2, 1
  sc.d.rl a3, a2, (a1)
  EXPECT2(9, rd, a3, 0)
  ld a4, 0(a1)
  EXPECT2(9, mem, a4, 0x8000000000000000)
  TEST_ID(10)
  li a2, 1
  sc.d a3, a2, (a1)
  EXPECT_NZ(10, rd, a3)
  ld a4, 0(a1)
  EXPECT2(10, mem, a4, 0x8000000000000000)

  /* sc.w writes only the low word */
  TEST_ID(11)
  la a1, ddat
  li a0, -1
  sd a0, 0(a1)
  lr.w a2, (a1)
  li a2, 0x1234
  sc.w a3, a2, (a1)
  EXPECT2(11, rd, a3, 0)
  ld a4, 0(a1)
  EXPECT2(11, mem, a4, 0xffffffff00001234)

  /* rd == rs2: the status code replaces the stored value register */
  TEST_ID(12)
  la a1, wdat
  sw zero, 0(a1)
  lr.w a2, (a1)
  li a2, 42
  sc.w a2, a2, (a1)
  EXPECT2(12, rd, a2, 0)
  lw a4, 0(a1)
  EXPECT2(12, mem, a4, 42)

  /* an lr/sc increment loop run many times */
  TEST_ID(13)
  la a1, wdat
  sw zero, 0(a1)
  li a5, 1000
1:lr.w a2, (a1)
  addi a2, a2, 3
  sc.w a3, a2, (a1)
  bnez a3, 1b
  addi a5, a5, -1
  bnez a5, 1b
  lw a4, 0(a1)
  EXPECT(13, a4, 3000)

  TEST_ID(14)
  la a1, ddat
  li a0, 0x100000000
  sd a0, 0(a1)
  li a5, 300
1:lr.d a2, (a1)
  addi a2, a2, -1
  sc.d a3, a2, (a1)
  bnez a3, 1b
  addi a5, a5, -1
  bnez a5, 1b
  ld a4, 0(a1)
  EXPECT(14, a4, 0x100000000 - 300)

  /* a fresh lr after a failed sc sets a new reservation */
  TEST_ID(15)
  la a1, wdat
  li a2, 5
  sc.w a3, a2, (a1)
  EXPECT_NZ(15, first, a3)
  lr.w a2, (a1)
  li a2, 8
  sc.w a3, a2, (a1)
  EXPECT2(15, second, a3, 0)
  lw a4, 0(a1)
  EXPECT2(15, mem, a4, 8)
CODE_END

  .data
  .align 3
ddat: .dword 0
wdat: .dword 0
  .align 8
far_word: .dword 0
