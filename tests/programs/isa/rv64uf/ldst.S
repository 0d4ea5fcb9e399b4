/* rv64uf ldst: flw/fsw move raw bits (signaling NaNs included, no flags),
 * flw NaN-boxes into the 64-bit register, fsw stores only the low word,
 * positive and negative offsets. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_U
  TEST_CASE(2, a2, 0x0000000040490fdb, la a1, fdat; flw fa0, 0(a1); fsw fa0, 16(a1); lwu a2, 16(a1))
  TEST_CASE(3, a2, 0xffffffffbf800000, la a1, fdat; flw fa0, 4(a1); fmv.x.w a2, fa0)
  TEST_CASE(4, a2, 0xffffffff40490fdb, la a1, fdat; flw fa0, 0(a1); fmv.x.d a2, fa0)
  /* signaling NaN passes through unchanged and raises nothing */
  TEST_ID(5)
  la a1, fdat
  fsflags zero
  flw fa1, 8(a1)
  fsw fa1, 20(a1)
  lwu a2, 20(a1)
  EXPECT(5, a2, 0x7f800001)
  EXPECT_FLAGS(5, 0)
  /* negative offsets */
  TEST_CASE(6, a2, 0x0000000000000000, la a1, fdat_end; flw fa0, -4(a1); fmv.x.w a2, fa0)
  TEST_CASE(7, a2, 0xffffffff80000000, la a1, fdat_end; flw fa0, -8(a1); fmv.x.w a2, fa0)
  /* fsw writes only its word */
  TEST_ID(8)
  la a1, sbuf
  li a0, -1
  sd a0, 0(a1)
  li a0, 0x12345678
  fmv.w.x fa0, a0
  fsw fa0, 4(a1)
  ld a2, 0(a1)
  EXPECT(8, a2, 0x12345678ffffffff)
  /* fsw of a register holding a double stores its low 32 bits */
  TEST_ID(9)
  la a1, sbuf
  li a0, 0x400921fb54442d18
  fmv.d.x fa0, a0
  fsw fa0, 0(a1)
  lwu a2, 0(a1)
  EXPECT(9, a2, 0x54442d18)
  /* load-modify-store round trip */
  TEST_ID(10)
  la a1, fdat
  flw fa0, 12(a1)          /* 2.5 */
  flw fa1, 12(a1)
  fadd.s fa2, fa0, fa1
  fsw fa2, 24(a1)
  lw a2, 24(a1)
  EXPECT(10, a2, 0x40a00000)
CODE_END

  .data
  .align 4
fdat:
  .word 0x40490fdb, 0xbf800000, 0x7f800001, 0x40200000
  .word 0, 0, 0, 0
  .word 0x80000000, 0x00000000
fdat_end:
  .align 3
sbuf: .dword 0
