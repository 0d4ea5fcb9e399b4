/* rv64si vm: Sv39 translation and permission checks from S and U mode:
 * fetch needs X, load needs R (or X with MXR), store needs W; S reaches U
 * pages only with SUM and never executes them; U never reaches S pages;
 * invalid and reserved (W without R) PTEs, non-canonical addresses and
 * misaligned superpages fault; a 2 MiB superpage maps; remapping becomes
 * visible after sfence.vma (global and by address); satp reads back. */
#include "env.h"
#include "test_macros.h"
#include "vm.h"

/* code must raise page fault c with stval = the address in a0 */
#define PF(n, c, code...) \
  TEST_ID(n); TRAP_ARM_SKIP; code; TRAP_DISARM; \
  TRAP_GET(t5, CTL_CAUSE); EXPECT2(n, cause, t5, c); \
  TRAP_GET(t5, CTL_TVAL); EXPECT_EQ(n, tval, t5, a0)

CODE_BEGIN_S
  VM_INIT
  VM_PTE(0, dpage0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  VM_PTE(1, xpage, PTE_V | PTE_X | PTE_A)
  VM_PTE(2, upage, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
  VM_PTE(3, dpage0, PTE_R | PTE_W | PTE_A | PTE_D)          /* V = 0 */
  VM_PTE(4, dpage0, PTE_V | PTE_W | PTE_A | PTE_D)          /* reserved */
  VM_PTE(5, ucode, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A)
  VM_PTE(6, dpage1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  VM_ON
  li a0, ST_SUM | ST_MXR
  csrc sstatus, a0

  TEST_CASE(2, a2, 0x0a0a0a0a0a0a0a0a, li a0, VM_VA(0); ld a2, 0(a0))
  TEST_CASE(3, a2, 0x0b0b, li a0, VM_VA(0); li a2, 0x0b0b; sd a2, 8(a0); la a1, dpage0; ld a2, 8(a1))
  /* no X: instruction page fault at the target */
  TEST_ID(4)
  li a0, VM_VA(0)
  TRAP_ARM(1f)
  jalr ra, a0
  j fail
1:TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(4, cause, t5, EXC_INSN_PAGE_FAULT)
  TRAP_GET(t5, CTL_EPC)
  EXPECT_EQ(4, epc, t5, a0)
  TRAP_GET(t5, CTL_TVAL)
  EXPECT_EQ(4, tval, t5, a0)
  /* execute-only page: runs, but is not readable unless MXR */
  TEST_CASE(5, a0, 42, li a1, VM_VA(1); jalr ra, a1)
  PF(6, EXC_LOAD_PAGE_FAULT, li a0, VM_VA(1); lw a2, 0(a0))
  TEST_ID(7)
  li a1, ST_MXR
  csrs sstatus, a1
  li a0, VM_VA(1)
  lw a2, 0(a0)
  la a3, xpage
  lw a3, 0(a3)
  csrc sstatus, a1
  EXPECT_EQ(7, mxr, a2, a3)
  PF(8, EXC_STORE_PAGE_FAULT, li a0, VM_VA(1); sw a2, 0(a0))

  /* user page from S: needs SUM for data, never executable */
  PF(10, EXC_LOAD_PAGE_FAULT, li a0, VM_VA(2); ld a2, 0(a0))
  PF(11, EXC_STORE_PAGE_FAULT, li a0, VM_VA(2); sd a2, 0(a0))
  TEST_ID(12)
  li a1, ST_SUM
  csrs sstatus, a1
  li a0, VM_VA(2)
  li a2, 0x1212
  sd a2, 0(a0)
  ld a3, 0(a0)
  EXPECT(12, a3, 0x1212)
  TEST_ID(13)
  li a0, VM_VA(5)
  TRAP_ARM(1f)
  jalr ra, a0
  j fail
1:TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(13, cause, t5, EXC_INSN_PAGE_FAULT)
  li a1, ST_SUM
  csrc sstatus, a1

  /* invalid and reserved PTEs */
  PF(14, EXC_LOAD_PAGE_FAULT, li a0, VM_VA(3); ld a2, 0(a0))
  PF(15, EXC_STORE_PAGE_FAULT, li a0, VM_VA(3); sd a2, 0(a0))
  PF(16, EXC_LOAD_PAGE_FAULT, li a0, VM_VA(4); ld a2, 0(a0))
  PF(17, EXC_STORE_PAGE_FAULT, li a0, VM_VA(4); sd a2, 0(a0))
  /* an unmapped address in the window */
  PF(18, EXC_LOAD_PAGE_FAULT, li a0, VM_VA(100); ld a2, 0(a0))
  /* bits 63:39 must equal bit 38 */
  PF(19, EXC_LOAD_PAGE_FAULT, li a0, 0x0000004000000000; ld a2, 0(a0))
  PF(20, EXC_STORE_PAGE_FAULT, li a0, 0xffffff0080000000; sd a2, 0(a0))
  PF(21, EXC_LOAD_PAGE_FAULT, li a0, 0x8000000080000000; ld a2, 0(a0))

  /* U mode: runs user code at VM_VA(5) with a1 = address to load from */
  TEST_ID(22)
  li a1, VM_VA(2)
  li a2, 0
  TRAP_ARM_STAY(1f)
  li t0, ST_SPP
  csrc sstatus, t0
  li t0, VM_VA(5)
  csrw sepc, t0
  sret
1:TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(22, ecall, t5, EXC_ECALL_U)
  EXPECT2(22, val, a2, 0x1212)
  /* ...a supervisor page faults for U, whatever SUM says */
  TEST_ID(23)
  li a0, VM_VA(0)
  mv a1, a0
  li t0, ST_SUM
  csrs sstatus, t0
  TRAP_ARM_STAY(1f)
  li t0, ST_SPP
  csrc sstatus, t0
  li t0, VM_VA(5)
  csrw sepc, t0
  sret
1:TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(23, cause, t5, EXC_LOAD_PAGE_FAULT)
  TRAP_GET(t5, CTL_TVAL)
  EXPECT_EQ(23, tval, t5, a0)
  TRAP_GET(t5, CTL_EPC)
  li a1, VM_VA(5)
  EXPECT_EQ(23, epc, t5, a1)
  li t0, ST_SUM
  csrc sstatus, t0

  /* 2 MiB superpage at VA 0x4020_0000 -> PA 0x8020_0000 */
  TEST_ID(24)
  la t0, vm_l1
  li t1, ((0x80200000 >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  sd t1, 8(t0)
  sfence.vma
  li a0, VM_MEGA_VA + 0x1238
  li a2, 0x2424
  sd a2, 0(a0)
  li a1, 0x80201238
  ld a3, 0(a1)
  EXPECT(24, a3, 0x2424)
  /* misaligned superpage (PPN[0] != 0) */
  la t0, vm_l1
  li t1, ((0x80201000 >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  sd t1, 8(t0)
  sfence.vma
  PF(25, EXC_LOAD_PAGE_FAULT, li a0, VM_MEGA_VA + 8; ld a2, 0(a0))
  la t0, vm_l1
  sd zero, 8(t0)

  /* remapping: sfence.vma makes the new PTE visible */
  TEST_ID(26)
  li a0, VM_VA(0)
  ld a2, 0(a0)
  VM_PTE(0, dpage1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  ld a2, 0(a0)
  EXPECT(26, a2, 0x0c0c0c0c0c0c0c0c)
  TEST_ID(27)
  li a0, VM_VA(6)
  ld a2, 0(a0)
  la t0, dpage0
  srli t0, t0, 12
  slli t0, t0, PTE_PPN_SHIFT
  ori t0, t0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  VM_PTE_ADDR(t1, 6)
  sd t0, 0(t1)
  sfence.vma a0, zero
  ld a2, 0(a0)
  EXPECT(27, a2, 0x0a0a0a0a0a0a0a0a)
  /* satp reads back */
  TEST_ID(28)
  csrr a0, satp
  la a1, vm_root
  srli a1, a1, 12
  li a2, SATP_MODE_SV39
  or a1, a1, a2
  EXPECT_EQ(28, satp, a0, a1)
  VM_OFF
  j .Ldone

  .balign 4096
xpage:
  li a0, 42
  ret
  .balign 4096
ucode:
  ld a2, 0(a1)
  ecall
1:j 1b
  .balign 4096
.Ldone:
CODE_END

  VM_TABLES
  .data
  .balign 4096
dpage0: .dword 0x0a0a0a0a0a0a0a0a, 0
  .balign 4096
dpage1: .dword 0x0c0c0c0c0c0c0c0c
  .balign 4096
upage: .dword 0
  .balign 4096
