/* rv64mi interrupt: a supervisor software interrupt raised by M mode
 * through mip.SSIP: masked by mstatus.MIE in M mode, always enabled for M
 * when running in S or U mode, never taken in M once delegated, taken in S
 * when delegated (subject to sstatus.SIE in S mode), mcause/scause with the
 * interrupt bit, xepc at the next instruction, and vectored mtvec when the
 * hart supports it. */
#include "env.h"
#include "test_macros.h"

#define SSI_CAUSE 0x8000000000000001
#define SSIP (1 << IRQ_SSI)

/* wait a little for an interrupt that should (or should not) arrive */
#define SETTLE nop; nop; nop; nop

CODE_BEGIN_M
  SET_M_HOOK(m_irq)
  SET_S_HOOK(s_irq)
  la t0, env_ctl
  sd zero, CTL_COUNT(t0)
  li a0, SSIP
  csrs mie, a0

  /* pending and enabled in mie, but MIE = 0 in M: not taken */
  TEST_ID(2)
  TRAP_ARM_SKIP
  csrs mip, a0
  SETTLE
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT(2, t5, -1)

  /* MIE = 1: taken right away, mepc at the next instruction */
  TEST_ID(3)
  TRAP_ARM_SKIP
  csrsi mstatus, ST_MIE
.Lnext3:
  SETTLE
  csrci mstatus, ST_MIE
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(3, cause, t5, SSI_CAUSE)
  TRAP_GET(t5, CTL_EPC)
  la a1, .Lnext3
  EXPECT_EQ(3, epc, t5, a1)
  TRAP_GET(t5, CTL_STATUS)
  srli t5, t5, 7
  andi t5, t5, 1
  EXPECT2(3, mpie, t5, 1)
  csrr a1, mip
  andi a1, a1, SSIP
  EXPECT2(3, cleared, a1, 0)

  /* M mode with MIE = 0: an M-level interrupt pending while in U is taken */
  TEST_ID(4)
  M_DROP_TO(PRV_U)
  TRAP_ARM_SKIP
  la t0, ssip_request
  li t1, 1
  sd t1, 0(t0)
  ecall                      /* the hook sets SSIP and returns to U */
.Lnext4:
  SETTLE
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(4, cause, t5, SSI_CAUSE)
  TRAP_GET(t5, CTL_STATUS)
  srli t5, t5, 11
  andi t5, t5, 3
  EXPECT2(4, mpp, t5, PRV_U)
  TRAP_GET(t5, CTL_EPC)
  la a1, .Lnext4
  EXPECT_EQ(4, epc, t5, a1)
  ECALL_UP

  /* delegated to S: never taken in M, even with MIE = 1 */
  TEST_ID(5)
  li a0, SSIP
  csrs mideleg, a0
  csrr a1, mideleg
  and a1, a1, a0
  EXPECT2(5, deleg, a1, SSIP)
  TRAP_ARM_SKIP
  csrs mip, a0
  csrsi mstatus, ST_MIE
  SETTLE
  csrci mstatus, ST_MIE
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(5, none, t5, -1)
  /* sip/sie show the delegated bit */
  csrr a1, sip
  andi a1, a1, SSIP
  EXPECT2(5, sip, a1, SSIP)
  csrr a1, sie
  andi a1, a1, SSIP
  EXPECT2(5, sie, a1, SSIP)

  /* in S mode with SIE = 0: not taken */
  TEST_ID(6)
  M_DROP_TO(PRV_S)
  csrci sstatus, ST_SIE
  TRAP_ARM_SKIP
  SETTLE
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT(6, t5, -1)
  /* SIE = 1: taken in S */
  TEST_ID(7)
  TRAP_ARM_SKIP
  csrsi sstatus, ST_SIE
.Lnext7:
  SETTLE
  csrci sstatus, ST_SIE
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(7, cause, t5, SSI_CAUSE)
  TRAP_GET(t5, CTL_LEVEL)
  EXPECT2(7, level, t5, PRV_S)
  TRAP_GET(t5, CTL_EPC)
  la a1, .Lnext7
  EXPECT_EQ(7, epc, t5, a1)
  /* S can raise its own software interrupt through sip; in U it is taken
   * whatever SIE says */
  TEST_ID(8)
  li a0, SSIP
  csrs sip, a0
  TRAP_ARM_SKIP
  S_DROP_TO_U
.Lnext8:
  SETTLE
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(8, cause, t5, SSI_CAUSE)
  TRAP_GET(t5, CTL_LEVEL)
  EXPECT2(8, level, t5, PRV_S)
  TRAP_GET(t5, CTL_EPC)
  la a1, .Lnext8
  EXPECT_EQ(8, epc, t5, a1)
  ECALL_UP                   /* U ecall is not delegated: back to M */
  csrw mideleg, zero

  /* vectored mtvec: interrupts go to BASE + 4 * cause */
  TEST_ID(9)
  la a0, vtable
  ori a0, a0, 1
  csrw mtvec, a0
  csrr a1, mtvec
  bne a0, a1, .Lno_vectored      /* only direct mode is supported */
  la t0, vec_hits
  sd zero, 0(t0)
  li a0, SSIP
  TRAP_ARM_SKIP
  csrs mip, a0
  csrsi mstatus, ST_MIE
  SETTLE
  csrci mstatus, ST_MIE
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(9, cause, t5, SSI_CAUSE)
  la t0, vec_hits
  ld a1, 0(t0)
  EXPECT2(9, vec, a1, 1)
  /* exceptions still go to BASE */
  TEST_TRAP(10, EXC_ILLEGAL, csrw mhartid, zero)
.Lno_vectored:
  la a0, env_mtrap
  csrw mtvec, a0
  CLEAR_M_HOOK
  CLEAR_S_HOOK
  csrw mie, zero
  j .Ldone

  /* M-level hook: interrupts are recorded and SSIP cleared; an ecall while
   * ssip_request is set raises SSIP and returns after the ecall; everything
   * else goes to the environment's catcher */
  .align 2
m_irq:
  csrr t5, mcause
  bltz t5, 1f
  la t5, ssip_request
  ld t5, 0(t5)
  beqz t5, env_m_catch
  la t5, ssip_request
  sd zero, 0(t5)
  li t5, SSIP
  csrs mip, t5
  csrr t5, mepc
  addi t5, t5, 4
  csrw mepc, t5
  mret
1:la t6, env_ctl
  ld t5, CTL_ARMED(t6)
  beqz t5, env_m_catch          /* unexpected: reported by the catcher path */
  sd zero, CTL_ARMED(t6)
  csrr t5, mcause
  sd t5, CTL_CAUSE(t6)
  csrr t5, mepc
  sd t5, CTL_EPC(t6)
  csrr t5, mstatus
  sd t5, CTL_STATUS(t6)
  li t5, 3
  sd t5, CTL_LEVEL(t6)
  li t5, SSIP
  csrc mip, t5
  mret

  .align 2
s_irq:
  csrr t5, scause
  bgez t5, env_s_catch
  ld t5, CTL_ARMED(t6)
  beqz t5, env_s_catch
  sd zero, CTL_ARMED(t6)
  csrr t5, scause
  sd t5, CTL_CAUSE(t6)
  csrr t5, sepc
  sd t5, CTL_EPC(t6)
  csrr t5, sstatus
  sd t5, CTL_STATUS(t6)
  li t5, 1
  sd t5, CTL_LEVEL(t6)
  li t5, SSIP
  csrc sip, t5
  sret

  .align 8
vtable:
  j env_mtrap                    /* exceptions */
  j vec_ssi                      /* cause 1 */
  .rept 14
  j fail
  .endr
vec_ssi:
  la t5, vec_hits
  li t6, 1
  sd t6, 0(t5)
  j env_mtrap
.Ldone:
CODE_END

  .data
  .align 3
ssip_request: .dword 0
vec_hits: .dword 0
