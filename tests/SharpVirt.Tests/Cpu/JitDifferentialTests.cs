using SharpVirt.Cpu;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Translation;
using static SharpVirt.Tests.Cpu.PageTable;
using E = SharpVirt.Tests.Asm.Encode;
using C = SharpVirt.Cpu.Csr.CsrAddress;

namespace SharpVirt.Tests.Cpu;

/// <summary>
/// Differential tests of the two engines: random loops run by the interpreter alone and with the block
/// translator (compiling from a block's second run) must leave the same architectural state.
/// </summary>
public sealed class JitDifferentialTests : IDisposable
{
    private const ulong DataVa = 0x4000_0000;
    private readonly HartBench interp = new();
    private readonly HartBench jit = new(jit: true);

    public void Dispose()
    {
        interp.Dispose();
        jit.Dispose();
    }

    private static readonly Func<int, int, int, uint>[] RegOps =
    [
        E.Add, E.Sub, E.Sll, E.Slt, E.Sltu, E.Xor, E.Srl, E.Sra, E.Or, E.And, E.Addw, E.Subw, E.Sllw, E.Srlw, E.Sraw,
        E.Mul, E.Mulh, E.Mulhsu, E.Mulhu, E.Div, E.Divu, E.Rem, E.Remu, E.Mulw, E.Divw, E.Divuw, E.Remw, E.Remuw,
        E.AddUw, E.Sh1add, E.Sh2add, E.Sh3add, E.Sh1addUw, E.Sh2addUw, E.Sh3addUw, E.Andn, E.Orn, E.Xnor,
        E.Max, E.Maxu, E.Min, E.Minu, E.Rol, E.Rolw, E.Ror, E.Rorw, E.Bclr, E.Bext, E.Binv, E.Bset,
    ];

    private static readonly Func<int, int, int, uint>[] ImmOps =
    [
        (d, s, i) => E.Addi(d, s, i), (d, s, i) => E.Slti(d, s, i), (d, s, i) => E.Sltiu(d, s, i), (d, s, i) => E.Xori(d, s, i),
        (d, s, i) => E.Ori(d, s, i), (d, s, i) => E.Andi(d, s, i), (d, s, i) => E.Addiw(d, s, i),
        (d, s, i) => E.Slli(d, s, i & 63), (d, s, i) => E.Srli(d, s, i & 63), (d, s, i) => E.Srai(d, s, i & 63),
        (d, s, i) => E.Slliw(d, s, i & 31), (d, s, i) => E.Srliw(d, s, i & 31), (d, s, i) => E.Sraiw(d, s, i & 31),
        (d, s, i) => E.Rori(d, s, i & 63), (d, s, i) => E.Roriw(d, s, i & 31), (d, s, i) => E.SlliUw(d, s, i & 63),
        (d, s, i) => E.Bclri(d, s, i & 63), (d, s, i) => E.Bexti(d, s, i & 63), (d, s, i) => E.Binvi(d, s, i & 63),
        (d, s, i) => E.Bseti(d, s, i & 63), (d, s, i) => E.Clz(d, s), (d, s, i) => E.Ctzw(d, s), (d, s, i) => E.Cpop(d, s),
        (d, s, i) => E.SextB(d, s), (d, s, i) => E.SextH(d, s), (d, s, i) => E.ZextH(d, s), (d, s, i) => E.OrcB(d, s),
        (d, s, i) => E.Rev8(d, s), (d, s, i) => E.Lui(d, i & 0xfffff), (d, s, i) => E.Auipc(d, i & 0xfffff),
        (d, s, i) => E.Clzw(d, s), (d, s, i) => E.Ctz(d, s), (d, s, i) => E.Cpopw(d, s),
    ];

    /// <summary>A loop of random instructions; x8 points at data, x9 at a hole, x31 counts the iterations.</summary>
    private static Asm RandomLoop(Random r, int iterations)
    {
        var a = new Asm().Li(31, iterations).Label("loop");
        int labels = 0;
        int length = r.Next(4, 40);
        for (int i = 0; i < length; i++)
        {
            int rd = r.Next(10, 31), rs1 = r.Next(32), rs2 = r.Next(32);
            int k = r.Next(100);
            if (k < 40)
                a.Word(RegOps[r.Next(RegOps.Length)](rd, rs1, rs2));
            else if (k < 70)
                a.Word(ImmOps[r.Next(ImmOps.Length)](rd, rs1, r.Next(-2048, 2048)));
            else if (k < 85)
            {
                int off = r.Next(-32, 32) * 8 + (r.Next(6) == 0 ? r.Next(1, 8) : 0);
                a.Word(r.Next(15) switch
                {
                    0 => E.Ld(rd, 8, off),
                    1 => E.Lw(rd, 8, off),
                    2 => E.Lwu(rd, 8, off),
                    3 => E.Lh(rd, 8, off),
                    4 => E.Lhu(rd, 8, off),
                    5 => E.Lb(rd, 8, off),
                    6 => E.Lbu(rd, 8, off),
                    7 => E.Sd(rs2, 8, off),
                    8 => E.Sw(rs2, 8, off),
                    9 => E.Sh(rs2, 8, off),
                    10 => E.Sb(rs2, 8, off),
                    // f registers: an illegal instruction unless the round turned mstatus.FS on
                    11 => E.Fld(rd, 8, off),
                    12 => E.Flw(rd, 8, off),
                    13 => E.Fsd(rs2, 8, off),
                    _ => E.Fsw(rs2, 8, off),
                });
            }
            else if (k < 93)
            {
                // A forward branch over one to three instructions.
                string l = $"f{labels++}";
                switch (r.Next(6))
                {
                    case 0: a.Beq(rs1, rs2, l); break;
                    case 1: a.Bne(rs1, rs2, l); break;
                    case 2: a.Blt(rs1, rs2, l); break;
                    case 3: a.Bge(rs1, rs2, l); break;
                    case 4: a.Bltu(rs1, rs2, l); break;
                    default: a.Bgeu(rs1, rs2, l); break;
                }
                for (int j = r.Next(1, 4); j > 0; j--)
                    a.Word(ImmOps[r.Next(7)](r.Next(10, 31), r.Next(32), r.Next(-2048, 2048)));
                a.Label(l);
            }
            else if (k < 96)
            {
                // A counter (left to the interpreter), a compiled CSR, an atomic at x8 or a fence.
                switch (r.Next(6))
                {
                    case 0: a.Csrr(rd, C.Instret); break;
                    case 1: a.Csrrw(rd, C.Sscratch, rs1); break;
                    case 2: a.Word(E.AmoaddD(rd, rs2, 8)); break;
                    case 3: a.Word(E.AmoswapW(rd, rs2, 8)); break;
                    case 4: a.Word(E.LrD(rd, 8)).Word(E.ScD(r.Next(10, 31), rs2, 8)); break;
                    default: a.Fence(); break;
                }
            }
            else if (k < 98)
                a.Jal(rd, $"j{labels}").Word(E.Addi(rd, 0, 1)).Label($"j{labels++}");
            else
                a.Word(r.Next(2) == 0 ? E.Ld(rd, 9, 0) : E.Sw(rs2, 9, 4)); // into the hole: an access fault
        }
        return a.Addi(31, 31, -1).Bnez(31, "loop").Ecall();
    }

    private static void Prepare(HartBench b, Asm program, ulong[] regs, byte[] data, bool paged, bool fp)
    {
        b.Reset();
        b.Load(program);
        b.Load(HartBench.Data, data);
        for (int i = 1; i < 32; i++)
        {
            b.Hart.SetX(i, regs[i]);
            b.Hart.SetF(i, ~regs[i]);
        }
        b.Poke(C.Mstatus, (b.Peek(C.Mstatus) & ~Mstatus.FS) | (fp ? Mstatus.FSInitial : Mstatus.FSOff));
        if (paged)
        {
            var pt = new PageTable(b, Satp.Sv39);
            pt.Map(HartBench.RamBase, HartBench.RamBase, 2, V | RWX | A | D);
            pt.Map(DataVa, HartBench.Data, 0, V | R | W | A | D);
            pt.Map(DataVa + 0x1000, HartBench.Data + 0x1000, 0, V | R | A | D); // read-only: stores fault
            b.Poke(C.Satp, pt.Satp());
            b.Hart.SetX(8, DataVa + 0x100 + (regs[8] & 0xf00));
            b.Enter(PrivilegeMode.Supervisor, HartBench.Code);
        }
    }

    private static void AssertSame(HartBench a, HartBench b, string what)
    {
        for (int i = 1; i < 32; i++)
        {
            Assert.True(a.X(i) == b.X(i), $"{what}: x{i} interp 0x{a.X(i):x} jit 0x{b.X(i):x}");
            Assert.True(a.Hart.GetF(i) == b.Hart.GetF(i), $"{what}: f{i} interp 0x{a.Hart.GetF(i):x} jit 0x{b.Hart.GetF(i):x}");
        }
        Assert.True(a.Hart.Pc == b.Hart.Pc, $"{what}: pc 0x{a.Hart.Pc:x} vs 0x{b.Hart.Pc:x}");
        Assert.True(a.Hart.Mode == b.Hart.Mode, $"{what}: mode");
        foreach (int csr in new[] { C.Mcause, C.Mepc, C.Mtval, C.Mstatus })
            Assert.True(a.Peek(csr) == b.Peek(csr), $"{what}: csr 0x{csr:x} interp 0x{a.Peek(csr):x} jit 0x{b.Peek(csr):x}");
        Assert.True(a.Hart.Instret == b.Hart.Instret, $"{what}: instret {a.Hart.Instret} vs {b.Hart.Instret}");
        Assert.True(a.Hart.TrapCount == b.Hart.TrapCount, $"{what}: traps");
        byte[] da = new byte[0x2000], db = new byte[0x2000];
        Assert.True(a.Memory.TryRead(HartBench.Data, da) && b.Memory.TryRead(HartBench.Data, db));
        Assert.True(da.AsSpan().SequenceEqual(db), $"{what}: data differs");
    }

    [Theory]
    [InlineData(false, 500, 1)]
    [InlineData(true, 600, 1)]
    [InlineData(false, 700, 3)] // interpreted twice first, as in a machine
    [InlineData(true, 800, 3)]
    public void InterpreterAndBaselineAgree(bool paged, int seed, int threshold)
    {
        if (!BaselineTranslator.HostSupported)
            return;
        jit.Hart.HotThreshold = int.MaxValue;
        jit.Hart.NativeThreshold = threshold;
        Compare(paged, seed);
        Assert.True(jit.Hart.BaselineBlocksCompiled > 0);
        Assert.Equal(0, jit.Hart.BlocksCompiled);
    }

    [Theory]
    [InlineData(false, 100, 1)]
    [InlineData(true, 200, 1)]
    [InlineData(false, 300, 2)] // compiled at the second run, as regions of the blocks that ran before
    [InlineData(true, 400, 2)]
    public void InterpreterAndTranslatorAgree(bool paged, int seed, int threshold)
    {
        jit.Hart.HotThreshold = threshold;
        Compare(paged, seed);
        Assert.True(jit.Hart.BlocksCompiled > 0);
    }

    /// <summary>Random loops, run by both benches from the same state, must leave the same state.</summary>
    private void Compare(bool paged, int seed)
    {
        var r = new Random(seed);
        for (int round = 0; round < 120; round++)
        {
            var program = RandomLoop(r, r.Next(2, 6));
            var regs = new ulong[32];
            for (int i = 1; i < 32; i++)
                regs[i] = r.Next(4) switch { 0 => (ulong)r.Next(-8, 8), 1 => (ulong)r.NextInt64(), 2 => 1UL << r.Next(64), _ => (ulong)r.NextInt64() << 1 };
            regs[8] = HartBench.Data + 0x100 + (ulong)r.Next(16) * 0x100;
            regs[9] = HartBench.Hole;
            var data = new byte[0x2000];
            r.NextBytes(data);
            bool fp = r.Next(4) != 0;
            Prepare(interp, program, regs, data, paged, fp);
            Prepare(jit, program, regs, data, paged, fp);
            ExitReason ra = interp.Hart.Run(100_000), rb = jit.Hart.Run(100_000);
            Assert.Equal(ExitReason.Wfi, ra);
            Assert.Equal(ra, rb);
            AssertSame(interp, jit, $"seed {seed} round {round}");
        }
    }
}
