/* rv64si wfi: in S mode (TW = 0) wfi returns once an interrupt is pending
 * and enabled in sie, even with sstatus.SIE clear; the interrupt is then
 * taken as soon as SIE is set, with sepc at the next instruction. In U mode
 * wfi is an illegal instruction (S mode exists). */
#include "env.h"
#include "test_macros.h"

#define SSIP (1 << IRQ_SSI)

CODE_BEGIN_S
  ECALL_UP
  li a0, SSIP
  csrs mideleg, a0
  M_DROP_TO(PRV_S)
  SET_S_HOOK(s_irq)

  csrci sstatus, ST_SIE
  li a0, SSIP
  csrs sie, a0
  csrs sip, a0
  TEST_NO_TRAP(2, wfi)
  /* still pending; enabling SIE takes it */
  TEST_ID(3)
  TRAP_ARM_SKIP
  csrsi sstatus, ST_SIE
.Lnext3:
  nop
  csrci sstatus, ST_SIE
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(3, cause, t5, 0x8000000000000001)
  TRAP_GET(t5, CTL_EPC)
  la a1, .Lnext3
  EXPECT_EQ(3, epc, t5, a1)
  /* trap entry put SIE into SPIE; sret restored it */
  TRAP_GET(t5, CTL_STATUS)
  andi t5, t5, ST_SPIE | ST_SIE
  EXPECT2(3, stack, t5, ST_SPIE)

  /* U mode */
  csrw sie, zero
  S_DROP_TO_U
  TEST_TRAP(4, EXC_ILLEGAL, wfi)
  ECALL_UP
  CLEAR_S_HOOK
  j .Ldone

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
  li t5, SSIP
  csrc sip, t5
  sret
.Ldone:
CODE_END
