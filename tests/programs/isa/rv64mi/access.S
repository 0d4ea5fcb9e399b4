/* rv64mi access: loads, stores, AMOs and instruction fetches at physical
 * addresses with nothing behind them raise access faults (causes 5, 7 and 1)
 * with mepc at the instruction (the target for fetches) and mtval holding the
 * address or 0. Nothing is written to the destination register. */
#include "env.h"
#include "test_macros.h"

#define HOLE1 0x0000000200000000   /* 8 GiB: beyond RAM */
#define HOLE2 0x8000000000000000   /* beyond any physical address */

/* the recorded trap has cause c, epc == label and tval 0 or the address in a0 */
#define CHECK_FAULT(n, c, label) \
  TRAP_GET(t5, CTL_CAUSE); EXPECT2(n, cause, t5, c); \
  TRAP_GET(t5, CTL_EPC); la a1, label; EXPECT_EQ(n, epc, t5, a1); \
  TRAP_GET(t5, CTL_TVAL); beqz t5, .Ltv_##n; EXPECT_EQ(n, tval, t5, a0); .Ltv_##n:

#define LOAD_FAULT(n, insn, addr) \
  TEST_ID(n); li a0, addr; li a2, 0x99; TRAP_ARM_SKIP; .Lf_##n: insn a2, 0(a0); TRAP_DISARM; \
  CHECK_FAULT(n, EXC_LOAD_ACCESS, .Lf_##n); EXPECT2(n, rd, a2, 0x99)
#define STORE_FAULT(n, insn, addr) \
  TEST_ID(n); li a0, addr; TRAP_ARM_SKIP; .Lf_##n: insn a2, 0(a0); TRAP_DISARM; \
  CHECK_FAULT(n, EXC_STORE_ACCESS, .Lf_##n)
/* AMOs report store/AMO access faults; qemu-system-riscv64 7.2 reports a
 * load access fault instead, which is accepted too */
#define AMO_FAULT(n, insn, addr) \
  TEST_ID(n); li a0, addr; li a2, 0x99; TRAP_ARM_SKIP; .Lf_##n: insn a2, a3, (a0); TRAP_DISARM; \
  TRAP_GET(t5, CTL_CAUSE); li t4, EXC_LOAD_ACCESS; bne t5, t4, .Lst_##n; \
  la t6, env_ctl; li t5, EXC_STORE_ACCESS; sd t5, CTL_CAUSE(t6); .Lst_##n: \
  CHECK_FAULT(n, EXC_STORE_ACCESS, .Lf_##n); EXPECT2(n, rd, a2, 0x99)

CODE_BEGIN_M
  LOAD_FAULT(2, ld, HOLE1)
  LOAD_FAULT(3, lw, HOLE1 + 0x100)
  LOAD_FAULT(4, lbu, HOLE1 + 3)
  LOAD_FAULT(5, ld, HOLE2)
  LOAD_FAULT(6, lh, HOLE2 + 0x1000)
  STORE_FAULT(7, sd, HOLE1)
  STORE_FAULT(8, sb, HOLE1 + 1)
  STORE_FAULT(9, sw, HOLE2)
  AMO_FAULT(10, amoadd.d, HOLE1)
  AMO_FAULT(11, amoswap.w, HOLE2)
  TEST_ID(12)
  li a0, HOLE1
  li a2, 0x99
  TRAP_ARM_SKIP
.Lf_12: lr.d a2, (a0)
  TRAP_DISARM
  CHECK_FAULT(12, EXC_LOAD_ACCESS, .Lf_12)
  EXPECT2(12, rd, a2, 0x99)
  /* floating-point loads and stores */
  TEST_ID(13)
  li a0, HOLE1
  TRAP_ARM_SKIP
.Lf_13: fld fa0, 0(a0)
  TRAP_DISARM
  CHECK_FAULT(13, EXC_LOAD_ACCESS, .Lf_13)
  TEST_ID(14)
  li a0, HOLE1
  TRAP_ARM_SKIP
.Lf_14: fsd fa0, 0(a0)
  TRAP_DISARM
  CHECK_FAULT(14, EXC_STORE_ACCESS, .Lf_14)

  /* instruction fetch: mepc is the unreachable target, ra was still written */
  TEST_ID(20)
  li a0, HOLE1
  TRAP_ARM(1f)
.Lj20:
  jalr ra, 0(a0)
  j fail
1:TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(20, cause, t5, EXC_INSN_ACCESS)
  TRAP_GET(t5, CTL_EPC)
  EXPECT_EQ(20, epc, t5, a0)
  TRAP_GET(t5, CTL_TVAL)
  beqz t5, 2f
  EXPECT_EQ(20, tval, t5, a0)
2:la a1, .Lj20
  addi a1, a1, 4
  EXPECT_EQ(20, link, ra, a1)
  TEST_ID(21)
  li a0, HOLE2
  TRAP_ARM(1f)
  jr a0
  j fail
1:TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(21, cause, t5, EXC_INSN_ACCESS)
  TRAP_GET(t5, CTL_EPC)
  EXPECT_EQ(21, epc, t5, a0)

  /* the same from S mode (nothing delegated: the fault is taken in M) */
  M_DROP_TO(PRV_S)
  LOAD_FAULT(30, ld, HOLE1)
  STORE_FAULT(31, sw, HOLE1)
  ECALL_UP
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT(30, t5, EXC_ECALL_S)
CODE_END
