/* rv64si icache_alias: one physical page mapped at two virtual addresses,
 * writable at one and executable at the other. Code written through the
 * first and executed through the second (and through the identity mapping)
 * is the new code after fence.i. */
#include "env.h"
#include "test_macros.h"
#include "vm.h"

/* copy the 8-byte routine at symbol src to the alias at VM_VA(0) */
#define PUT_ROUTINE(src) \
  la t0, src; ld t1, 0(t0); li t2, VM_VA(0); sd t1, 0(t2); fence.i

CODE_BEGIN_S
  VM_INIT
  VM_PTE(0, cpage, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  VM_PTE(1, cpage, PTE_V | PTE_X | PTE_A)
  VM_ON

  TEST_ID(2)
  PUT_ROUTINE(r1)
  li a1, VM_VA(1)
  jalr ra, a1
  EXPECT(2, a0, 1)
  /* run it a few times so it is warm, then replace it */
  TEST_ID(3)
  li a1, VM_VA(1)
  jalr ra, a1
  jalr ra, a1
  PUT_ROUTINE(r2)
  jalr ra, a1
  EXPECT(3, a0, 2)
  /* the identity mapping of the same page sees it too */
  TEST_ID(4)
  la a1, cpage
  jalr ra, a1
  EXPECT2(4, ident, a0, 2)
  PUT_ROUTINE(r3)
  la a1, cpage
  jalr ra, a1
  EXPECT2(4, ident3, a0, 3)
  li a1, VM_VA(1)
  jalr ra, a1
  EXPECT2(4, alias3, a0, 3)
  VM_OFF
  j .Ldone

  .option push
  .option norvc
  .align 3
r1: li a0, 1
  ret
r2: li a0, 2
  ret
r3: li a0, 3
  ret
  .option pop
  .balign 4096
cpage:
  li a0, -1
  ret
  .balign 4096
.Ldone:
CODE_END

  VM_TABLES
