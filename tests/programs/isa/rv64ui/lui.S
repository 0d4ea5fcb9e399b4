/* rv64ui lui: 20-bit upper immediates, sign extension of bit 31 into the
 * upper word, composition with addi, x0 destination. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_U
  TEST_CASE(2, a0, 0, lui a0, 0)
  TEST_CASE(3, a0, 0x12345000, lui a0, 0x12345)
  TEST_CASE(4, a0, 0x7ffff000, lui a0, 0x7ffff)
  TEST_CASE(5, a0, 0xffffffff80000000, lui a0, 0x80000)
  TEST_CASE(6, a0, 0xfffffffffffff000, lui a0, 0xfffff)
  TEST_CASE(7, a0, 0xfffffffffffff800, lui a0, 0xfffff; srai a0, a0, 1)
  TEST_CASE(8, a0, 0x7ff, lui a0, 0x7ffff; srai a0, a0, 20)
  TEST_CASE(9, a0, 0xfffffffffffff800, lui a0, 0x80000; srai a0, a0, 20)
  TEST_CASE(10, a0, 0x00000ffffffff800, lui a0, 0x80000; srli a0, a0, 20)
  TEST_CASE(11, a0, 0x12345678, lui a0, 0x12345; addi a0, a0, 0x678)
  TEST_CASE(12, a0, 0x12344800, lui a0, 0x12345; addi a0, a0, -0x800)
  TEST_CASE(13, a0, 0x1000, lui a0, 1)
  TEST_CASE(14, a0, 0x1f000, lui a0, 0x1f)
  TEST_CASE(15, a0, 0xfffffffffffe0000, lui a0, 0xfffe0)
  TEST_CASE(16, zero, 0, lui zero, 0x80000)
  /* the low 12 bits of the destination are cleared */
  TEST_CASE(17, a0, 0x55555000, li a0, -1; lui a0, 0x55555)
CODE_END
