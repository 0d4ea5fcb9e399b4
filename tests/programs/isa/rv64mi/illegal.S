/* rv64mi illegal: illegal-instruction exceptions (cause 2) for reserved
 * encodings, with mepc at the instruction and mtval holding its bits or 0;
 * privileged instructions from lower modes (mret, sret, sfence.vma, wfi with
 * TW), and the mstatus trap bits TVM, TSR and TW. */
#include "env.h"
#include "test_macros.h"

/* code traps with cause 2 at label L; mtval is 0 or the instruction bits
 * (len bytes at L) */
#define ILLEGAL_AT(n, L, len) \
  TRAP_GET(t5, CTL_CAUSE); EXPECT2(n, cause, t5, EXC_ILLEGAL); \
  TRAP_GET(t5, CTL_EPC); la a1, L; EXPECT_EQ(n, epc, t5, a1); \
  TRAP_GET(t5, CTL_TVAL); beqz t5, .Ltv_##n; \
  .if len == 4; lwu a2, 0(a1); .else; lhu a2, 0(a1); .endif; EXPECT_EQ(n, tval, t5, a2); .Ltv_##n:

CODE_BEGIN_M
  /* a reserved major opcode */
  TEST_ID(2)
  TRAP_ARM_SKIP
.Li2: .word 0x1234506b
  TRAP_DISARM
  ILLEGAL_AT(2, .Li2, 4)
  /* the all-zero halfword */
  TEST_ID(3)
  TRAP_ARM_SKIP
.Li3: .hword 0
  TRAP_DISARM
  ILLEGAL_AT(3, .Li3, 2)
  /* the all-ones word */
  TEST_ID(4)
  TRAP_ARM_SKIP
  .option push
  .option norvc
.Li4: .word 0xffffffff
  .option pop
  TEST_ID(4)
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT(4, t5, EXC_ILLEGAL)
  /* undefined funct7 for OP and funct3 for a load */
  TEST_ID(5)
  TRAP_ARM_SKIP
.Li5: .insn r 0x33, 0, 0x7f, a0, a1, a2
  TRAP_DISARM
  ILLEGAL_AT(5, .Li5, 4)
  TEST_ID(6)
  TRAP_ARM_SKIP
.Li6: .insn i 0x03, 7, a0, 0(sp)
  TRAP_DISARM
  ILLEGAL_AT(6, .Li6, 4)
  /* the destination is not written */
  TEST_ID(7)
  li a0, 0x77
  TRAP_ARM_SKIP
  .insn r 0x33, 0, 0x7f, a0, a1, a2
  TRAP_DISARM
  EXPECT(7, a0, 0x77)

  /* from U mode: mret, sret, sfence.vma are illegal */
  M_DROP_TO(PRV_U)
  TEST_TRAP(10, EXC_ILLEGAL, mret)
  TEST_TRAP(11, EXC_ILLEGAL, sret)
  TEST_TRAP(12, EXC_ILLEGAL, sfence.vma)
  ECALL_UP
  /* from S mode: mret is illegal */
  M_DROP_TO(PRV_S)
  TEST_TRAP(13, EXC_ILLEGAL, mret)
  ECALL_UP

  /* TVM = 0: satp and sfence.vma are usable in S mode */
  M_DROP_TO(PRV_S)
  TEST_NO_TRAP(20, csrr a0, satp; csrw satp, zero; sfence.vma)
  ECALL_UP
  /* TVM = 1: they trap */
  li a0, ST_TVM
  csrs mstatus, a0
  M_DROP_TO(PRV_S)
  TEST_TRAP(21, EXC_ILLEGAL, csrr a0, satp)
  TEST_TRAP(22, EXC_ILLEGAL, csrw satp, zero)
  TEST_TRAP(23, EXC_ILLEGAL, sfence.vma)
  ECALL_UP
  li a0, ST_TVM
  csrc mstatus, a0
  /* M mode is not affected by TVM */
  TEST_NO_TRAP(24, li a0, ST_TVM; csrs mstatus, a0; csrr a1, satp; sfence.vma; csrc mstatus, a0)

  /* TSR = 1: sret in S mode traps */
  li a0, ST_TSR
  csrs mstatus, a0
  M_DROP_TO(PRV_S)
  TEST_TRAP(30, EXC_ILLEGAL, sret)
  ECALL_UP
  li a0, ST_TSR
  csrc mstatus, a0
  /* TSR = 0: sret in S mode works (returns to S here, SPP = S) */
  M_DROP_TO(PRV_S)
  TEST_NO_TRAP(31, li a0, ST_SPP; csrs sstatus, a0; la a0, 1f; csrw sepc, a0; sret; 1:)
  ECALL_UP

  /* TW = 1: wfi in S mode traps (no interrupt will ever end it) */
  li a0, ST_TW
  csrs mstatus, a0
  M_DROP_TO(PRV_S)
  TEST_TRAP(40, EXC_ILLEGAL, wfi)
  ECALL_UP
  li a0, ST_TW
  csrc mstatus, a0
  /* wfi in M mode returns once an enabled interrupt is pending, even with
   * mstatus.MIE clear */
  li a0, 1 << IRQ_SSI
  csrs mie, a0
  csrs mip, a0
  TEST_NO_TRAP(41, wfi)
  li a0, 1 << IRQ_SSI
  csrc mip, a0
  csrc mie, a0
CODE_END
