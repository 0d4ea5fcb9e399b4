/* rv64ui simple: the environment boots and reports a pass. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_U
  TEST_CASE(2, a0, 5, li a0, 2; addi a0, a0, 3)
CODE_END
