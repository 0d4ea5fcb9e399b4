/* SharpVirt "p" environment: physical addressing (satp = 0).
 *
 * The test body runs in the mode named by its CODE_BEGIN_x macro: U (user
 * tests), S or M. PMP entry 0 opens all memory to S and U. PASS and FAIL
 * write tohost directly, which works from any mode because nothing is
 * translated. For S-mode tests the usual exceptions are delegated to the
 * S-level handler; tests may install their own handlers with SET_M_HOOK /
 * SET_S_HOOK, or announce expected traps with TRAP_ARM (see test_macros.h).
 */
#ifndef SV_ENV_H
#define SV_ENV_H

#include "env_common.h"

#define ENV_P 1

/* exceptions handed to the S-level handler when the test runs in S mode */
#define ENV_S_DELEG ((1 << EXC_INSN_MISALIGNED) | (1 << EXC_INSN_ACCESS) | \
  (1 << EXC_ILLEGAL) | (1 << EXC_BREAKPOINT) | (1 << EXC_LOAD_MISALIGNED) | \
  (1 << EXC_LOAD_ACCESS) | (1 << EXC_STORE_MISALIGNED) | (1 << EXC_STORE_ACCESS) | \
  (1 << EXC_ECALL_U) | (1 << EXC_INSN_PAGE_FAULT) | (1 << EXC_LOAD_PAGE_FAULT) | \
  (1 << EXC_STORE_PAGE_FAULT))

.macro ENV_BEGIN mode
  ENV_TOHOST
  ENV_CTL_DATA
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  j env_reset

  .align 2
env_mtrap:
  la t6, env_ctl
  ld t5, CTL_HOOK_M(t6)
  beqz t5, 1f
  jr t5
1:
  .globl env_m_catch
env_m_catch:            /* hooks may jump here (t6 = &env_ctl) to use the catcher */
  ENV_CATCHER 3, env_m_unexpected
env_m_unexpected:
  ENV_UNEXPECTED 3

  .align 2
env_strap:
  la t6, env_ctl
  ld t5, CTL_HOOK_S(t6)
  beqz t5, 1f
  jr t5
1:
  .globl env_s_catch
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
  csrw medeleg, zero
  csrw mideleg, zero
  csrw mie, zero
  li t0, -1
  csrw mcounteren, t0
  csrw scounteren, t0
  la t0, env_strap
  csrw stvec, t0
.if \mode == PRV_S
  li t0, ENV_S_DELEG
  csrw medeleg, t0
.endif
  li t0, ST_MPP | ST_MPRV | ST_SUM | ST_MXR | ST_TVM | ST_TW | ST_TSR | ST_MIE | ST_SIE | ST_MPIE | ST_SPIE | ST_SPP
  csrc mstatus, t0
  li t0, ST_FS_INIT | (\mode << 11)
  csrs mstatus, t0
  csrwi fcsr, 0
  la t0, env_test_body
  csrw mepc, t0
  li t0, 0
  mret

  .text
  .align 2
env_test_body:
.endm

/* Must be used once, after the last test case. */
.macro ENV_END
  j pass
fail:
  fence
  bnez TESTNUM, 1f
  li TESTNUM, 0x3ff
1:slli t5, TESTNUM, 1
  ori t5, t5, 1
  la t6, tohost
  sd t5, 0(t6)
2:j 2b
pass:
  fence
  li t5, 1
  la t6, tohost
  sd t5, 0(t6)
3:j 3b
.endm

#define CODE_BEGIN_U ENV_BEGIN PRV_U
#define CODE_BEGIN_S ENV_BEGIN PRV_S
#define CODE_BEGIN_M ENV_BEGIN PRV_M
#define CODE_END     ENV_END

#endif
