/* rv64uf move: fmv.x.w / fmv.w.x (sign extension and NaN-boxing), sign
 * injection (fsgnj/fsgnjn/fsgnjx and the fmv/fneg/fabs aliases) on ordinary
 * values and NaNs without raising flags or changing payloads. */
#include "env.h"
#include "test_macros.h"

#define SGNJ(n, op, res, a, b) \
  TEST_ID(n); LOAD_S(fa0, a); LOAD_S(fa1, b); fsflags zero; op fa2, fa0, fa1; \
  fmv.x.w a2, fa2; EXPECT(n, a2, res); EXPECT_FLAGS(n, 0)

CODE_BEGIN_U
  TEST_CASE(2, a2, 0x000000003f800000, li a0, 0x3f800000; fmv.w.x fa0, a0; fmv.x.w a2, fa0)
  TEST_CASE(3, a2, 0xffffffffbf800000, li a0, 0xbf800000; fmv.w.x fa0, a0; fmv.x.w a2, fa0)
  /* fmv.w.x uses only the low 32 bits and NaN-boxes them */
  TEST_CASE(4, a2, 0xffffffff12345678, li a0, 0xabcdef0112345678; fmv.w.x fa0, a0; fmv.x.d a2, fa0)
  TEST_CASE(5, a2, 0x0000000012345678, li a0, 0xabcdef0112345678; fmv.w.x fa0, a0; fmv.x.w a2, fa0)
  /* signaling NaN bits survive a round trip, no flags */
  TEST_ID(6)
  fsflags zero
  li a0, 0x7f800001
  fmv.w.x fa0, a0
  fmv.x.w a2, fa0
  EXPECT(6, a2, 0x7f800001)
  EXPECT_FLAGS(6, 0)
  TEST_CASE(7, zero, 0, li a0, 0x3f800000; fmv.w.x fa0, a0; fmv.x.w zero, fa0)

  SGNJ(10, fsgnj.s,  0x000000003f800000, 0x3f800000, 0x3f800000)
  SGNJ(11, fsgnj.s,  0xffffffffbf800000, 0x3f800000, 0xbf800000)
  SGNJ(12, fsgnj.s,  0x000000003f800000, 0xbf800000, 0x7f800000)
  SGNJ(13, fsgnj.s,  0xffffffffbf800000, 0xbf800000, 0xffc00000)
  SGNJ(14, fsgnjn.s, 0xffffffffbf800000, 0x3f800000, 0x3f800000)
  SGNJ(15, fsgnjn.s, 0x000000003f800000, 0x3f800000, 0xbf800000)
  SGNJ(16, fsgnjn.s, 0xffffffffbf800000, 0xbf800000, 0x00000000)
  SGNJ(17, fsgnjn.s, 0x000000003f800000, 0xbf800000, 0x80000000)
  SGNJ(18, fsgnjx.s, 0x000000003f800000, 0x3f800000, 0x3f800000)
  SGNJ(19, fsgnjx.s, 0xffffffffbf800000, 0x3f800000, 0xbf800000)
  SGNJ(20, fsgnjx.s, 0xffffffffbf800000, 0xbf800000, 0x3f800000)
  SGNJ(21, fsgnjx.s, 0x000000003f800000, 0xbf800000, 0xbf800000)
  /* NaNs are not canonicalised by sign injection */
  SGNJ(22, fsgnj.s,  0xffffffffff800001, 0x7f800001, 0x80000000)
  SGNJ(23, fsgnjn.s, 0x000000007fc12345, 0xffc12345, 0xffffffff)
  SGNJ(24, fsgnjx.s, 0x000000007fc00000, 0xffc00000, 0x80000000)
  SGNJ(25, fsgnj.s,  0xffffffff80000000, 0x00000000, 0xffc00000)

  /* aliases: fmv.s, fneg.s, fabs.s, and rd == rs */
  TEST_CASE(30, a2, 0xffffffffc0490fdb, LOAD_S(fa0, 0xc0490fdb); fmv.s fa1, fa0; fmv.x.w a2, fa1)
  TEST_CASE(31, a2, 0x0000000040490fdb, LOAD_S(fa0, 0xc0490fdb); fneg.s fa1, fa0; fmv.x.w a2, fa1)
  TEST_CASE(32, a2, 0x0000000040490fdb, LOAD_S(fa0, 0xc0490fdb); fabs.s fa1, fa0; fmv.x.w a2, fa1)
  TEST_CASE(33, a2, 0x0000000040490fdb, LOAD_S(fa0, 0x40490fdb); fabs.s fa0, fa0; fmv.x.w a2, fa0)
  TEST_CASE(34, a2, 0xffffffffc0490fdb, LOAD_S(fa0, 0x40490fdb); fneg.s fa0, fa0; fmv.x.w a2, fa0)
  /* the result of sign injection is NaN-boxed */
  TEST_CASE(35, a2, 0xffffffffbf800000, LOAD_S(fa0, 0x3f800000); fneg.s fa1, fa0; fmv.x.d a2, fa1)
CODE_END
