/* rv64ud nanbox: single-precision operands that are not properly NaN-boxed
 * in the 64-bit registers read as the canonical single NaN, transfers
 * (fmv.x.w, fsw) ignore the upper half, and single-precision results are
 * always written NaN-boxed. Also mixes single and double writes to the same
 * register back to back. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_U
  /* an unboxed 1.0f used by fadd.s gives the canonical NaN, without NV */
  TEST_ID(2)
  LOAD_D(fa0, 0x000000003f800000)
  fsflags zero
  fadd.s fa1, fa0, fa0
  fmv.x.d a2, fa1
  EXPECT(2, a2, 0xffffffff7fc00000)
  EXPECT_FLAGS(2, 0)
  /* only all-ones upper bits count as boxed */
  TEST_ID(3)
  LOAD_D(fa0, 0xfffffffe3f800000)
  LOAD_S(fa3, 0x3f800000)
  fadd.s fa1, fa0, fa3
  fmv.x.w a2, fa1
  EXPECT(3, a2, 0x7fc00000)
  TEST_CASE(4, a2, 0x200, LOAD_D(fa0, 0x000000003f800000); fclass.s a2, fa0)
  TEST_CASE(5, a2, 0x200, LOAD_D(fa0, 0x7fffffffff800000); fclass.s a2, fa0)
  TEST_CASE(6, a2, 0x040, LOAD_D(fa0, 0xffffffff3f800000); fclass.s a2, fa0)
  /* sign injection: an unboxed rs1 is the canonical NaN */
  TEST_CASE(7, a2, 0xffffffff7fc00000, LOAD_D(fa0, 0x123456783f800000); LOAD_S(fa3, 0x3f800000); \
    fsgnj.s fa1, fa0, fa3; fmv.x.d a2, fa1)
  TEST_CASE(8, a2, 0xffffffffffc00000, LOAD_D(fa0, 0x123456783f800000); LOAD_S(fa3, 0x3f800000); \
    fsgnjn.s fa1, fa0, fa3; fmv.x.d a2, fa1)
  /* ...and an unboxed rs2 contributes the canonical NaN's sign (positive) */
  TEST_CASE(9, a2, 0xffffffff3f800000, LOAD_S(fa0, 0xbf800000); LOAD_D(fa3, 0x00000000bf800000); \
    fsgnj.s fa1, fa0, fa3; fmv.x.d a2, fa1)
  /* transfers ignore the upper half */
  TEST_CASE(10, a2, 0x000000003f800000, LOAD_D(fa0, 0x123456783f800000); fmv.x.w a2, fa0)
  TEST_CASE(11, a2, 0xffffffffbf800000, LOAD_D(fa0, 0x00000000bf800000); fmv.x.w a2, fa0)
  TEST_CASE(12, a2, 0x3f800000, LOAD_D(fa0, 0x123456783f800000); la a1, buf; fsw fa0, 0(a1); lwu a2, 0(a1))
  /* conversions and compares on unboxed values */
  TEST_ID(13)
  LOAD_D(fa0, 0x000000003f800000)
  fsflags zero
  fcvt.d.s fa1, fa0
  fmv.x.d a2, fa1
  EXPECT(13, a2, 0x7ff8000000000000)
  EXPECT_FLAGS(13, 0)
  TEST_ID(14)
  LOAD_D(fa0, 0x000000003f800000)
  fsflags zero
  feq.s a2, fa0, fa0
  EXPECT(14, a2, 0)
  EXPECT_FLAGS(14, 0)
  TEST_ID(15)
  LOAD_D(fa0, 0x000000003f800000)
  fsflags zero
  flt.s a2, fa0, fa0
  EXPECT(15, a2, 0)
  EXPECT_FLAGS(15, FF_NV)
  TEST_CASE(16, a2, 0xffffffffc0000000, LOAD_D(fa0, 0x000000003f800000); LOAD_S(fa3, 0xc0000000); \
    fmin.s fa1, fa0, fa3; fmv.x.d a2, fa1)
  TEST_CASE(17, a2, 0x7fffffff, LOAD_D(fa0, 0x000000003f800000); fcvt.w.s a2, fa0, rtz)
  TEST_CASE(18, a2, 0xffffffff7fc00000, LOAD_D(fa0, 0x000000003f800000); LOAD_S(fa3, 0x3f800000); \
    fmadd.s fa1, fa3, fa3, fa0; fmv.x.d a2, fa1)
  /* results of single operations and conversions are boxed */
  TEST_CASE(19, a2, 0xffffffff40400000, LOAD_S(fa0, 0x3f800000); LOAD_S(fa3, 0x40000000); \
    fadd.s fa1, fa0, fa3; fmv.x.d a2, fa1)
  TEST_CASE(20, a2, 0xffffffff3f800000, LOAD_D(fa0, 0x3ff0000000000000); fcvt.s.d fa1, fa0; fmv.x.d a2, fa1)
  TEST_CASE(21, a2, 0xffffffff40400000, li a0, 3; fcvt.s.l fa1, a0; fmv.x.d a2, fa1)
  /* a double write replaces the whole register, a single write boxes it */
  TEST_ID(22)
  LOAD_D(fa0, 0x4000000000000000)
  LOAD_S(fa3, 0x40400000)
  fadd.d fa1, fa0, fa0          /* 4.0 */
  fadd.s fa1, fa3, fa3          /* 6.0f into the same register */
  fmv.x.d a2, fa1
  EXPECT2(22, s, a2, 0xffffffff40c00000)
  fadd.d fa1, fa0, fa0
  fmv.x.d a2, fa1
  EXPECT2(22, d, a2, 0x4010000000000000)
  /* a double operation on a boxed single sees a NaN */
  TEST_CASE(23, a2, 0x200, LOAD_S(fa0, 0x3f800000); fclass.d a2, fa0)
  TEST_CASE(24, a2, 0x7ff8000000000000, LOAD_S(fa0, 0x3f800000); fadd.d fa1, fa0, fa0; fmv.x.d a2, fa1)
CODE_END

  .data
  .align 3
buf: .dword 0
