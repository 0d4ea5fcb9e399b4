/* rv64ui auipc: pc + (imm << 12), with the 32-bit immediate sign-extended. */
#include "env.h"
#include "test_macros.h"

#define TEST_AUIPC(n, imm, expected) \
  TEST_ID(n); .Lat_##n: auipc a0, imm; la a1, .Lat_##n; sub a0, a0, a1; EXPECT(n, a0, expected)

CODE_BEGIN_U
  TEST_AUIPC(2, 0, 0)
  TEST_AUIPC(3, 1, 0x1000)
  TEST_AUIPC(4, 0x7ffff, 0x7ffff000)
  TEST_AUIPC(5, 0x80000, 0xffffffff80000000)
  TEST_AUIPC(6, 0xfffff, 0xfffffffffffff000)
  TEST_AUIPC(7, 0x12345, 0x12345000)
  /* auipc+jalr reach a label */
  TEST_ID(9)
.Lpc9:
  auipc a0, %pcrel_hi(.Ltarget9)
  jalr zero, %pcrel_lo(.Lpc9)(a0)
  j fail
.Ltarget9:
  TEST_ID(10)
  /* a 4-byte auipc placed at a 2-byte aligned pc */
  .option push
  .option rvc
  c.nop
  .option pop
.Lat10:
  auipc a0, 2
  la a1, .Lat10
  sub a0, a0, a1
  EXPECT(10, a0, 0x2000)
  TEST_CASE(11, zero, 0, auipc zero, 0x12345)
CODE_END
