/* rv64si csr: S-mode CSRs. sscratch semantics; sstatus as a restricted view
 * of mstatus (UXL visible, M-only fields read zero and cannot be written,
 * S fields shared with mstatus); sie/sip limited to delegated interrupts;
 * stvec, sepc, scause, stval; satp ignoring unsupported modes; FS off
 * trapping FP; scounteren gating U-mode counter reads; U-mode access to S
 * CSRs trapping (illegal instructions are delegated to S here). */
#include "env.h"
#include "test_macros.h"

#define M_ONLY (ST_MIE | ST_MPIE | ST_MPP | ST_MPRV | ST_TVM | ST_TW | ST_TSR | ST_SXL)

CODE_BEGIN_S
  TEST_CASE(2, a0, 0, csrw sscratch, zero; csrr a0, sscratch)
  csrwi sscratch, 3
  TEST_CASE(3, a1, 3, csrrci a1, sscratch, 1)
  TEST_CASE(4, a2, 2, csrrsi a2, sscratch, 4)
  TEST_CASE(5, a3, 6, csrrwi a3, sscratch, 2)
  TEST_CASE(6, a1, 2, li a0, 0xbad1dea; csrrw a1, sscratch, a0)
  TEST_CASE(7, a0, 0xbad1dea, li a0, 0x0001dea; csrrc a0, sscratch, a0)
  TEST_CASE(8, a0, 0xbad0000, li a0, 0x000beef; csrrs a0, sscratch, a0)
  TEST_CASE(9, a0, 0xbadbeef, csrr a0, sscratch)
  TEST_CASE(10, a0, 0xfedcba9876543210, li a0, 0xfedcba9876543210; csrw sscratch, a0; csrr a0, sscratch)

  /* sstatus: UXL = 2; with mstatus.TW set by M, no M-only field shows */
  TEST_CASE(11, a0, 2, csrr a0, sstatus; srli a0, a0, 32; andi a0, a0, 3)
  ECALL_UP
  li a0, ST_TW
  csrs mstatus, a0
  M_DROP_TO(PRV_S)
  TEST_CASE(12, a0, 0, csrr a0, sstatus; li a1, M_ONLY; and a0, a0, a1)
  /* writing every bit of sstatus does not touch M-only fields */
  TEST_ID(13)
  csrr s2, sstatus
  li a0, -1
  li a1, ~ST_SIE
  and a0, a0, a1
  csrs sstatus, a0
  csrr a2, sstatus
  csrw sstatus, s2
  li a1, M_ONLY
  and a3, a2, a1
  EXPECT2(13, sview, a3, 0)
  /* the S fields did take the write */
  li a1, ST_SUM | ST_MXR | ST_SPP | ST_SPIE | ST_FS
  and a3, a2, a1
  EXPECT2(13, sfields, a3, ST_SUM | ST_MXR | ST_SPP | ST_SPIE | ST_FS)
  /* SD follows FS = Dirty */
  srli a3, a2, 63
  EXPECT2(13, sd, a3, 1)
  /* M sees S fields written through sstatus, and its own fields intact */
  TEST_ID(14)
  li a0, ST_SUM
  csrs sstatus, a0
  ECALL_UP
  csrr a0, mstatus
  li a1, ST_SUM
  and a2, a0, a1
  EXPECT2(14, sum, a2, ST_SUM)
  li a1, ST_TW | ST_TVM | ST_TSR | ST_MPRV
  and a2, a0, a1
  EXPECT2(14, mbits, a2, ST_TW)
  li a0, ST_TW | ST_SUM
  csrc mstatus, a0
  M_DROP_TO(PRV_S)

  /* sie/sip: nothing delegated, so nothing writable */
  TEST_CASE(20, a0, 0, li a0, -1; csrw sie, a0; csrr a0, sie)
  TEST_CASE(21, a0, 0, li a0, -1; csrs sip, a0; csrr a0, sip)
  /* once M delegates the S interrupts they become visible */
  ECALL_UP
  li a0, (1 << IRQ_SSI) | (1 << IRQ_STI) | (1 << IRQ_SEI)
  csrw mideleg, a0
  M_DROP_TO(PRV_S)
  csrci sstatus, ST_SIE
  TEST_CASE(22, a0, (1 << IRQ_SSI) | (1 << IRQ_STI) | (1 << IRQ_SEI), li a0, -1; csrw sie, a0; csrr a0, sie)
  TEST_CASE(23, a0, 1 << IRQ_SSI, li a0, 1 << IRQ_SSI; csrs sip, a0; csrr a0, sip; andi a0, a0, 1 << IRQ_SSI)
  TEST_CASE(24, a0, 0, li a0, 1 << IRQ_SSI; csrc sip, a0; csrw sie, zero; csrr a0, sie)
  ECALL_UP
  csrr a0, mie
  EXPECT(25, a0, 0)
  csrw mideleg, zero
  M_DROP_TO(PRV_S)

  /* trap CSRs */
  TEST_CASE(30, a0, 0x0000000080001000, li a0, 0x80001000; csrr s2, stvec; csrw stvec, a0; csrr a0, stvec; csrw stvec, s2)
  TEST_ID(31)
  li a0, 0x80001003
  csrw sepc, a0
  csrr a0, sepc
  andi a0, a0, -2          /* bit 0 reads zero (QEMU 7.2 keeps it) */
  EXPECT(31, a0, 0x80001002)
  TEST_CASE(32, a0, 0x800000000000000f, li a0, 0x800000000000000f; csrw scause, a0; csrr a0, scause)
  TEST_CASE(33, a0, 0x123456789, li a0, 0x123456789; csrw stval, a0; csrr a0, stval)
  /* satp: bare reads back 0, an unsupported mode leaves it unchanged */
  TEST_CASE(34, a0, 0, csrw satp, zero; csrr a0, satp)
  TEST_CASE(35, a0, 0, li a0, (1 << 60) | 0x1234; csrw satp, a0; csrr a0, satp)
  TEST_CASE(36, a0, 0, li a0, (15 << 60) | 0x1234; csrw satp, a0; csrr a0, satp)

  /* FS = Off: FP instructions trap (to S here) */
  TEST_ID(40)
  li a0, ST_FS
  csrc sstatus, a0
  TEST_TRAP(40, EXC_ILLEGAL, fadd.s fa0, fa0, fa0)
  TEST_TRAP(41, EXC_ILLEGAL, fsflags zero)
  TRAP_GET(t5, CTL_LEVEL)
  EXPECT2(41, lvl, t5, PRV_S)
  li a0, ST_FS_INIT
  csrs sstatus, a0
  TEST_NO_TRAP(42, fadd.s fa0, fa0, fa0)

  /* scounteren decides U access to the counters (mcounteren allows all) */
  csrwi scounteren, 0
  S_DROP_TO_U
  TEST_TRAP(50, EXC_ILLEGAL, rdcycle a0)
  TEST_TRAP(51, EXC_ILLEGAL, rdinstret a0)
  ECALL_UP
  csrwi scounteren, 1
  S_DROP_TO_U
  TEST_NO_TRAP(52, rdcycle a0)
  TEST_TRAP(53, EXC_ILLEGAL, rdinstret a0)
  /* S CSRs are out of reach of U */
  TEST_TRAP(54, EXC_ILLEGAL, csrr a0, sstatus)
  TEST_TRAP(55, EXC_ILLEGAL, csrw sscratch, zero)
  TEST_TRAP(56, EXC_ILLEGAL, csrr a0, satp)
  TEST_TRAP(57, EXC_ILLEGAL, csrw cycle, zero)
  ECALL_UP
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT(58, t5, EXC_ECALL_U)
  li a0, -1
  csrw scounteren, a0
CODE_END
