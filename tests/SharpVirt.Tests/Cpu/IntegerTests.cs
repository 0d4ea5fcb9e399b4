using SharpVirt.Cpu;
using E = SharpVirt.Tests.Asm.Encode;

namespace SharpVirt.Tests.Cpu;

/// <summary>RV64I, M, Zba, Zbb and Zbs: each instruction with the edge values the unprivileged spec calls out.</summary>
public sealed class IntegerTests : IDisposable
{
    private const ulong Max = ulong.MaxValue;
    private const ulong Min64 = 0x8000_0000_0000_0000, Max64 = 0x7fff_ffff_ffff_ffff;
    private const ulong SMin32 = 0xffff_ffff_8000_0000; // int.MinValue sign-extended
    private readonly HartBench b = new();

    public void Dispose() => b.Dispose();

    /// <summary>Runs one instruction with x10 = a, x11 = b and returns x12.</summary>
    private ulong Run(uint insn, ulong a, ulong c)
    {
        b.Reset();
        b.Load(new Asm().Word(insn).Ecall());
        b.Hart.SetX(10, a);
        b.Hart.SetX(11, c);
        b.Hart.SetX(12, 0xdead_beef_dead_beef);
        b.RunToHalt();
        Assert.Equal(11UL, b.Mcause); // reached the ecall: the instruction itself did not trap
        return b.X(12);
    }

    private void Check(string name, Func<int, int, int, uint> enc, params (ulong A, ulong B, ulong Want)[] cases)
    {
        foreach (var (a, c, want) in cases)
        {
            ulong got = Run(enc(12, 10, 11), a, c);
            Assert.True(got == want, $"{name}(0x{a:x}, 0x{c:x}) = 0x{got:x}, want 0x{want:x}");
        }
    }

    private void CheckUnary(string name, Func<int, int, uint> enc, params (ulong A, ulong Want)[] cases)
    {
        foreach (var (a, want) in cases)
        {
            ulong got = Run(enc(12, 10), a, 0);
            Assert.True(got == want, $"{name}(0x{a:x}) = 0x{got:x}, want 0x{want:x}");
        }
    }

    [Fact]
    public void RegisterRegister()
    {
        Check("add", E.Add, (1, 2, 3), (Max, 1, 0), (Max64, 1, Min64));
        Check("sub", E.Sub, (0, 1, Max), (Min64, 1, Max64));
        Check("sll", E.Sll, (1, 63, Min64), (1, 64, 1), (1, 65, 2), (3, 0xffff_ffff_ffff_ffc1, 6));
        Check("srl", E.Srl, (Min64, 63, 1), (Max, 64, Max), (Min64, 1, 0x4000_0000_0000_0000));
        Check("sra", E.Sra, (Min64, 63, Max), (Min64, 1, 0xc000_0000_0000_0000), (Max64, 63, 0));
        Check("slt", E.Slt, (Max, 0, 1), (0, Max, 0), (Min64, Max64, 1), (5, 5, 0));
        Check("sltu", E.Sltu, (Max, 0, 0), (0, Max, 1), (5, 5, 0));
        Check("xor", E.Xor, (0xff00, 0x0ff0, 0xf0f0));
        Check("or", E.Or, (0xff00, 0x0ff0, 0xfff0));
        Check("and", E.And, (0xff00, 0x0ff0, 0x0f00));
    }

    [Fact]
    public void WordForms()
    {
        Check("addw", E.Addw, (0x7fff_ffff, 1, SMin32), (0xffff_ffff_0000_0001, 0x1_0000_0001, 2));
        Check("subw", E.Subw, (0, 1, Max), (0x8000_0000, 1, 0x7fff_ffff), (0x1_0000_0000, 0, 0));
        Check("sllw", E.Sllw, (1, 31, SMin32), (1, 32, 1), (0x1_0000_0001, 0, 1), (0xffff_ffff, 63, SMin32));
        Check("srlw", E.Srlw, (SMin32, 31, 1), (0x8000_0000, 0, SMin32), (Max, 1, 0x7fff_ffff), (0x8000_0000, 32, SMin32));
        Check("sraw", E.Sraw, (0x8000_0000, 31, Max), (0x8000_0000, 32, SMin32), (0x1_7fff_ffff, 4, 0x07ff_ffff));
    }

    [Fact]
    public void Immediates()
    {
        CheckUnary("addi", (d, s) => E.Addi(d, s, -1), (0, Max), (1, 0));
        CheckUnary("addi", (d, s) => E.Addi(d, s, 2047), (0, 2047));
        CheckUnary("slti", (d, s) => E.Slti(d, s, -1), (Max - 1, 1), (Max, 0), (0, 0));
        CheckUnary("sltiu", (d, s) => E.Sltiu(d, s, -1), (Max - 1, 1), (Max, 0)); // -1 compares as 2^64-1
        CheckUnary("sltiu", (d, s) => E.Sltiu(d, s, 1), (0, 1), (1, 0)); // seqz
        CheckUnary("xori", (d, s) => E.Xori(d, s, -1), (0x1234, ~0x1234UL));
        CheckUnary("ori", (d, s) => E.Ori(d, s, -2048), (1, 0xffff_ffff_ffff_f801));
        CheckUnary("andi", (d, s) => E.Andi(d, s, -1), (Max, Max));
        CheckUnary("andi", (d, s) => E.Andi(d, s, 0x7ff), (Max, 0x7ff));
        CheckUnary("slli", (d, s) => E.Slli(d, s, 63), (3, Min64));
        CheckUnary("srli", (d, s) => E.Srli(d, s, 63), (Max, 1));
        CheckUnary("srai", (d, s) => E.Srai(d, s, 63), (Min64, Max), (Max64, 0));
        CheckUnary("addiw", (d, s) => E.Addiw(d, s, 1), (0x7fff_ffff, SMin32), (0xffff_ffff_ffff_ffff, 0));
        CheckUnary("addiw", (d, s) => E.Addiw(d, s, 0), (0x1234_5678_9abc_def0, 0xffff_ffff_9abc_def0)); // sext.w
        CheckUnary("slliw", (d, s) => E.Slliw(d, s, 31), (1, SMin32), (2, 0));
        CheckUnary("srliw", (d, s) => E.Srliw(d, s, 31), (SMin32, 1));
        CheckUnary("srliw", (d, s) => E.Srliw(d, s, 0), (0x8000_0000, SMin32));
        CheckUnary("sraiw", (d, s) => E.Sraiw(d, s, 31), (0x8000_0000, Max), (0xffff_ffff_7fff_ffff, 0));
        CheckUnary("lui", (d, s) => E.Lui(d, 0x80000), (0, SMin32));
        CheckUnary("lui", (d, s) => E.Lui(d, 0x7ffff), (0, 0x7fff_f000));
        CheckUnary("auipc", (d, s) => E.Auipc(d, 1), (0, HartBench.Code + 0x1000));
        CheckUnary("auipc", (d, s) => E.Auipc(d, -1), (0, HartBench.Code - 0x1000));
    }

    [Fact]
    public void Multiply()
    {
        static ulong Mulh(ulong a, ulong c) => (ulong)(((Int128)(long)a * (Int128)(long)c) >> 64);
        static ulong Mulhu(ulong a, ulong c) => (ulong)(((UInt128)a * c) >> 64);
        static ulong Mulhsu(ulong a, ulong c) => (ulong)(((Int128)(long)a * (Int128)(UInt128)c) >> 64);
        ulong[] v = [0, 1, 2, 3, Max, Max - 1, Min64, Max64, 0x1234_5678_9abc_def0, 0xfedc_ba98_7654_3210, 0x8000_0000, 0xffff_ffff];
        foreach (ulong a in v)
        {
            foreach (ulong c in v)
            {
                Check("mul", E.Mul, (a, c, a * c));
                Check("mulh", E.Mulh, (a, c, Mulh(a, c)));
                Check("mulhu", E.Mulhu, (a, c, Mulhu(a, c)));
                Check("mulhsu", E.Mulhsu, (a, c, Mulhsu(a, c)));
                Check("mulw", E.Mulw, (a, c, (ulong)(long)(int)(uint)(a * c)));
            }
        }
        // A few by hand, so the oracle above is not the only witness.
        Check("mulh", E.Mulh, (Max, Max, 0), (Min64, Min64, 0x4000_0000_0000_0000), (Min64, 1, Max), (Max64, Max64, 0x3fff_ffff_ffff_ffff));
        Check("mulhu", E.Mulhu, (Max, Max, Max - 1), (Max, 2, 1));
        Check("mulhsu", E.Mulhsu, (Max, Max, Max), (1, Max, 0), (Min64, Max, 0x8000_0000_0000_0000));
        Check("mulw", E.Mulw, (0x7fff_ffff, 2, Max - 1), (0x1_0000_0003, 0x1_0000_0005, 15));
    }

    [Fact]
    public void Divide()
    {
        const ulong M7 = unchecked((ulong)-7L);
        Check("div", E.Div, (Min64, Max, Min64), (42, 0, Max), (M7, 2, unchecked((ulong)-3L)), (7, unchecked((ulong)-2L), unchecked((ulong)-3L)), (0, 0, Max));
        Check("divu", E.Divu, (42, 0, Max), (Max, 2, Max64), (7, 2, 3));
        Check("rem", E.Rem, (Min64, Max, 0), (M7, 0, M7), (M7, 2, Max), (7, unchecked((ulong)-2L), 1));
        Check("remu", E.Remu, (7, 0, 7), (Max, 2, 1), (Max, 0, Max));
        Check("divw", E.Divw, (0x8000_0000, Max, SMin32), (0xdead_0000_0000_0005, 0, Max), (0x1_0000_0007, 2, 3),
            (0xffff_fff9, 2, unchecked((ulong)-3L)));
        Check("divuw", E.Divuw, (0xffff_ffff, 1, Max), (5, 0, Max), (0xffff_fffe, 0xffff_ffff, 0), (0x1_8000_0000, 0x1_0000_0001, SMin32));
        Check("remw", E.Remw, (0x8000_0000, Max, 0), (0x1234_5678_ffff_fff9, 0, M7), (0xffff_fff9, 2, Max), (0x1_0000_0007, 0x1_0000_0002, 1));
        Check("remuw", E.Remuw, (0x8000_0001, 0, 0xffff_ffff_8000_0001), (0x8000_0001, 0x8000_0000, 1), (0x1_0000_0007, 0, 7));
    }

    [Fact]
    public void Zba()
    {
        Check("add.uw", E.AddUw, (0xffff_ffff_0000_0001, 1, 2), (0xffff_ffff, 1, 0x1_0000_0000));
        Check("sh1add", E.Sh1add, (3, 1, 7), (Min64, 1, 1));
        Check("sh2add", E.Sh2add, (3, 1, 13), (0x4000_0000_0000_0000, 0, 0));
        Check("sh3add", E.Sh3add, (3, 1, 25));
        Check("sh1add.uw", E.Sh1addUw, (0xffff_ffff_8000_0000, 0, 0x1_0000_0000), (0xffff_ffff_ffff_ffff, 2, 0x2_0000_0000));
        Check("sh2add.uw", E.Sh2addUw, (0xffff_ffff_8000_0000, 0, 0x2_0000_0000));
        Check("sh3add.uw", E.Sh3addUw, (0xffff_ffff_8000_0000, 1, 0x4_0000_0001));
        CheckUnary("slli.uw", (d, s) => E.SlliUw(d, s, 4), (0xffff_ffff_8000_0001, 0x8_0000_0010));
        CheckUnary("slli.uw", (d, s) => E.SlliUw(d, s, 32), (0xffff_ffff_8000_0001, 0x8000_0001_0000_0000));
        CheckUnary("slli.uw", (d, s) => E.SlliUw(d, s, 0), (Max, 0xffff_ffff)); // zext.w
    }

    [Fact]
    public void Zbb()
    {
        Check("andn", E.Andn, (0xff, 0x0f, 0xf0));
        Check("orn", E.Orn, (0, 0, Max), (0, Max, 0));
        Check("xnor", E.Xnor, (0x1234, 0x1234, Max));
        CheckUnary("clz", E.Clz, (0, 64), (1, 63), (Min64, 0), (0xffff, 48));
        CheckUnary("clzw", E.Clzw, (0, 32), (0xffff_ffff_0000_0001, 31), (0x8000_0000, 0));
        CheckUnary("ctz", E.Ctz, (0, 64), (Min64, 63), (1, 0));
        CheckUnary("ctzw", E.Ctzw, (0, 32), (0x1_0000_0000, 32), (0x8000_0000, 31));
        CheckUnary("cpop", E.Cpop, (Max, 64), (0, 0), (0x8000_0000_0000_0001, 2));
        CheckUnary("cpopw", E.Cpopw, (Max, 32), (0xffff_ffff_0000_0003, 2));
        Check("max", E.Max, (Max, 0, 0), (Min64, Max64, Max64));
        Check("maxu", E.Maxu, (Max, 0, Max));
        Check("min", E.Min, (Max, 0, Max), (Min64, Max64, Min64));
        Check("minu", E.Minu, (Max, 0, 0));
        CheckUnary("sext.b", E.SextB, (0x80, 0xffff_ffff_ffff_ff80), (0x17f, 0x7f));
        CheckUnary("sext.h", E.SextH, (0x8000, 0xffff_ffff_ffff_8000), (0x1_7fff, 0x7fff));
        CheckUnary("zext.h", E.ZextH, (0xffff_ffff_ffff_8000, 0x8000));
        Check("rol", E.Rol, (0x8000_0000_0000_0001, 1, 3), (0x1234, 64, 0x1234), (1, 63, Min64));
        Check("ror", E.Ror, (1, 1, Min64), (3, 65, 0x8000_0000_0000_0001));
        CheckUnary("rori", (d, s) => E.Rori(d, s, 63), (1, 2));
        Check("rolw", E.Rolw, (0x8000_0001, 1, 3), (0x4000_0000, 1, SMin32), (0xffff_ffff_0000_0001, 32, 1));
        Check("rorw", E.Rorw, (1, 1, SMin32), (0x1_0000_0002, 1, 1));
        CheckUnary("roriw", (d, s) => E.Roriw(d, s, 31), (1, 2), (0x4000_0000, SMin32));
        CheckUnary("orc.b", E.OrcB, (0x0001_0000_ff00_0010, 0x00ff_0000_ff00_00ff), (0, 0));
        CheckUnary("rev8", E.Rev8, (0x0102_0304_0506_0708, 0x0807_0605_0403_0201));
    }

    [Fact]
    public void Zbs()
    {
        Check("bclr", E.Bclr, (Max, 63, Max64), (Max, 64 + 3, Max & ~8UL));
        CheckUnary("bclri", (d, s) => E.Bclri(d, s, 63), (Max, Max64));
        Check("bext", E.Bext, (Min64, 63, 1), (Min64, 127, 1), (Min64, 62, 0));
        CheckUnary("bexti", (d, s) => E.Bexti(d, s, 63), (Min64, 1));
        Check("binv", E.Binv, (0, 63, Min64), (Min64, 63, 0));
        CheckUnary("binvi", (d, s) => E.Binvi(d, s, 0), (1, 0));
        Check("bset", E.Bset, (0, 63, Min64), (0, 64, 1));
        CheckUnary("bseti", (d, s) => E.Bseti(d, s, 32), (0, 0x1_0000_0000));
    }

    [Fact]
    public void X0StaysZero()
    {
        b.RunProgram(new Asm().Addi(0, 0, 5).Lui(0, 0x12345).Li(5, (long)HartBench.Data).Ld(0, 5, 0).Addi(6, 0, 0).Ecall());
        Assert.Equal(0UL, b.X(0));
        Assert.Equal(0UL, b.X(6));
    }

    [Fact]
    public void BranchesAndJumps()
    {
        // Each taken branch skips an "addi x20, x20, 1"; each not-taken one falls into an "addi x21, x21, 1".
        var a = new Asm().Li(5, -1).Li(6, 1);
        int n = 0;
        void Taken(Func<string, Asm> br) { string l = $"t{n++}"; br(l); a.Addi(20, 20, 1).Label(l); }
        void NotTaken(Func<string, Asm> br) { string l = $"n{n++}"; br(l); a.Addi(21, 21, 1).Label(l); }
        Taken(l => a.Beq(5, 5, l)); NotTaken(l => a.Beq(5, 6, l));
        Taken(l => a.Bne(5, 6, l)); NotTaken(l => a.Bne(5, 5, l));
        Taken(l => a.Blt(5, 6, l)); NotTaken(l => a.Blt(6, 5, l)); NotTaken(l => a.Blt(5, 5, l));
        Taken(l => a.Bge(6, 5, l)); Taken(l => a.Bge(5, 5, l)); NotTaken(l => a.Bge(5, 6, l));
        Taken(l => a.Bltu(6, 5, l)); NotTaken(l => a.Bltu(5, 6, l));
        Taken(l => a.Bgeu(5, 6, l)); NotTaken(l => a.Bgeu(6, 5, l));
        // jal links pc+4; jalr computes (rs1 + imm) & ~1 before writing rd (rd == rs1 here).
        a.Jal(1, "f").Label("back").La(7, "g").Addi(7, 7, 1).Jalr(7, 7, 0).Ebreak()
            .Label("f").Jalr(0, 1, 0)
            .Label("g").Ecall();
        b.RunProgram(a);
        Assert.Equal(11UL, b.Mcause);
        Assert.Equal(0UL, b.X(20));
        Assert.Equal(7UL, b.X(21));
        // x7 = address of the instruction after the jalr (the ebreak) that linked it.
        Assert.Equal(b.Mepc - 8, b.X(7));
        Assert.Equal(b.X(1) + 4 * 3 + 4, b.X(7)); // back: la (2 words), addi, jalr, then the ebreak
    }
}
