/* rv64mi instret_overflow: minstret and mcycle wrap around from all ones to
 * zero. The value read right after a write is the written value (the spec's
 * suppressed increment) or, as qemu-system-riscv64 does, one more. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_M
  TEST_ID(2)
  csrwi minstret, 0
  csrr a0, minstret
  li a1, 2
  bltu a0, a1, 1f
  j fail
1:
  TEST_ID(3)
  li a0, -2
  csrw minstret, a0
  nop
  nop
  nop
  csrr a1, minstret
  /* the three nops wrap it to 1 (2 without the suppressed increment) */
  addi a1, a1, -1
  li a2, 2
  bltu a1, a2, 1f
  j fail
1:
  TEST_ID(4)
  li a0, -1
  csrw mcycle, a0
  nop
  csrr a1, mcycle
  /* small again after wrapping, far below the written value */
  li a2, 0x100000
  bltu a1, a2, 1f
  j fail
1:
CODE_END
