/* rv64si sret: sret in S mode restores SIE from SPIE, sets SPIE, clears SPP
 * and enters the SPP mode at sepc; sret from U and mret from S are illegal. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_S
  /* SPP = S, SPIE = 1, SIE = 0 -> SIE = 1, SPIE = 1, SPP = U, still in S */
  TEST_ID(2)
  li t0, ST_SPP | ST_SPIE
  csrs sstatus, t0
  csrci sstatus, ST_SIE
  la t0, 1f
  csrw sepc, t0
  sret
1:csrr a0, sstatus
  csrci sstatus, ST_SIE
  andi a0, a0, ST_SIE | ST_SPIE | ST_SPP
  EXPECT(2, a0, ST_SIE | ST_SPIE)
  TEST_NO_TRAP(3, csrr a0, sscratch)
  /* SPIE = 0 -> SIE = 0 */
  TEST_ID(4)
  li t0, ST_SPP
  csrs sstatus, t0
  li t0, ST_SPIE
  csrc sstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret
1:csrr a0, sstatus
  andi a0, a0, ST_SIE | ST_SPIE | ST_SPP
  EXPECT(4, a0, ST_SPIE)
  /* SPP = U: lands in U at sepc */
  TEST_ID(5)
  li t0, ST_SPP
  csrc sstatus, t0
  la t0, .Lu5
  csrw sepc, t0
  sret
  j fail
.Lu5:
  TEST_TRAP(5, EXC_ILLEGAL, csrr a0, sstatus)
  TEST_TRAP(6, EXC_ILLEGAL, sret)
  TEST_TRAP(7, EXC_ILLEGAL, mret)
  ECALL_UP
  TEST_TRAP(8, EXC_ILLEGAL, mret)
CODE_END
