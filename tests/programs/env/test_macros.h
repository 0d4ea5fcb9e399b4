/* Test-case macros for the SharpVirt ISA programs.
 *
 * Conventions: TESTNUM (gp) holds the number of the case being run; a failed
 * check jumps to `fail`, which reports that number through tohost. t4 is the
 * comparison register, so a checked result must not live in t4. t5/t6 belong
 * to the trap handlers whenever a trap is taken on purpose.
 */
#ifndef SV_TEST_MACROS_H
#define SV_TEST_MACROS_H

#define TEST_ID(n) li TESTNUM, n

/* Compare reg with a constant; fail test n when they differ. */
#define EXPECT(n, reg, val) \
  li t4, val; beq reg, t4, .Lok_##n; j fail; .Lok_##n:

/* Same, for a second check inside test n (tag tells the checks apart). */
#define EXPECT2(n, tag, reg, val) \
  li t4, val; beq reg, t4, .Lok_##n##_##tag; j fail; .Lok_##n##_##tag:

/* Compare two registers. */
#define EXPECT_EQ(n, tag, ra, rb) \
  beq ra, rb, .Lok_##n##_##tag; j fail; .Lok_##n##_##tag:

/* reg must be nonzero / zero */
#define EXPECT_NZ(n, tag, reg) \
  bnez reg, .Lok_##n##_##tag; j fail; .Lok_##n##_##tag:

/* Run code, then check that reg holds expected. */
#define TEST_CASE(n, reg, expected, code...) \
  TEST_ID(n); code; EXPECT(n, reg, expected)

/* ------------------------------------------------------------------ */
/* integer operations                                                  */

#define TEST_RR(n, op, res, a, b) \
  TEST_CASE(n, a2, res, li a0, a; li a1, b; op a2, a0, a1)
#define TEST_RR_DEST_SRC1(n, op, res, a, b) \
  TEST_CASE(n, a0, res, li a0, a; li a1, b; op a0, a0, a1)
#define TEST_RR_DEST_SRC2(n, op, res, a, b) \
  TEST_CASE(n, a1, res, li a0, a; li a1, b; op a1, a0, a1)
#define TEST_RR_SAME(n, op, res, a) \
  TEST_CASE(n, a2, res, li a0, a; op a2, a0, a0)
#define TEST_RR_ALL_SAME(n, op, res, a) \
  TEST_CASE(n, a0, res, li a0, a; op a0, a0, a0)
#define TEST_RR_ZERO1(n, op, res, b) \
  TEST_CASE(n, a2, res, li a1, b; li a2, 0x5a5a; op a2, zero, a1)
#define TEST_RR_ZERO2(n, op, res, a) \
  TEST_CASE(n, a2, res, li a0, a; li a2, 0x5a5a; op a2, a0, zero)
#define TEST_RR_ZERO_DEST(n, op, a, b) \
  TEST_CASE(n, zero, 0, li a0, a; li a1, b; op zero, a0, a1)
/* the result feeds straight into the next instruction */
#define TEST_RR_CHAIN(n, op, res, a, b) \
  TEST_CASE(n, a3, res, li a0, a; li a1, b; op a2, a0, a1; addi a3, a2, 0)

#define TEST_RI(n, op, res, a, imm) \
  TEST_CASE(n, a2, res, li a0, a; op a2, a0, imm)
#define TEST_RI_SAME(n, op, res, a, imm) \
  TEST_CASE(n, a0, res, li a0, a; op a0, a0, imm)
#define TEST_RI_ZERO(n, op, res, imm) \
  TEST_CASE(n, a2, res, li a2, 0x5a5a; op a2, zero, imm)
#define TEST_RI_ZERO_DEST(n, op, a, imm) \
  TEST_CASE(n, zero, 0, li a0, a; op zero, a0, imm)

#define TEST_R(n, op, res, a) \
  TEST_CASE(n, a2, res, li a0, a; op a2, a0)
#define TEST_R_SAME(n, op, res, a) \
  TEST_CASE(n, a0, res, li a0, a; op a0, a0)
#define TEST_R_ZERO(n, op, res) \
  TEST_CASE(n, a2, res, li a2, 0x5a5a; op a2, zero)

/* ------------------------------------------------------------------ */
/* branches: each case branches forward and backward                   */

#define TEST_BR_TAKEN(n, op, a, b) \
  TEST_ID(n); li a0, a; li a1, b; \
  op a0, a1, 2f; j fail; \
1:j 3f; \
2:op a0, a1, 1b; j fail; \
3:

#define TEST_BR_NOT_TAKEN(n, op, a, b) \
  TEST_ID(n); li a0, a; li a1, b; \
  j 2f; \
1:j fail; \
2:op a0, a1, 1b; \
  op a0, a1, 3f; j 4f; \
3:j fail; \
4:

/* ------------------------------------------------------------------ */
/* memory                                                              */

/* load from base+off, check the (extended) value */
#define TEST_LD(n, insn, res, off, base) \
  TEST_CASE(n, a2, res, la a1, base; insn a2, off(a1))
/* same, with the destination also the base register */
#define TEST_LD_SAME(n, insn, res, off, base) \
  TEST_CASE(n, a1, res, la a1, base; insn a1, off(a1))
/* store val at base+off with st, read it back with ld, expect res */
#define TEST_ST(n, ld, st, res, val, off, base) \
  TEST_CASE(n, a2, res, la a1, base; li a0, val; st a0, off(a1); ld a2, off(a1))

/* ------------------------------------------------------------------ */
/* expected traps (see env_common.h)                                   */

#define TRAP_ARM(resume) \
  la t6, env_ctl; li t5, -1; sd t5, CTL_CAUSE(t6); sd t5, CTL_TVAL(t6); \
  sd t5, CTL_EPC(t6); la t5, resume; sd t5, CTL_RESUME(t6); \
  li t5, 1; sd t5, CTL_ARMED(t6)
#define TRAP_ARM_SKIP \
  la t6, env_ctl; li t5, -1; sd t5, CTL_CAUSE(t6); sd t5, CTL_TVAL(t6); \
  sd t5, CTL_EPC(t6); sd zero, CTL_RESUME(t6); \
  li t5, 1; sd t5, CTL_ARMED(t6)
/* like TRAP_ARM, but the handler then resumes in its own privilege mode
 * (M for the M-level handler, S for the S-level one) instead of returning to
 * the mode that trapped */
#define TRAP_ARM_STAY(resume) \
  TRAP_ARM(resume); li t5, 1; sd t5, CTL_STAY(t6)
#define TRAP_DISARM la t6, env_ctl; sd zero, CTL_ARMED(t6); sd zero, CTL_STAY(t6)
/* reg = recorded field (CTL_CAUSE, CTL_TVAL, CTL_EPC, CTL_STATUS, CTL_LEVEL) */
#define TRAP_GET(reg, field) la t6, env_ctl; ld reg, field(t6)

/* code must trap with the given cause; execution resumes after the
 * trapping instruction */
#define TEST_TRAP(n, cause, code...) \
  TEST_ID(n); TRAP_ARM_SKIP; code; TRAP_DISARM; \
  TRAP_GET(t5, CTL_CAUSE); EXPECT(n, t5, cause)
/* code must not trap */
#define TEST_NO_TRAP(n, code...) \
  TEST_ID(n); TRAP_ARM_SKIP; code; TRAP_DISARM; \
  TRAP_GET(t5, CTL_CAUSE); EXPECT(n, t5, -1)

/* handlers of the p environment's hooks get t6 = &env_ctl */
#define SET_M_HOOK(label) la t6, env_ctl; la t5, label; sd t5, CTL_HOOK_M(t6)
#define CLEAR_M_HOOK      la t6, env_ctl; sd zero, CTL_HOOK_M(t6)
#define SET_S_HOOK(label) la t6, env_ctl; la t5, label; sd t5, CTL_HOOK_S(t6)
#define CLEAR_S_HOOK      la t6, env_ctl; sd zero, CTL_HOOK_S(t6)

/* From M mode: continue at the next instruction in privilege mode `mode`
 * (uses t0 and the local label 1). MPIE is cleared first so that mstatus.MIE
 * stays 0 across the mret and any later trap-and-return. */
#define M_DROP_TO(mode) \
  li t0, ST_MPP | ST_MPIE; csrc mstatus, t0; li t0, (mode) << 11; csrs mstatus, t0; \
  la t0, 1f; csrw mepc, t0; mret; 1:
/* From S mode: continue at the next instruction in U mode. */
#define S_DROP_TO_U \
  li t0, ST_SPP | ST_SPIE; csrc sstatus, t0; la t0, 1f; csrw sepc, t0; sret; 1:
/* Go back up to the mode of the handler that takes ecalls from here (the
 * recorded trap is that ecall). */
#define ECALL_UP TRAP_ARM_STAY(1f); ecall; 1:

#define TEST_PASS j pass
#define TEST_FAIL j fail

/* ------------------------------------------------------------------ */
/* floating point                                                      */

/* fcsr.fflags must equal flags; clears them afterwards (uses t3) */
#define EXPECT_FLAGS(n, flags) \
  fsflags t3, zero; EXPECT2(n, fl, t3, flags)

/* Load raw bit patterns into FP registers from integer constants. */
#define LOAD_D(freg, bits) li t3, bits; fmv.d.x freg, t3
#define LOAD_S(freg, bits) li t3, bits; fmv.w.x freg, t3

/* Binary double op: fa2 = op(fa0, fa1) with rounding mode rm (dyn if omitted
 * in the op string), check bits and fflags. */
#define TEST_FD_RR(n, op, res, flags, a, b) \
  TEST_ID(n); LOAD_D(fa0, a); LOAD_D(fa1, b); fsflags zero; op fa2, fa0, fa1; \
  fmv.x.d a2, fa2; EXPECT(n, a2, res); EXPECT_FLAGS(n, flags)
#define TEST_FS_RR(n, op, res, flags, a, b) \
  TEST_ID(n); LOAD_S(fa0, a); LOAD_S(fa1, b); fsflags zero; op fa2, fa0, fa1; \
  fmv.x.w a2, fa2; EXPECT(n, a2, res); EXPECT_FLAGS(n, flags)
#define TEST_FD_RRR(n, op, res, flags, a, b, c) \
  TEST_ID(n); LOAD_D(fa0, a); LOAD_D(fa1, b); LOAD_D(fa3, c); fsflags zero; \
  op fa2, fa0, fa1, fa3; fmv.x.d a2, fa2; EXPECT(n, a2, res); EXPECT_FLAGS(n, flags)
#define TEST_FS_RRR(n, op, res, flags, a, b, c) \
  TEST_ID(n); LOAD_S(fa0, a); LOAD_S(fa1, b); LOAD_S(fa3, c); fsflags zero; \
  op fa2, fa0, fa1, fa3; fmv.x.w a2, fa2; EXPECT(n, a2, res); EXPECT_FLAGS(n, flags)
#define TEST_FD_R(n, op, res, flags, a) \
  TEST_ID(n); LOAD_D(fa0, a); fsflags zero; op fa2, fa0; \
  fmv.x.d a2, fa2; EXPECT(n, a2, res); EXPECT_FLAGS(n, flags)
#define TEST_FS_R(n, op, res, flags, a) \
  TEST_ID(n); LOAD_S(fa0, a); fsflags zero; op fa2, fa0; \
  fmv.x.w a2, fa2; EXPECT(n, a2, res); EXPECT_FLAGS(n, flags)
/* FP compare / classify / convert-to-integer: integer result in a2 */
#define TEST_FD_CMP(n, op, res, flags, a, b) \
  TEST_ID(n); LOAD_D(fa0, a); LOAD_D(fa1, b); fsflags zero; op a2, fa0, fa1; \
  EXPECT(n, a2, res); EXPECT_FLAGS(n, flags)
#define TEST_FS_CMP(n, op, res, flags, a, b) \
  TEST_ID(n); LOAD_S(fa0, a); LOAD_S(fa1, b); fsflags zero; op a2, fa0, fa1; \
  EXPECT(n, a2, res); EXPECT_FLAGS(n, flags)
#define TEST_FD_TOINT(n, op, res, flags, a) \
  TEST_ID(n); LOAD_D(fa0, a); fsflags zero; op a2, fa0; \
  EXPECT(n, a2, res); EXPECT_FLAGS(n, flags)
#define TEST_FS_TOINT(n, op, res, flags, a) \
  TEST_ID(n); LOAD_S(fa0, a); fsflags zero; op a2, fa0; \
  EXPECT(n, a2, res); EXPECT_FLAGS(n, flags)
/* integer to FP: op fa2, a0 */
#define TEST_FD_FROMINT(n, op, res, flags, a) \
  TEST_ID(n); li a0, a; fsflags zero; op fa2, a0; \
  fmv.x.d a2, fa2; EXPECT(n, a2, res); EXPECT_FLAGS(n, flags)
#define TEST_FS_FROMINT(n, op, res, flags, a) \
  TEST_ID(n); li a0, a; fsflags zero; op fa2, a0; \
  fmv.x.w a2, fa2; EXPECT(n, a2, res); EXPECT_FLAGS(n, flags)

#endif
