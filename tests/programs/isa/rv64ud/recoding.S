/* rv64ud recoding: values produced by arithmetic (infinities, signed zeros,
 * subnormals, NaNs) behave exactly like the same values loaded as bits:
 * they compare, classify and move identically. */
#include "env.h"
#include "test_macros.h"

#define LOADF(r, bits) li t3, bits; fmv.d.x r, t3

CODE_BEGIN_U
  /* 1/0 and -1/0 against loaded infinities */
  TEST_ID(2)
  LOADF(fa0, 0x3ff0000000000000)
  fmv.d.x fa1, zero
  fdiv.d fa2, fa0, fa1
  fneg.d fa3, fa0
  fdiv.d fa4, fa3, fa1
  fsflags zero
  LOADF(fa5, 0x7ff0000000000000)
  feq.d a2, fa2, fa5
  EXPECT2(2, pinf, a2, 1)
  fneg.d fa5, fa5
  feq.d a2, fa4, fa5
  EXPECT2(2, ninf, a2, 1)
  fclass.d a2, fa2
  EXPECT2(2, cls, a2, 0x80)
  fclass.d a2, fa4
  EXPECT2(2, ncls, a2, 0x01)
  EXPECT_FLAGS(2, 0)

  /* -1 * 0 is -0: equal to +0 but classified and moved as -0 */
  TEST_ID(3)
  LOADF(fa0, 0x3ff0000000000000)
  fneg.d fa0, fa0
  fmv.d.x fa1, zero
  fmul.d fa2, fa0, fa1
  feq.d a2, fa2, fa1
  EXPECT2(3, eq, a2, 1)
  fclass.d a2, fa2
  EXPECT2(3, cls, a2, 0x08)
  fmul.d fa2, fa0, fa1
  fmv.x.d a2, fa2
  EXPECT2(3, bits, a2, 0x8000000000000000)

  /* the smallest subnormal from halving the smallest normal 2^(mbits) times:
   * compare with the loaded bit pattern */
  TEST_ID(4)
  LOADF(fa0, 0x0010000000000000)
  LOADF(fa1, 0x3cb0000000000000)  /* 2^-23 / 2^-52 */
  fmul.d fa2, fa0, fa1
  LOADF(fa3, 0x0000000000000001)
  feq.d a2, fa2, fa3
  EXPECT2(4, eq, a2, 1)
  fclass.d a2, fa2
  EXPECT2(4, cls, a2, 0x20)
  /* and back up to the normal range */
  LOADF(fa4, 0x4330000000000000)  /* 2^23 / 2^52 */
  fmul.d fa5, fa2, fa4
  feq.d a2, fa5, fa0
  EXPECT2(4, back, a2, 1)

  /* a NaN produced by arithmetic is the canonical one and classifies quiet */
  TEST_ID(5)
  fmv.d.x fa0, zero
  fdiv.d fa1, fa0, fa0
  fmv.x.d a2, fa1
  EXPECT2(5, bits, a2, 0x7ff8000000000000)
  fclass.d a2, fa1
  EXPECT2(5, cls, a2, 0x200)
  feq.d a2, fa1, fa1
  EXPECT2(5, eq, a2, 0)

  /* round trip through the other precision keeps exact values */
  TEST_ID(6)
  LOADF(fa0, 0x4000000000000000)
  fcvt.s.d fa1, fa0
  fcvt.d.s fa2, fa1
  feq.d a2, fa2, fa0
  EXPECT(6, a2, 1)
  fsflags zero
CODE_END
