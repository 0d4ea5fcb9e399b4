/* SharpVirt "v" environment: the test body runs in U mode under Sv39.
 *
 * Layout (built by M-mode boot code before dropping to U mode):
 *   VA 0x0000_0000 .. 0x001f_ffff -> PA 0x8000_0000 .. 0x801f_ffff
 *       4 KiB user pages (U|R|W|X) with A and D clear. A hart that updates A/D
 *       in hardware never faults on them; one that raises page faults instead
 *       gets them set by the S-level handler, which then retries.
 *   VA 0x8000_0000 .. 0xbfff_ffff -> the same physical addresses (identity),
 *       one supervisor-only gigapage holding the environment's S-level code.
 * So the test body runs at its link address minus 0x8000_0000 and every
 * address it forms PC-relatively (la) is a virtual one.
 *
 * Exceptions from U mode are delegated to S mode. PASS/FAIL is an ecall with
 * the tohost value in a0, which the S-level handler writes to tohost.
 */
#ifndef SV_ENV_H
#define SV_ENV_H

#include "env_common.h"

#define ENV_V 1
#define ENV_USER_OFFSET 0x80000000

#define ENV_V_DELEG ((1 << EXC_INSN_MISALIGNED) | (1 << EXC_INSN_ACCESS) | \
  (1 << EXC_ILLEGAL) | (1 << EXC_BREAKPOINT) | (1 << EXC_LOAD_MISALIGNED) | \
  (1 << EXC_LOAD_ACCESS) | (1 << EXC_STORE_MISALIGNED) | (1 << EXC_STORE_ACCESS) | \
  (1 << EXC_ECALL_U) | (1 << EXC_INSN_PAGE_FAULT) | (1 << EXC_LOAD_PAGE_FAULT) | \
  (1 << EXC_STORE_PAGE_FAULT))

.macro ENV_BEGIN mode
.if \mode != PRV_U
  .error "the v environment runs user-mode test bodies only"
.endif
  ENV_TOHOST
  ENV_CTL_DATA
  .pushsection .data
  .align 3
env_s_save: .zero 64
  .popsection
  .pushsection .env_pt, "aw", @nobits
  .align 12
env_pt_root: .zero 4096
env_pt_l1:   .zero 4096
env_pt_l0:   .zero 4096
  .popsection

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  j env_reset

  /* M level: nothing is expected to arrive here. */
  .align 2
env_mtrap:
  ENV_UNEXPECTED 3

  /* S level: runs at identity-mapped addresses. */
  .align 2
env_strap:
  csrrw t6, sscratch, t6          /* t6 = save area, sscratch = user t6 */
  sd t5, 0(t6)
  sd t4, 8(t6)
  sd t3, 16(t6)
  csrr t5, scause
  li t4, EXC_LOAD_PAGE_FAULT
  beq t5, t4, env_pf
  li t4, EXC_STORE_PAGE_FAULT
  beq t5, t4, env_pf
  li t4, EXC_INSN_PAGE_FAULT
  bne t5, t4, env_not_ad
env_pf:
  /* A page fault on a user page whose only problem is a clear A (or D) bit:
   * set the bit and retry the instruction. */
  csrr t4, stval
  srli t3, t4, 21
  bnez t3, env_not_ad
  srli t4, t4, 12
  slli t4, t4, 3
  la t3, env_pt_l0
  add t4, t4, t3
  ld t3, 0(t4)
  andi t3, t3, PTE_A
  beqz t3, 1f
  li t3, EXC_STORE_PAGE_FAULT
  bne t5, t3, env_not_ad          /* A already set: a genuine fault */
  ld t3, 0(t4)
  andi t3, t3, PTE_D
  bnez t3, env_not_ad             /* D already set too */
1:ld t3, 0(t4)
  ori t3, t3, PTE_A
  li t5, EXC_STORE_PAGE_FAULT
  csrr t6, scause                 /* t6 free: user t6 is in sscratch */
  bne t6, t5, 2f
  ori t3, t3, PTE_D
2:sd t3, 0(t4)
  sfence.vma
  la t6, env_s_save
  ld t5, 0(t6)
  ld t4, 8(t6)
  ld t3, 16(t6)
  csrrw t6, sscratch, t6
  sret
env_not_ad:
  ld t5, 0(t6)
  ld t4, 8(t6)
  ld t3, 16(t6)
  csrrw t6, sscratch, t6          /* restore user t6 and sscratch */
  la t6, env_ctl
  ld t5, CTL_ARMED(t6)
  bnez t5, env_s_catch
  csrr t5, scause
  addi t5, t5, -EXC_ECALL_U
  bnez t5, env_s_unexpected
  j env_write_tohost              /* a0 holds the result */
env_s_catch:
  ENV_CATCHER 1, env_s_unexpected
env_s_unexpected:
  ENV_UNEXPECTED 1

  ENV_HELPERS

env_reset:
  ENV_ZERO_REGS
  la t0, env_mtrap
  csrw mtvec, t0
  ENV_PMP_OPEN
  csrw satp, zero
  csrw mideleg, zero
  csrw mie, zero
  li t0, -1
  csrw mcounteren, t0
  csrw scounteren, t0

  /* zero the three page tables */
  la t0, env_pt_root
  li t1, 3 * 4096
1:sd zero, 0(t0)
  addi t0, t0, 8
  addi t1, t1, -8
  bnez t1, 1b

  la t0, env_pt_root
  la t1, env_pt_l1
  la t2, env_pt_l0
  /* root[0] -> l1 */
  srli t3, t1, 12
  slli t3, t3, PTE_PPN_SHIFT
  ori t3, t3, PTE_V
  sd t3, 0(t0)
  /* root[2]: identity gigapage at 0x8000_0000, supervisor only */
  li t3, ((RAM_BASE >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  sd t3, 16(t0)
  /* l1[0] -> l0 */
  srli t3, t2, 12
  slli t3, t3, PTE_PPN_SHIFT
  ori t3, t3, PTE_V
  sd t3, 0(t1)
  /* l0[i]: VA i*4K -> PA RAM_BASE + i*4K, user RWX, A/D clear */
  li t3, ((RAM_BASE >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U
  li t4, 512
  li t5, 1 << PTE_PPN_SHIFT
1:sd t3, 0(t2)
  add t3, t3, t5
  addi t2, t2, 8
  addi t4, t4, -1
  bnez t4, 1b

  srli t0, t0, 12
  li t1, SATP_MODE_SV39
  or t0, t0, t1
  csrw satp, t0
  sfence.vma

  li t0, ENV_V_DELEG
  csrw medeleg, t0
  la t0, env_strap
  csrw stvec, t0
  la t0, env_s_save
  csrw sscratch, t0

  li t0, ST_MPP | ST_MPRV | ST_MXR | ST_TVM | ST_TW | ST_TSR | ST_MIE | ST_SIE | ST_MPIE | ST_SPIE | ST_SPP
  csrc mstatus, t0
  li t0, ST_FS_INIT | ST_SUM
  csrs mstatus, t0
  csrwi fcsr, 0
  la t0, env_test_body
  li t1, ENV_USER_OFFSET
  sub t0, t0, t1
  csrw mepc, t0
  li t0, 0
  li t1, 0
  li t2, 0
  li t3, 0
  li t4, 0
  li t5, 0
  mret

  .text
  .align 2
env_test_body:
.endm

.macro ENV_END
  j pass
fail:
  fence
  bnez TESTNUM, 1f
  li TESTNUM, 0x3ff
1:slli a0, TESTNUM, 1
  ori a0, a0, 1
  ecall
2:j 2b
pass:
  fence
  li a0, 1
  ecall
3:j 3b
.endm

#define CODE_BEGIN_U ENV_BEGIN PRV_U
#define CODE_END     ENV_END

#endif
