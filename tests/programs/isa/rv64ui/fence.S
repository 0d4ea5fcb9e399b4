/* rv64ui fence: fence variants (all predecessor/successor sets, fence.tso,
 * pause) and HINT encodings (integer ops writing x0) execute without a trap
 * and without side effects; memory ordering around them is program order. */
#include "env.h"
#include "test_macros.h"

/* pause (Zihintpause): fence with pred = W, succ = 0 */
#define PAUSE .insn i 0x0f, 0, zero, zero, 0x010

CODE_BEGIN_U
  TEST_NO_TRAP(2, fence; fence rw, rw; fence iorw, iorw; fence r, r; fence w, w; fence i, o; fence.tso)
  TEST_NO_TRAP(3, PAUSE)
  /* HINTs: writes to x0 */
  TEST_NO_TRAP(4, addi zero, zero, 5; slli zero, zero, 3; lui zero, 0x12345; auipc zero, 1; \
    add zero, a0, a1; slti zero, a0, 1; c.nop 7)
  TEST_CASE(5, zero, 0, addi zero, zero, 1; xori zero, zero, -1)
  /* stores before a fence are seen by loads after it */
  TEST_ID(6)
  la a1, tdat
  li a0, 0x1234
  sd a0, 0(a1)
  fence w, r
  ld a2, 0(a1)
  EXPECT2(6, a, a2, 0x1234)
  li a0, 0x5678
  sw a0, 8(a1)
  fence.tso
  lw a2, 8(a1)
  EXPECT2(6, b, a2, 0x5678)
  /* registers are untouched by fences and hints */
  TEST_ID(7)
  li a0, 77
  li a1, 88
  fence
  PAUSE
  addi zero, a0, 1
  add a2, a0, a1
  EXPECT(7, a2, 165)
CODE_END

  .data
  .align 3
tdat: .dword 0, 0
