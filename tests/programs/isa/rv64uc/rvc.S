/* rv64uc rvc: every RV64C instruction (explicit c.* mnemonics), with the
 * immediate ranges, sign extension and 16-bit alignment cases that the
 * compressed encodings introduce. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_U
  .option push
  .option rvc
  la s0, dat            /* x8: base for the CL/CS formats */
  la s1, stk            /* x9 */

  /* c.addi4spn: rd' = sp + nzuimm (scaled by 4, up to 1020) */
  TEST_CASE(2, a0, 1020, la sp, stk; c.addi4spn a0, sp, 1020; sub a0, a0, sp)
  TEST_CASE(3, a1, 4, la sp, stk; c.addi4spn a1, sp, 4; sub a1, a1, sp)

  /* c.lw sign-extends, c.sw; offsets up to 124 */
  TEST_CASE(4, a0, 0xfffffffffedcba98, c.lw a0, 4(s0))
  TEST_CASE(5, a0, 0x0000000012345678, c.lw a0, 0(s0))
  TEST_CASE(6, a2, 0xffffffff89abcdef, li a1, 0x89abcdef; c.sw a1, 124(s0); c.lw a2, 124(s0))
  /* c.ld, c.sd; offsets up to 248 */
  TEST_CASE(7, a0, 0xfedcba9812345678, c.ld a0, 0(s0))
  TEST_CASE(8, a2, 0x8000000000000001, li a1, 0x8000000000000001; c.sd a1, 248(s0); c.ld a2, 248(s0))
  /* c.fld, c.fsd */
  TEST_CASE(9, a2, 0x400921fb54442d18, li a1, 0x400921fb54442d18; fmv.d.x fa1, a1; \
    c.fsd fa1, 240(s0); c.fld fa2, 240(s0); fmv.x.d a2, fa2)
  TEST_CASE(10, a2, 0xfedcba9812345678, c.fld fa3, 0(s0); fmv.x.d a2, fa3)

  /* c.nop, c.addi */
  TEST_CASE(11, a0, 7, li a0, 7; c.nop; c.nop)
  TEST_CASE(12, a0, -11, li a0, 5; c.addi a0, -16)
  TEST_CASE(13, a0, 36, li a0, 5; c.addi a0, 31)
  TEST_CASE(14, a0, 0, li a0, 32; c.addi a0, -32)
  TEST_CASE(15, t1, 0x10000000f, li t1, 0x100000000; c.addi t1, 15)

  /* c.addiw: 32-bit add, sign-extended; imm 0 is sext.w */
  TEST_CASE(16, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
  TEST_CASE(17, a0, 0x0000000023456789, li a0, 0x123456789; c.addiw a0, 0)
  TEST_CASE(18, a0, 0x000000007fffffff, li a0, 0x80000000; c.addiw a0, -1)
  TEST_CASE(19, t2, 0xffffffffffffffe0, li t2, 0; c.addiw t2, -32)

  /* c.li */
  TEST_CASE(20, a0, -32, c.li a0, -32)
  TEST_CASE(21, a0, 31, c.li a0, 31)
  TEST_CASE(22, s2, 0, li s2, 99; c.li s2, 0)

  /* c.addi16sp: sp += nzimm (multiple of 16, -512..496) */
  TEST_CASE(23, a0, -512, la a1, stk_top; mv sp, a1; c.addi16sp sp, -512; sub a0, sp, a1)
  TEST_CASE(24, a0, 496, la a1, stk; mv sp, a1; c.addi16sp sp, 496; sub a0, sp, a1)
  TEST_CASE(25, a0, 16, la a1, stk; mv sp, a1; c.addi16sp sp, 16; sub a0, sp, a1)

  /* c.lui: nzimm[17:12], sign-extended from bit 17 */
  TEST_CASE(26, a0, 0x1000, c.lui a0, 1)
  TEST_CASE(27, a0, 0x1f000, c.lui a0, 0x1f)
  TEST_CASE(28, a0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)
  TEST_CASE(29, a0, 0xfffffffffffff000, c.lui a0, 0xfffff)
  TEST_CASE(30, t3, 0xfffffffffffe0007, c.lui t3, 0xfffe0; c.addi t3, 7)

  /* c.srli, c.srai, c.andi (shift amounts up to 63) */
  TEST_CASE(31, a0, 1, li a0, 0x8000000000000000; c.srli a0, 63)
  TEST_CASE(32, a0, 0xffffffff, li a0, 0xffffffff00000000; c.srli a0, 32)
  TEST_CASE(33, a0, 0x4000000000000000, li a0, 0x8000000000000000; c.srli a0, 1)
  TEST_CASE(34, a0, -1, li a0, 0x8000000000000000; c.srai a0, 63)
  TEST_CASE(35, a0, 0xc000000000000000, li a0, 0x8000000000000000; c.srai a0, 1)
  TEST_CASE(36, a0, 0xffffffff80000000, li a0, 0x8000000000000000; c.srai a0, 32)
  TEST_CASE(37, a0, 0xffffffffffffffe0, li a0, -1; c.andi a0, -32)
  TEST_CASE(38, a0, 0xa, li a0, 0x12345678a; c.andi a0, 15)
  TEST_CASE(39, a0, 0, li a0, 0x10; c.andi a0, 0)

  /* register-register arithmetic */
  TEST_CASE(40, a0, 0xfffffffffffffffe, li a0, 1; li a1, 3; c.sub a0, a1)
  TEST_CASE(41, a0, 0xff00ff00ff00ff00, li a0, 0x0ff00ff00ff00ff0; li a1, 0xf0f0f0f0f0f0f0f0; c.xor a0, a1)
  TEST_CASE(42, a0, 0xfff0fff0fff0fff0, li a0, 0x0ff00ff00ff00ff0; li a1, 0xf0f0f0f0f0f0f0f0; c.or a0, a1)
  TEST_CASE(43, a0, 0x00f000f000f000f0, li a0, 0x0ff00ff00ff00ff0; li a1, 0xf0f0f0f0f0f0f0f0; c.and a0, a1)
  TEST_CASE(44, a0, 0xffffffff80000000, li a0, 0x7fffffff; li a1, -1; c.subw a0, a1)
  TEST_CASE(45, a0, 0xffffffff80000000, li a0, 0x7fffffff; li a1, 1; c.addw a0, a1)
  TEST_CASE(46, a0, 0x0000000000000002, li a0, 0x100000001; li a1, 0x200000001; c.addw a0, a1)
  TEST_CASE(47, a0, 0xffffffffffffffff, li a0, 0x100000000; li a1, 0x1; c.subw a0, a1)

  /* c.slli: up to 63 */
  TEST_CASE(48, a0, 0x8000000000000000, li a0, 1; c.slli a0, 63)
  TEST_CASE(49, a0, 0x1234567800000000, li a0, 0x12345678; c.slli a0, 32)
  TEST_CASE(50, s3, 0x2, li s3, 1; c.slli s3, 1)

  /* stack-pointer based loads and stores, maximum offsets */
  TEST_CASE(51, a0, 0xffffffff89abcdef, la sp, stk; li a1, 0x89abcdef; c.swsp a1, 252(sp); c.lwsp a0, 252(sp))
  TEST_CASE(52, a0, 0x0123456789abcdef, la sp, stk; li a1, 0x0123456789abcdef; c.sdsp a1, 504(sp); c.ldsp a0, 504(sp))
  TEST_CASE(53, a0, 0x3ff0000000000000, la sp, stk; li a1, 0x3ff0000000000000; fmv.d.x fa1, a1; \
    c.fsdsp fa1, 8(sp); c.fldsp fa4, 8(sp); fmv.x.d a0, fa4)
  TEST_CASE(54, t0, 0x12345678, la sp, stk; li a1, 0x12345678; c.swsp a1, 0(sp); c.lwsp t0, 0(sp))

  /* c.mv, c.add */
  TEST_CASE(55, t5, 0x0123456789abcdef, li a1, 0x0123456789abcdef; c.mv t5, a1)
  TEST_CASE(56, s4, 0x0000000100000000, li s4, 0xffffffff; li a1, 1; c.add s4, a1)

  /* c.j forward and backward */
  TEST_ID(57)
  li a0, 0
  c.j 2f
1:addi a0, a0, 1
  c.j 3f
2:addi a0, a0, 10
  c.j 1b
3:EXPECT(57, a0, 11)

  /* c.beqz / c.bnez: taken and not taken, both directions */
  TEST_ID(58)
  li a0, 0
  li a1, 1
  c.beqz a0, 2f
  j fail
1:c.bnez a1, 3f
  j fail
2:c.beqz a0, 1b
  j fail
3:c.beqz a1, 4f
  c.bnez a0, 4f
  j 5f
4:j fail
5:
  /* a branch on a value with only upper bits set is not zero */
  TEST_ID(59)
  li a0, 0x100000000
  c.beqz a0, 1f
  c.bnez a0, 2f
1:j fail
2:

  /* c.jr, c.jalr: ra gets pc + 2 */
  TEST_ID(60)
  la t0, 1f
  c.jr t0
  j fail
1:
  TEST_ID(61)
  la t0, 1f
  c.jalr t0
2:j fail
1:la a1, 2b
  EXPECT_EQ(61, link, ra, a1)

  /* 32-bit instructions at 2-byte aligned addresses, and jumps to them */
  TEST_ID(62)
  .align 2
  c.nop
  li a0, 0x11223344
  la t0, 1f
  jr t0
  c.nop
1:addi a0, a0, 1
  EXPECT(62, a0, 0x11223345)

  /* c.ebreak raises a breakpoint exception */
  TEST_TRAP(63, EXC_BREAKPOINT, c.ebreak)
  TEST_ID(64)
  TRAP_ARM_SKIP
1:c.ebreak
  TRAP_DISARM
  TRAP_GET(t5, CTL_EPC)
  la a1, 1b
  EXPECT_EQ(64, epc, t5, a1)

  /* the all-zero halfword is an illegal instruction */
  TEST_TRAP(65, EXC_ILLEGAL, .hword 0)
  .option pop
CODE_END

  .data
  .align 4
dat:
  .word 0x12345678, 0xfedcba98
  .zero 248
stk:
  .zero 1024
stk_top:
  .zero 16
