/* rv64ud ldst: fld/fsd move raw 64-bit patterns (NaNs untouched, no flags),
 * offsets, mixing with flw/fsw on the same data. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_U
  TEST_CASE(2, a2, 0x400921fb54442d18, la a1, ddat; fld fa0, 0(a1); fsd fa0, 32(a1); ld a2, 32(a1))
  TEST_CASE(3, a2, 0xbff0000000000000, la a1, ddat; fld fa0, 8(a1); fmv.x.d a2, fa0)
  TEST_ID(4)
  la a1, ddat
  fsflags zero
  fld fa1, 16(a1)
  fsd fa1, 40(a1)
  ld a2, 40(a1)
  EXPECT(4, a2, 0x7ff0000000000001)
  EXPECT_FLAGS(4, 0)
  TEST_CASE(5, a2, 0x0000000000000001, la a1, ddat_end; fld fa0, -8(a1); fmv.x.d a2, fa0)
  TEST_CASE(6, a2, 0xfff8000000000123, la a1, ddat_end; fld fa0, -16(a1); fmv.x.d a2, fa0)
  /* fsd of a NaN-boxed single writes the whole boxed pattern */
  TEST_ID(7)
  la a1, ddat
  li a0, 0x3f800000
  fmv.w.x fa0, a0
  fsd fa0, 48(a1)
  ld a2, 48(a1)
  EXPECT(7, a2, 0xffffffff3f800000)
  /* fld of a boxed pattern then used as a single */
  TEST_ID(8)
  la a1, ddat
  fld fa0, 48(a1)
  fadd.s fa1, fa0, fa0
  fmv.x.w a2, fa1
  EXPECT(8, a2, 0x40000000)
  /* halves of a double through flw */
  TEST_CASE(9, a2, 0x54442d18, la a1, ddat; flw fa0, 0(a1); fmv.x.w a2, fa0)
  TEST_CASE(10, a2, 0x400921fb, la a1, ddat; flw fa0, 4(a1); fmv.x.w a2, fa0)
  /* fsd then fld through another base */
  TEST_ID(11)
  la a1, ddat
  addi a3, a1, 64
  li a0, 0xc00921fb54442d18
  fmv.d.x fa3, a0
  fsd fa3, 0(a3)
  fld fa4, 64(a1)
  feq.d a2, fa3, fa4
  EXPECT(11, a2, 1)
CODE_END

  .data
  .align 4
ddat:
  .dword 0x400921fb54442d18, 0xbff0000000000000, 0x7ff0000000000001, 0
  .dword 0, 0, 0, 0
  .dword 0, 0
  .dword 0xfff8000000000123, 0x0000000000000001
ddat_end:
