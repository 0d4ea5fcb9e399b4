using SharpVirt.Cpu;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Traps;
using static SharpVirt.Tests.Cpu.PageTable;
using C = SharpVirt.Cpu.Csr.CsrAddress;

namespace SharpVirt.Tests.Cpu;

/// <summary>
/// A misbehaving guest only ever produces guest traps: random instruction words, registers, CSR values and
/// page tables, run in M, S and U mode, must never let a .NET exception out of <see cref="Hart.Run"/>, and every
/// Run must come back within its budget.
/// </summary>
public class FuzzTests : IDisposable
{
    private const int CodeSize = 0x4000;
    private readonly HartBench b;

    public FuzzTests()
        : this(jit: false)
    {
    }

    protected FuzzTests(bool jit) => b = new HartBench(jit: jit);

    public void Dispose()
    {
        b.Dispose();
        GC.SuppressFinalize(this);
    }

    // Major opcodes of 32-bit instructions, so that most random words decode as something.
    private static readonly uint[] Opcodes =
        [0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43, 0x47, 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f, 0x73];

    private static readonly int[] InterestingCsrs =
        [C.Mstatus, C.Sstatus, C.Satp, C.Mtvec, C.Stvec, C.Medeleg, C.Mideleg, C.Mie, C.Sie, C.Mip, C.Sip, C.Mepc, C.Sepc,
         C.Menvcfg, C.Stimecmp, C.Mcounteren, C.Scounteren, C.Minstret, C.Mcycle, C.Fcsr, C.Frm, C.Pmpcfg0, C.Pmpaddr0, C.Cycle, C.Time];

    private static uint RandomInstruction(Random r)
    {
        uint w = (uint)r.NextInt64(0, 1L << 32);
        int rd = r.Next(1, 32), rs1 = r.Next(32), rs2 = r.Next(32);
        int ptr = r.Next(8, 10); // x8 and x9 mostly hold RAM addresses
        switch (r.Next(16))
        {
            case 0: return w; // anything: often compressed or illegal
            case 1: // a CSR instruction on a CSR that matters
                return (w & 0x000f_ff80 & ~0x7000u) | ((uint)(r.Next(1, 8) == 4 ? 1 : r.Next(1, 8)) << 12) | 0x73
                    | ((uint)InterestingCsrs[r.Next(InterestingCsrs.Length)] << 20);
            case 2: // a system instruction
                return new uint[] { 0x0000_0073, 0x0010_0073, 0x3020_0073, 0x1020_0073, 0x1050_0073, 0x1200_0073 | (w & 0x01ff_8000) }[r.Next(6)];
            case 3: // a random major opcode with random fields
                return (w & ~0x7fu) | Opcodes[r.Next(Opcodes.Length)];
            case 4: // loads and stores through a pointer register
                int off = r.Next(-64, 64) * 8 + (r.Next(8) == 0 ? r.Next(8) : 0);
                return r.Next(8) switch
                {
                    0 => Asm.Encode.Ld(rd, ptr, off),
                    1 => Asm.Encode.Lw(rd, ptr, off),
                    2 => Asm.Encode.Lbu(rd, ptr, off),
                    3 => Asm.Encode.Sd(rs2, ptr, off),
                    4 => Asm.Encode.Sw(rs2, ptr, off),
                    5 => Asm.Encode.Sb(rs2, ptr, off),
                    6 => Asm.Encode.Fld(rd, ptr, off),
                    _ => Asm.Encode.Fsd(rs2, ptr, off),
                };
            case 5: // atomics through a pointer register
                return r.Next(6) switch
                {
                    0 => Asm.Encode.LrD(rd, ptr),
                    1 => Asm.Encode.ScD(rd, rs2, ptr),
                    2 => Asm.Encode.AmoaddW(rd, rs2, ptr),
                    3 => Asm.Encode.AmoswapD(rd, rs2, ptr),
                    4 => Asm.Encode.AmomaxuD(rd, rs2, ptr),
                    _ => Asm.Encode.ScW(rd, rs2, ptr),
                };
            case 6: // short branches and jumps
                return r.Next(3) switch
                {
                    0 => Asm.Encode.Bne(rs1, rs2, r.Next(-32, 32) * 2),
                    1 => Asm.Encode.Jal(rd, r.Next(-64, 64) * 2),
                    _ => Asm.Encode.Bltu(rs1, rs2, r.Next(-32, 32) * 2),
                };
            case 7: // F and D arithmetic with valid encodings
                return (w & 0x0fff_f000 & ~0x7000u) | (uint)(r.Next(5) << 12) | 0x53;
            default: // integer arithmetic that keeps the pointer registers alone
                int d = r.Next(10, 32);
                return r.Next(10) switch
                {
                    0 => Asm.Encode.Addi(d, rs1, r.Next(-2048, 2048)),
                    1 => Asm.Encode.Add(d, rs1, rs2),
                    2 => Asm.Encode.Mul(d, rs1, rs2),
                    3 => Asm.Encode.Div(d, rs1, rs2),
                    4 => Asm.Encode.Remw(d, rs1, rs2),
                    5 => Asm.Encode.Sraw(d, rs1, rs2),
                    6 => Asm.Encode.Clz(d, rs1),
                    7 => Asm.Encode.Sh3addUw(d, rs1, rs2),
                    8 => Asm.Encode.Mulhsu(d, rs1, rs2),
                    _ => Asm.Encode.Lui(d, r.Next(-0x80000, 0x80000)),
                };
        }
    }

    private static ulong RandomValue(Random r) => r.Next(10) switch
    {
        0 => 0,
        1 => (ulong)r.Next(-16, 16),
        2 => HartBench.Code + (ulong)r.Next(CodeSize) & ~1UL,
        3 => HartBench.RamBase + (ulong)r.NextInt64((long)HartBench.RamSize),
        4 => HartBench.RamBase + HartBench.RamSize - (ulong)r.Next(1, 16),
        5 => HartBench.Device + (ulong)r.Next(0x1000),
        6 => HartBench.Hole + (ulong)r.Next(0x1000),
        7 => 0x4000_0000UL + (ulong)r.Next(0x10_0000),
        _ => (ulong)r.NextInt64() ^ ((ulong)r.NextInt64() << 1),
    };

    private void Scramble(Random r, PrivilegeMode mode)
    {
        b.Hart.SetInterruptLine(Interrupt.MEIP | Interrupt.SEIP | Interrupt.MSIP, false);
        b.Reset();
        var code = new Asm();
        while (code.Position < CodeSize)
        {
            if (r.Next(4) == 0)
                code.Half((ushort)r.Next(0x10000));
            else
                code.Word(RandomInstruction(r));
        }
        b.Load(code);
        // Trap handlers land in the random code too, so traps keep executing garbage.
        b.Poke(C.Mtvec, (HartBench.Code + (ulong)r.Next(CodeSize)) & ~3UL | (uint)r.Next(2));
        b.Poke(C.Stvec, (HartBench.Code + (ulong)r.Next(CodeSize)) & ~3UL | (uint)r.Next(2));
        b.Poke(C.Medeleg, (ulong)r.NextInt64());
        b.Poke(C.Mideleg, (ulong)r.NextInt64());
        b.Poke(C.Mie, (ulong)r.NextInt64());
        b.Poke(C.Mcounteren, (ulong)r.NextInt64());
        b.Poke(C.Scounteren, (ulong)r.NextInt64());
        b.Poke(C.Menvcfg, (ulong)r.NextInt64());
        b.Poke(C.Mstatus, (ulong)r.NextInt64() & ~Mstatus.MPP | (r.Next(2) == 0 ? Mstatus.FSInitial : 0));
        for (int i = 1; i < 32; i++)
        {
            b.Hart.SetX(i, RandomValue(r));
            b.Hart.SetF(i, (ulong)r.NextInt64());
        }
        // Pointer registers: into RAM data, or sometimes anywhere.
        b.Hart.SetX(8, r.Next(4) == 0 ? RandomValue(r) : HartBench.Data + (ulong)r.Next(0x1000) * 8);
        b.Hart.SetX(9, r.Next(4) == 0 ? RandomValue(r) : 0x4000_0000UL + (ulong)r.Next(0x1000) * 8);
        if (mode != PrivilegeMode.Machine && r.Next(2) == 0)
        {
            // Paging with RAM identity-mapped (U pages for U-mode) and a few random leaves.
            var pt = new PageTable(b, r.Next(3) switch { 0 => Satp.Sv39, 1 => Satp.Sv48, _ => Satp.Sv57 });
            pt.Map(HartBench.RamBase, HartBench.RamBase, 2, V | RWX | A | D | (mode == PrivilegeMode.User ? U : 0));
            // Random 4 KiB leaves in the first 2 MiB at 0x4000_0000, random 2 MiB leaves above it (kept apart
            // so that a leaf with random flags never stands where the builder expects a table).
            for (int i = 0; i < 8; i++)
                pt.Map(0x4000_0000UL + (ulong)r.Next(256) * 0x1000, RandomValue(r) & ~0xfffUL, 0, (ulong)r.Next(256) | V);
            for (int i = 0; i < 4; i++)
                pt.Map(0x4020_0000UL + (ulong)r.Next(8) * 0x20_0000, RandomValue(r) & ~0xfffUL, 1, (ulong)r.Next(256) | V);
            b.Poke(C.Satp, pt.Satp((ushort)r.Next(4)));
        }
        b.Hart.SbiInVmm = r.Next(2) == 0;
        if (mode != PrivilegeMode.Machine)
            b.Enter(mode, HartBench.Code + (ulong)r.Next(CodeSize / 2) * 2);
        else
            b.Hart.Pc = HartBench.Code + (ulong)r.Next(CodeSize / 2) * 2;
        if (r.Next(3) == 0)
            b.Hart.Mtimecmp = 0;
        if (r.Next(3) == 0)
            b.Hart.SetInterruptLine(Interrupt.MEIP | Interrupt.SEIP | Interrupt.MSIP, true);
    }

    [Theory]
    [InlineData(PrivilegeMode.Machine, 1)]
    [InlineData(PrivilegeMode.Supervisor, 2)]
    [InlineData(PrivilegeMode.User, 3)]
    public void RandomProgramsOnlyTrap(PrivilegeMode mode, int seed)
    {
        var r = new Random(seed);
        for (int round = 0; round < 60; round++)
        {
            Scramble(r, mode);
            for (int i = 0; i < 10; i++)
            {
                ulong instret = b.Hart.Instret, traps = b.Hart.TrapCount;
                ExitReason reason = b.Hart.Run(2000);
                // A Run stays within its budget: instructions and exceptions count; interrupts are taken at
                // most once per poll, and a poll follows at least one unit of budget.
                Assert.True((b.Hart.Instret - instret) + (b.Hart.TrapCount - traps) <= 2 * 2000,
                    $"round {round}: ran {b.Hart.Instret - instret} + {b.Hart.TrapCount - traps} trapped");
                if (reason == ExitReason.Sbi)
                    b.Hart.CompleteSbiCall();
                if (r.Next(4) == 0)
                    b.Hart.Mtimecmp = r.Next(2) == 0 ? 0 : ulong.MaxValue;
            }
            Assert.Equal(0UL, b.Hart.GetX(0));
        }
    }

    [Fact]
    public void TrapLoopStillReturnsToTheVmm()
    {
        // mtvec points at the hole: every trap raises an instruction access fault that traps again.
        b.Poke(C.Mtvec, HartBench.Hole);
        b.Hart.Pc = HartBench.Hole;
        Assert.Equal(ExitReason.Budget, b.Hart.Run(1000));
        Assert.Equal((ulong)ExceptionCause.InstructionAccessFault, b.Mcause);
        Assert.Equal(1000UL, b.Hart.TrapCount);
    }
}

/// <summary>The same with the block translator on.</summary>
public sealed class FuzzTestsWithTranslator : FuzzTests
{
    public FuzzTestsWithTranslator()
        : base(jit: true)
    {
    }
}
