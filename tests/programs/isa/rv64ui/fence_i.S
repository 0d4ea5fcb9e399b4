/* rv64ui fence_i: instruction fetch sees stores made before fence.i, both
 * for code that has already run (and may be cached) and for code copied to
 * the data area. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_U
  .option push
  .option norvc

  /* run the patch site a few times first */
  TEST_ID(2)
  li a2, 0
  li a3, 4
1:jal ra, patch_site
  addi a3, a3, -1
  bnez a3, 1b
  EXPECT(2, a2, 4)

  /* replace "addi a2, a2, 1" by "addi a2, a2, 100" */
  TEST_ID(3)
  la a0, patch_site
  la a1, insn_add100
  lw a1, 0(a1)
  sw a1, 0(a0)
  fence.i
  li a2, 0
  jal ra, patch_site
  jal ra, patch_site
  EXPECT(3, a2, 200)

  /* patch a 16-bit slot with a compressed instruction (c.addi a2, 7) */
  TEST_ID(4)
  la a0, patch_c
  la a1, insn_caddi7
  lhu a1, 0(a1)
  sh a1, 0(a0)
  fence.i
  li a2, 1
  jal ra, patch_c
  EXPECT(4, a2, 8)

  /* copy a routine into data memory and run it */
  TEST_ID(5)
  la a0, code_buf
  la a1, routine
  la a4, routine_end
2:lw a3, 0(a1)
  sw a3, 0(a0)
  addi a0, a0, 4
  addi a1, a1, 4
  bltu a1, a4, 2b
  fence.i
  li a2, 3
  la a0, code_buf
  jalr ra, a0
  EXPECT(5, a2, 0x300)

  /* rewrite the copied routine and run it again */
  TEST_ID(6)
  la a0, code_buf
  la a1, insn_add100
  lw a1, 0(a1)
  sw a1, 0(a0)
  fence.i
  li a2, 3
  la a0, code_buf
  jalr ra, a0
  EXPECT(6, a2, 103)
  j done

patch_site:
  addi a2, a2, 1
  ret

patch_c:
  .option push
  .option rvc
  c.nop
  c.nop
  .option pop
  ret

routine:
  slli a2, a2, 8
  ret
routine_end:

insn_add100:
  addi a2, a2, 100
insn_caddi7:
  .option push
  .option rvc
  c.addi a2, 7
  .option pop
  .align 2
done:
  .option pop
CODE_END

  .data
  .align 3
code_buf: .zero 64
