/* Sv39 helpers for the rv64si tests, which build their own page tables
 * while running in S mode of the p environment (memory is reachable
 * physically until satp is written).
 *
 * Layout once VM_INIT has run:
 *   root[2]  identity gigapage VA 0x8000_0000 -> PA 0x8000_0000, supervisor
 *            RWX with A and D set: code, data, env_ctl and tohost stay usable.
 *   root[1] -> vm_l1, vm_l1[0] -> vm_l0: VA 0x4000_0000 + i * 4 KiB is
 *            described by vm_l0[i] (VM_PTE sets it).
 *   vm_l1[1] is free for a 2 MiB superpage at VA 0x4020_0000.
 */
#ifndef SV_VM_H
#define SV_VM_H

#define VM_BASE 0x40000000
#define VM_VA(i) (VM_BASE + (i) * 4096)
#define VM_MEGA_VA 0x40200000

#define PTE_LEAF_RWX (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

/* page tables (put once in the data section) */
#define VM_TABLES \
  .pushsection .data; .balign 4096; \
  vm_root: .zero 4096; vm_l1: .zero 4096; vm_l0: .zero 4096; \
  .popsection

/* build the fixed part of the tables; clobbers t0-t3 */
#define VM_INIT \
  la t0, vm_root; li t1, 3 * 4096; 1: sd zero, 0(t0); addi t0, t0, 8; addi t1, t1, -8; bnez t1, 1b; \
  la t0, vm_root; li t1, ((RAM_BASE >> 12) << PTE_PPN_SHIFT) | PTE_LEAF_RWX; sd t1, 16(t0); \
  la t1, vm_l1; srli t1, t1, 12; slli t1, t1, PTE_PPN_SHIFT; ori t1, t1, PTE_V; sd t1, 8(t0); \
  la t0, vm_l1; la t1, vm_l0; srli t1, t1, 12; slli t1, t1, PTE_PPN_SHIFT; ori t1, t1, PTE_V; sd t1, 0(t0)

/* vm_l0[i] = PTE for the physical page at symbol `page` with `flags`;
 * clobbers t0-t2 */
#define VM_PTE(i, page, flags) \
  la t0, page; srli t0, t0, 12; slli t0, t0, PTE_PPN_SHIFT; li t1, flags; or t0, t0, t1; \
  la t1, vm_l0; li t2, (i) * 8; add t1, t1, t2; sd t0, 0(t1); sfence.vma
/* reg = address of vm_l0[i] */
#define VM_PTE_ADDR(reg, i) la reg, vm_l0; li t2, (i) * 8; add reg, reg, t2

#define VM_ON \
  la t0, vm_root; srli t0, t0, 12; li t1, SATP_MODE_SV39; or t0, t0, t1; csrw satp, t0; sfence.vma
#define VM_OFF csrw satp, zero; sfence.vma

#endif
