/* Architectural constants used by the SharpVirt test environments and tests.
 * Values come from the RISC-V privileged specification. */
#ifndef SV_RISCV_DEFS_H
#define SV_RISCV_DEFS_H

/* privilege levels */
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* mstatus / sstatus fields */
#define ST_SIE     (1 << 1)
#define ST_MIE     (1 << 3)
#define ST_SPIE    (1 << 5)
#define ST_UBE     (1 << 6)
#define ST_MPIE    (1 << 7)
#define ST_SPP     (1 << 8)
#define ST_MPP     (3 << 11)
#define ST_MPP_S   (1 << 11)
#define ST_FS      (3 << 13)
#define ST_FS_INIT (1 << 13)
#define ST_FS_CLEAN (2 << 13)
#define ST_FS_DIRTY (3 << 13)
#define ST_XS      (3 << 15)
#define ST_MPRV    (1 << 17)
#define ST_SUM     (1 << 18)
#define ST_MXR     (1 << 19)
#define ST_TVM     (1 << 20)
#define ST_TW      (1 << 21)
#define ST_TSR     (1 << 22)
#define ST_UXL     (3 << 32)
#define ST_SXL     (3 << 34)
#define ST_SD      (1 << 63)

/* exception causes */
#define EXC_INSN_MISALIGNED   0
#define EXC_INSN_ACCESS       1
#define EXC_ILLEGAL           2
#define EXC_BREAKPOINT        3
#define EXC_LOAD_MISALIGNED   4
#define EXC_LOAD_ACCESS       5
#define EXC_STORE_MISALIGNED  6
#define EXC_STORE_ACCESS      7
#define EXC_ECALL_U           8
#define EXC_ECALL_S           9
#define EXC_ECALL_M          11
#define EXC_INSN_PAGE_FAULT  12
#define EXC_LOAD_PAGE_FAULT  13
#define EXC_STORE_PAGE_FAULT 15

/* interrupt bits (mip/mie) */
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11

/* page-table entry bits */
#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)
#define PTE_PPN_SHIFT 10

#define SATP_MODE_SV39 (8 << 60)
#define SATP_MODE_SV48 (9 << 60)
#define SATP_MODE_SV57 (10 << 60)

#define RAM_BASE 0x80000000
#define PAGE_SIZE 4096

/* fcsr.fflags bits */
#define FF_NX 1
#define FF_UF 2
#define FF_OF 4
#define FF_DZ 8
#define FF_NV 16

/* rounding modes */
#define RM_RNE 0
#define RM_RTZ 1
#define RM_RDN 2
#define RM_RUP 3
#define RM_RMM 4

/* layout of env_ctl, the block shared by the trap handlers and the tests */
#define CTL_ARMED   0   /* nonzero: the next trap is expected and recorded */
#define CTL_RESUME  8   /* where to resume; 0 = after the trapping instruction */
#define CTL_CAUSE  16   /* recorded xcause (-1 when no trap was taken) */
#define CTL_TVAL   24   /* recorded xtval */
#define CTL_EPC    32   /* recorded xepc */
#define CTL_STATUS 40   /* recorded mstatus (M handler) or sstatus (S handler) */
#define CTL_LEVEL  48   /* privilege level of the handler that caught it (3 or 1) */
#define CTL_COUNT  56   /* number of traps caught so far */
#define CTL_HOOK_M 64   /* optional M-level handler (p env): jumped to with t6=&env_ctl */
#define CTL_HOOK_S 72   /* optional S-level handler (p env): jumped to with t6=&env_ctl */
#define CTL_STAY   80   /* nonzero: return to the handler's own mode (one-shot) */
#define CTL_SIZE   128

#endif
