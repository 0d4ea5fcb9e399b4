/* rv64ud move: fmv.x.d / fmv.d.x, double sign injection on ordinary
 * values and NaNs (no flags, payloads kept), aliases. */
#include "env.h"
#include "test_macros.h"

#define SGNJ(n, op, res, a, b) \
  TEST_ID(n); LOAD_D(fa0, a); LOAD_D(fa1, b); fsflags zero; op fa2, fa0, fa1; \
  fmv.x.d a2, fa2; EXPECT(n, a2, res); EXPECT_FLAGS(n, 0)

CODE_BEGIN_U
  TEST_CASE(2, a2, 0x3ff0000000000000, li a0, 0x3ff0000000000000; fmv.d.x fa0, a0; fmv.x.d a2, fa0)
  TEST_CASE(3, a2, 0xbff0000000000000, li a0, 0xbff0000000000000; fmv.d.x fa0, a0; fmv.x.d a2, fa0)
  TEST_ID(4)
  fsflags zero
  li a0, 0x7ff0000000000001
  fmv.d.x fa0, a0
  fmv.x.d a2, fa0
  EXPECT(4, a2, 0x7ff0000000000001)
  EXPECT_FLAGS(4, 0)
  TEST_CASE(5, zero, 0, li a0, 1; fmv.d.x fa0, a0; fmv.x.d zero, fa0)

  SGNJ(10, fsgnj.d,  0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000000)
  SGNJ(11, fsgnj.d,  0xbff0000000000000, 0x3ff0000000000000, 0xbff0000000000000)
  SGNJ(12, fsgnj.d,  0x3ff0000000000000, 0xbff0000000000000, 0x7ff0000000000000)
  SGNJ(13, fsgnj.d,  0xbff0000000000000, 0xbff0000000000000, 0xfff8000000000000)
  SGNJ(14, fsgnjn.d, 0xbff0000000000000, 0x3ff0000000000000, 0x3ff0000000000000)
  SGNJ(15, fsgnjn.d, 0x3ff0000000000000, 0x3ff0000000000000, 0xbff0000000000000)
  SGNJ(16, fsgnjn.d, 0xbff0000000000000, 0xbff0000000000000, 0x0000000000000000)
  SGNJ(17, fsgnjn.d, 0x3ff0000000000000, 0xbff0000000000000, 0x8000000000000000)
  SGNJ(18, fsgnjx.d, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000000)
  SGNJ(19, fsgnjx.d, 0xbff0000000000000, 0x3ff0000000000000, 0xbff0000000000000)
  SGNJ(20, fsgnjx.d, 0xbff0000000000000, 0xbff0000000000000, 0x3ff0000000000000)
  SGNJ(21, fsgnjx.d, 0x3ff0000000000000, 0xbff0000000000000, 0xbff0000000000000)
  SGNJ(22, fsgnj.d,  0xfff0000000000001, 0x7ff0000000000001, 0x8000000000000000)
  SGNJ(23, fsgnjn.d, 0x7ff8000000012345, 0xfff8000000012345, 0xffffffffffffffff)
  SGNJ(24, fsgnjx.d, 0x7ff8000000000000, 0xfff8000000000000, 0x8000000000000000)

  TEST_CASE(30, a2, 0xc00921fb54442d18, LOAD_D(fa0, 0xc00921fb54442d18); fmv.d fa1, fa0; fmv.x.d a2, fa1)
  TEST_CASE(31, a2, 0x400921fb54442d18, LOAD_D(fa0, 0xc00921fb54442d18); fneg.d fa1, fa0; fmv.x.d a2, fa1)
  TEST_CASE(32, a2, 0x400921fb54442d18, LOAD_D(fa0, 0xc00921fb54442d18); fabs.d fa1, fa0; fmv.x.d a2, fa1)
  TEST_CASE(33, a2, 0xc00921fb54442d18, LOAD_D(fa0, 0x400921fb54442d18); fneg.d fa0, fa0; fmv.x.d a2, fa0)
CODE_END
