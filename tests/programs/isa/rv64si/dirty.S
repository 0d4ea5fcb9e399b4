/* rv64si dirty: Sv39 accessed/dirty bits. A load through a PTE with A clear
 * either sets A in hardware or raises a load page fault (stval = address);
 * a store with D clear either sets D (and A) or raises a store page fault;
 * after the fault handler sets the bits the access succeeds. Loads never set
 * D, AMOs count as stores, and stores to read-only pages always fault
 * without changing the PTE. */
#include "env.h"
#include "test_macros.h"
#include "vm.h"

/* Run `insn` on address a0. A page fault of cause c is accepted once: the
 * PTE at index i then gets `bits` set and the access is repeated. */
#define AD_ACCESS(n, i, c, bits, insn...) \
  TRAP_ARM(.Lfix_##n); insn; TRAP_DISARM; j .Lchk_##n; \
.Lfix_##n: \
  TRAP_GET(t5, CTL_CAUSE); EXPECT2(n, cause, t5, c); \
  TRAP_GET(t5, CTL_TVAL); EXPECT_EQ(n, tval, t5, a0); \
  VM_PTE_ADDR(a3, i); ld a4, 0(a3); ori a4, a4, bits; sd a4, 0(a3); sfence.vma; \
  insn; \
.Lchk_##n:

/* reg = A/D bits of PTE i */
#define PTE_AD(reg, i) VM_PTE_ADDR(reg, i); ld reg, 0(reg); andi reg, reg, PTE_A | PTE_D

CODE_BEGIN_S
  VM_INIT
  VM_PTE(0, dpage0, PTE_V | PTE_R | PTE_W)
  VM_PTE(1, dpage1, PTE_V | PTE_R | PTE_A | PTE_D)
  VM_PTE(2, dpage2, PTE_V | PTE_R | PTE_W)
  VM_PTE(3, dpage3, PTE_V | PTE_R | PTE_W | PTE_A)
  VM_PTE(4, dpage4, PTE_V | PTE_R | PTE_W | PTE_A)
  VM_ON

  /* load: A gets set, D does not */
  TEST_ID(2)
  li a0, VM_VA(0)
  AD_ACCESS(2, 0, EXC_LOAD_PAGE_FAULT, PTE_A, ld a2, 8(a0))
  EXPECT2(2, val, a2, 0x0000000022222222)
  PTE_AD(a4, 0)
  EXPECT2(2, ad, a4, PTE_A)

  /* store to a clean page: D gets set */
  TEST_ID(3)
  li a0, VM_VA(0)
  li a2, 0x3333
  AD_ACCESS(3, 0, EXC_STORE_PAGE_FAULT, PTE_D, sd a2, 16(a0))
  PTE_AD(a4, 0)
  EXPECT2(3, ad, a4, PTE_A | PTE_D)
  la a1, dpage0
  ld a2, 16(a1)
  EXPECT2(3, mem, a2, 0x3333)

  /* a store to a page with neither bit: both end up set */
  TEST_ID(4)
  li a0, VM_VA(2)
  li a2, 0x4444
  AD_ACCESS(4, 2, EXC_STORE_PAGE_FAULT, PTE_A | PTE_D, sw a2, 0(a0))
  PTE_AD(a4, 2)
  EXPECT2(4, ad, a4, PTE_A | PTE_D)
  la a1, dpage2
  lw a2, 0(a1)
  EXPECT2(4, mem, a2, 0x4444)

  /* an AMO is a store */
  TEST_ID(5)
  li a0, VM_VA(3)
  li a2, 5
  AD_ACCESS(5, 3, EXC_STORE_PAGE_FAULT, PTE_D, amoadd.d a5, a2, (a0))
  PTE_AD(a4, 3)
  EXPECT2(5, ad, a4, PTE_A | PTE_D)
  la a1, dpage3
  ld a2, 0(a1)
  EXPECT2(5, mem, a2, 5 + 0x55)

  /* loads, lr and fld leave D clear */
  TEST_ID(6)
  li a0, VM_VA(4)
  ld a2, 0(a0)
  lr.d a2, (a0)
  fld fa0, 8(a0)
  PTE_AD(a4, 4)
  EXPECT(6, a4, PTE_A)

  /* store to a read-only page: always a fault, PTE and memory unchanged */
  TEST_ID(7)
  li a0, VM_VA(1)
  li a2, 0x7777
  TRAP_ARM_SKIP
  sd a2, 0(a0)
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(7, cause, t5, EXC_STORE_PAGE_FAULT)
  TRAP_GET(t5, CTL_TVAL)
  EXPECT_EQ(7, tval, t5, a0)
  VM_PTE_ADDR(a3, 1)
  ld a4, 0(a3)
  la a5, dpage1
  srli a5, a5, 12
  slli a5, a5, PTE_PPN_SHIFT
  ori a5, a5, PTE_V | PTE_R | PTE_A | PTE_D
  EXPECT_EQ(7, pte, a4, a5)
  la a1, dpage1
  ld a2, 0(a1)
  EXPECT2(7, mem, a2, 0x1111111111111111)
  /* a failed sc to a read-only page may fault or just fail, never write */
  TEST_ID(8)
  li a0, VM_VA(1)
  li a5, 1
  TRAP_ARM_SKIP
  sc.d a5, a2, (a0)
  TRAP_DISARM
  la a1, dpage1
  ld a2, 0(a1)
  EXPECT2(8, mem, a2, 0x1111111111111111)
  TRAP_GET(t5, CTL_CAUSE)
  li t4, -1
  bne t5, t4, 1f
  EXPECT_NZ(8, fail, a5)
  j 2f
1:EXPECT2(8, cause, t5, EXC_STORE_PAGE_FAULT)
2:
  VM_OFF
CODE_END

  VM_TABLES
  .data
  .balign 4096
dpage0: .dword 0x1111111111111111, 0x22222222, 0
  .balign 4096
dpage1: .dword 0x1111111111111111
  .balign 4096
dpage2: .dword 0
  .balign 4096
dpage3: .dword 0x55
  .balign 4096
dpage4: .dword 1, 2
  .balign 4096
