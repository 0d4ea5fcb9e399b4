/* Pieces shared by the p and v environments (assembler macros).
 *
 * Trap-handler contract, for tests:
 *  - An expected trap is announced with TRAP_ARM / TRAP_ARM_SKIP (test_macros.h).
 *    The handler that takes it (M or S level) records cause/tval/epc/status in
 *    env_ctl, disarms, and resumes at the armed address, or after the trapping
 *    instruction when that address is 0.
 *  - Handlers may clobber t5 and t6 on every trap they take for the test.
 *  - Any other trap prints a diagnostic on the HTIF console and fails the run
 *    with the current test number (gp).
 */
#ifndef SV_ENV_COMMON_H
#define SV_ENV_COMMON_H

#include "riscv_defs.h"

#define TESTNUM gp

#define HTIF_CONSOLE_PUTC 0x0101000000000000

/* Console and failure helpers; they live in .text.init so the S-level handler
 * of the v environment can reach them through the identity mapping. */
.macro ENV_HELPERS
/* a0 = character; clobbers t0, t1 */
env_putc:
  la t0, tohost
1:ld t1, 0(t0)
  bnez t1, 1b
  li t1, HTIF_CONSOLE_PUTC
  or t1, t1, a0
  sd t1, 0(t0)
  li t1, 1000000
2:addi t1, t1, -1
  beqz t1, 3f
  ld a0, 0(t0)
  bnez a0, 2b
3:la t0, fromhost
  sd zero, 0(t0)
  ret
/* a1 = NUL-terminated string; clobbers a0, a1, t0, t1, a6 */
env_puts:
  mv a6, ra
1:lbu a0, 0(a1)
  beqz a0, 2f
  jal env_putc
  addi a1, a1, 1
  j 1b
2:mv ra, a6
  ret
/* a2 = value, printed as 16 hex digits; clobbers a0, a3, a4, t0, t1, a7 */
env_puthex:
  mv a7, ra
  li a3, 60
1:srl a0, a2, a3
  andi a0, a0, 15
  li a4, 10
  blt a0, a4, 2f
  addi a0, a0, 'a' - '0' - 10
2:addi a0, a0, '0'
  jal env_putc
  addi a3, a3, -4
  bgez a3, 1b
  mv ra, a7
  ret
/* a2 = cause, s2 = epc, s3 = tval, a1 = banner; never returns */
env_report_trap:
  mv s4, a2
  jal env_puts
  la a1, env_str_cause
  jal env_puts
  mv a2, s4
  jal env_puthex
  la a1, env_str_epc
  jal env_puts
  mv a2, s2
  jal env_puthex
  la a1, env_str_tval
  jal env_puts
  mv a2, s3
  jal env_puthex
  la a1, env_str_test
  jal env_puts
  mv a2, gp
  jal env_puthex
  li a0, '\n'
  jal env_putc
/* fail with test number gp (never 0, which would read as a pass) */
env_fail_tohost:
  bnez gp, 1f
  li gp, 0x3ff
1:slli t5, gp, 1
  ori t5, t5, 1
  la t6, tohost
  sd t5, 0(t6)
2:j 2b
/* a0 = value to write to tohost; never returns */
env_write_tohost:
  la t6, tohost
  sd a0, 0(t6)
1:j 1b

env_str_m:     .asciz "\n*** unexpected trap taken in M mode:"
env_str_s:     .asciz "\n*** unexpected trap taken in S mode:"
env_str_cause: .asciz " cause="
env_str_epc:   .asciz " epc="
env_str_tval:  .asciz " tval="
env_str_test:  .asciz " test="
  .align 2
.endm

/* The expected-trap catcher. On entry t6 = &env_ctl. lvl is 3 (M) or 1 (S).
 * Jumps to \unexpected when no trap is armed. */
.macro ENV_CATCHER lvl, unexpected
  ld t5, CTL_ARMED(t6)
  beqz t5, \unexpected
  sd zero, CTL_ARMED(t6)
.if \lvl == 3
  csrr t5, mcause
  sd t5, CTL_CAUSE(t6)
  csrr t5, mtval
  sd t5, CTL_TVAL(t6)
  csrr t5, mstatus
  sd t5, CTL_STATUS(t6)
  csrr t5, mepc
  sd t5, CTL_EPC(t6)
.else
  csrr t5, scause
  sd t5, CTL_CAUSE(t6)
  csrr t5, stval
  sd t5, CTL_TVAL(t6)
  csrr t5, sstatus
  sd t5, CTL_STATUS(t6)
  csrr t5, sepc
  sd t5, CTL_EPC(t6)
.endif
  li t5, \lvl
  sd t5, CTL_LEVEL(t6)
  ld t5, CTL_STAY(t6)
  beqz t5, 1f
  sd zero, CTL_STAY(t6)
.if \lvl == 3
  li t5, ST_MPP
  csrs mstatus, t5
.else
  li t5, ST_SPP
  csrs sstatus, t5
.endif
1:
  ld t5, CTL_COUNT(t6)
  addi t5, t5, 1
  sd t5, CTL_COUNT(t6)
  ld t5, CTL_RESUME(t6)
  bnez t5, 2f
  /* resume after the trapping instruction: its length comes from its low bits */
  ld t5, CTL_EPC(t6)
  lhu t6, 0(t5)
  addi t5, t5, 2
  andi t6, t6, 3
  xori t6, t6, 3
  bnez t6, 2f
  addi t5, t5, 2
2:
.if \lvl == 3
  csrw mepc, t5
  mret
.else
  csrw sepc, t5
  sret
.endif
.endm

/* Unexpected trap at level lvl: print what happened and fail. */
.macro ENV_UNEXPECTED lvl
.if \lvl == 3
  csrr a2, mcause
  csrr s2, mepc
  csrr s3, mtval
  la a1, env_str_m
.else
  csrr a2, scause
  csrr s2, sepc
  csrr s3, stval
  la a1, env_str_s
.endif
  j env_report_trap
.endm

.macro ENV_TOHOST
  .pushsection .tohost, "aw", @progbits
  .align 6
  .globl tohost
  .type tohost, @object
  .size tohost, 8
tohost: .dword 0
  .align 6
  .globl fromhost
  .type fromhost, @object
  .size fromhost, 8
fromhost: .dword 0
  .popsection
.endm

.macro ENV_CTL_DATA
  .pushsection .data
  .align 6
  .globl env_ctl
env_ctl: .zero CTL_SIZE
  .popsection
.endm

/* Set every integer register except x0 to zero. */
.macro ENV_ZERO_REGS
  .irp r, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  li x\r, 0
  .endr
.endm

/* Give S and U modes access to all of physical memory through PMP entry 0. */
.macro ENV_PMP_OPEN
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f          /* NAPOT, R, W, X */
  csrw pmpcfg0, t0
.endm

#endif
