/* rv64mi zicntr: cycle/instret (and their M aliases) count up, instret
 * counts exactly the retired instructions, writes to mcycle/minstret take
 * effect, mcountinhibit freezes them (where its bits stick), the unused hpm
 * counters read zero, and
 * time is monotonic where it can be read (an M-mode read of time may trap to
 * be emulated, as on platforms without a readable timer). */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_M
  .option push
  .option norvc
  /* instret: between two reads 10 instructions apart the count grows by 10
   * (the first read retires, the second reads before it retires) */
  TEST_ID(2)
  csrr a0, instret
  nop
  nop
  nop
  nop
  nop
  nop
  nop
  nop
  nop
  csrr a1, instret
  sub a2, a1, a0
  EXPECT(2, a2, 10)
  TEST_CASE(3, a2, 1, csrr a0, minstret; csrr a1, minstret; sub a2, a1, a0)
  /* taken branches and loops count once per instruction */
  TEST_ID(4)
  li a3, 10
  csrr a0, instret
1:addi a3, a3, -1
  bnez a3, 1b
  csrr a1, instret
  sub a2, a1, a0
  EXPECT(4, a2, 21)
  .option pop

  /* cycle increases */
  TEST_ID(5)
  rdcycle a0
  li a3, 100
1:addi a3, a3, -1
  bnez a3, 1b
  rdcycle a1
  bgtu a1, a0, 2f
  j fail
2:
  /* a written value is what the counters continue from */
  TEST_ID(6)
  li a0, 0x0000010000000000
  csrw mcycle, a0
  csrr a1, mcycle
  sub a2, a1, a0
  li a3, 0x10000
  bltu a2, a3, 1f
  j fail
1:csrr a1, cycle
  bgeu a1, a0, 2f
  j fail
2:TEST_ID(7)
  li a0, 0x0000020000000000
  csrw minstret, a0
  csrr a1, minstret
  sub a2, a1, a0
  li a3, 2
  bltu a2, a3, 1f
  j fail
1:
  /* mcountinhibit freezes cycle and instret; its bits are WARL, so only the
   * bits that read back as set are checked */
  TEST_ID(8)
  csrwi mcountinhibit, 5
  csrr a6, mcountinhibit
  csrr a0, mcycle
  csrr a1, minstret
  li a3, 20
1:addi a3, a3, -1
  bnez a3, 1b
  csrr a4, mcycle
  csrr a5, minstret
  andi a7, a6, 1
  beqz a7, 2f
  EXPECT_EQ(8, cy, a0, a4)
2:andi a7, a6, 4
  beqz a7, 3f
  EXPECT_EQ(8, ir, a1, a5)
3:
  csrwi mcountinhibit, 0
  TEST_ID(10)
  csrr a0, minstret
  nop
  csrr a1, minstret
  sub a2, a1, a0
  EXPECT(10, a2, 2)

  /* unused hardware performance counters and events read zero */
  TEST_CASE(11, a0, 0, csrr a0, mhpmcounter3)
  TEST_CASE(12, a0, 0, csrr a0, mhpmcounter17)
  TEST_CASE(13, a0, 0, csrr a0, mhpmevent3)
  TEST_CASE(14, a0, 0, csrr a0, hpmcounter4)

  /* time: monotonic when readable, otherwise an illegal-instruction trap */
  TEST_ID(15)
  li a0, 0
  TRAP_ARM_SKIP
  rdtime a0
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  li t4, -1
  beq t5, t4, 1f
  EXPECT2(15, cause, t5, EXC_ILLEGAL)
  j 2f
1:rdtime a1
  bgeu a1, a0, 2f
  j fail
2:
CODE_END
