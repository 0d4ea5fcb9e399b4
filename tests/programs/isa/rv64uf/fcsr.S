/* rv64uf fcsr: the fflags/frm/fcsr CSRs and their pseudo-instructions,
 * accrued (sticky) flags, static and dynamic rounding, and illegal-instruction
 * traps for reserved rounding modes. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_U
  TEST_CASE(2, a2, 0, fscsr zero; frcsr a2)
  TEST_CASE(3, a2, 0xff, li a0, 0xff; fscsr a0; frcsr a2)
  TEST_CASE(4, a2, 7, li a0, 0xff; fscsr a0; frrm a2)
  TEST_CASE(5, a2, 0x1f, li a0, 0xff; fscsr a0; frflags a2)
  /* bits above 7 are not writable */
  TEST_CASE(6, a2, 0xa5, li a0, 0xffffffffffffffa5; fscsr a0; frcsr a2)
  TEST_CASE(7, a2, 0x1f, li a0, 0xff; fsflags a0; frflags a2)
  TEST_CASE(8, a2, 0x7, li a0, 0xff; fsrm a0; frrm a2)
  /* swaps return the old value */
  TEST_CASE(9, a2, 0xa5, li a0, 0xa5; fscsr a0; li a0, 0x42; fscsr a2, a0)
  TEST_CASE(10, a2, 0x42, frcsr a2)
  TEST_CASE(11, a2, 0x2, fsrmi a2, 1)
  TEST_CASE(12, a2, 0x22, frcsr a2)
  TEST_CASE(13, a2, 0x02, fsflagsi a2, 0x1c)
  TEST_CASE(14, a2, 0x3c, frcsr a2)
  /* csrrs/csrrc on the individual CSRs */
  TEST_CASE(15, a2, 0x1c, csrrc a2, fflags, zero)
  TEST_CASE(16, a2, 0x18, li a0, 4; csrc fflags, a0; csrr a2, fflags)
  TEST_CASE(17, a2, 0x19, csrsi fflags, 1; csrr a2, fflags)
  TEST_CASE(18, a2, 0x39, csrr a2, fcsr)
  TEST_CASE(19, a2, 0x59, csrwi frm, 2; csrr a2, fcsr)
  TEST_CASE(20, a2, 0x00, csrwi fcsr, 0; csrr a2, fcsr)

  /* flags accrue across operations until cleared */
  TEST_ID(21)
  fsflags zero
  LOAD_S(fa0, 0x3f800000)
  LOAD_S(fa1, 0x40400000)
  fdiv.s fa2, fa0, fa1          /* 1/3: inexact */
  frflags a2
  EXPECT2(21, nx, a2, FF_NX)
  fmv.w.x fa3, zero
  fdiv.s fa2, fa0, fa3          /* 1/0: divide by zero */
  frflags a2
  EXPECT2(21, dz, a2, FF_NX | FF_DZ)
  fsub.s fa2, fa2, fa2          /* inf - inf: invalid */
  frflags a2
  EXPECT2(21, nv, a2, FF_NX | FF_DZ | FF_NV)
  fadd.s fa2, fa0, fa0          /* exact: nothing cleared */
  frflags a2
  EXPECT2(21, keep, a2, FF_NX | FF_DZ | FF_NV)

  /* dynamic rounding follows frm; a static mode overrides it */
  TEST_ID(22)
  LOAD_S(fa0, 0x3f800000)
  LOAD_S(fa1, 0x40400000)
  fsrmi 3                        /* RUP */
  fdiv.s fa2, fa0, fa1
  fmv.x.w a2, fa2
  EXPECT2(22, rup, a2, 0x3eaaaaab)
  fsrmi 1                        /* RTZ */
  fdiv.s fa2, fa0, fa1
  fmv.x.w a2, fa2
  EXPECT2(22, rtz, a2, 0x3eaaaaaa)
  fdiv.s fa2, fa0, fa1, rup
  fmv.x.w a2, fa2
  EXPECT2(22, static, a2, 0x3eaaaaab)
  fsrmi 0

  /* reserved rounding modes */
  TEST_ID(23)
  fsrmi 5
  TEST_TRAP(23, EXC_ILLEGAL, fadd.s fa2, fa0, fa1)
  fsrmi 6
  TEST_TRAP(24, EXC_ILLEGAL, fmul.d fa2, fa0, fa1)
  fsrmi 7
  TEST_TRAP(25, EXC_ILLEGAL, fcvt.w.s a2, fa0)
  /* with a bad frm, operations that do not round dynamically still work */
  TEST_NO_TRAP(26, fsgnj.s fa2, fa0, fa1; fmin.s fa2, fa0, fa1; feq.s a2, fa0, fa1; fadd.s fa2, fa0, fa1, rne)
  fsrmi 0
  /* rm fields 5 and 6 in the instruction are reserved */
  TEST_TRAP(27, EXC_ILLEGAL, .insn r 0x53, 5, 0x00, fa2, fa0, fa1)
  TEST_TRAP(28, EXC_ILLEGAL, .insn r 0x53, 6, 0x01, fa2, fa0, fa1)
  /* the trapping instruction did not change the destination */
  TEST_ID(29)
  LOAD_S(fa2, 0x12345678)
  TRAP_ARM_SKIP
  .insn r 0x53, 5, 0x00, fa2, fa0, fa1
  TRAP_DISARM
  fmv.x.w a2, fa2
  EXPECT(29, a2, 0x12345678)
CODE_END
