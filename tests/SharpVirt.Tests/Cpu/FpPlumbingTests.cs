using SharpVirt.Cpu;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Traps;
using E = SharpVirt.Tests.Asm.Encode;
using C = SharpVirt.Cpu.Csr.CsrAddress;

namespace SharpVirt.Tests.Cpu;

/// <summary>
/// The hart's side of F and D (unprivileged spec ch. 20-21): NaN-boxing, moves, loads and stores, rounding-mode
/// legality and mstatus.FS. Arithmetic results belong to the soft-float library and are tested there.
/// </summary>
public sealed class FpPlumbingTests : IDisposable
{
    private const ulong D = HartBench.Data;
    private readonly HartBench b = new();

    public void Dispose() => b.Dispose();

    private void Run(Asm a)
    {
        b.Reset();
        b.Poke(C.Mstatus, Mstatus.FSInitial);
        b.Load(a);
        b.RunToHalt();
    }

    [Fact]
    public void LoadsBoxAndMovesExtend()
    {
        b.Write64(D, 0x1234_5678_8000_0001);
        Run(new Asm().Li(5, (long)D).Flw(1, 5, 0).Fld(2, 5, 0).FmvXW(10, 1).FmvXD(11, 2)
            .Li(6, unchecked((long)0xdead_beef_7f80_0000UL)).FmvWX(3, 6).FmvDX(4, 6)
            .Fsw(4, 5, 8).Fsd(1, 5, 16).Ecall());
        Assert.Equal((ulong)ExceptionCause.EcallFromM, b.Mcause);
        Assert.Equal(0xffff_ffff_8000_0001UL, b.Hart.GetF(1));  // flw NaN-boxes
        Assert.Equal(0x1234_5678_8000_0001UL, b.Hart.GetF(2));
        Assert.Equal(0xffff_ffff_8000_0001UL, b.X(10));         // fmv.x.w sign-extends bit 31
        Assert.Equal(0x1234_5678_8000_0001UL, b.X(11));
        Assert.Equal(0xffff_ffff_7f80_0000UL, b.Hart.GetF(3));  // fmv.w.x boxes
        Assert.Equal(0xdead_beef_7f80_0000UL, b.Hart.GetF(4));
        Assert.Equal(0x7f80_0000U, b.Read32(D + 8));            // fsw stores the low word, boxed or not
        Assert.Equal(0xffff_ffff_8000_0001UL, b.Read64(D + 16));
        Assert.Equal(Mstatus.FSDirty, b.Peek(C.Mstatus) & Mstatus.FS);
    }

    [Fact]
    public void ImproperlyBoxedSinglesReadAsCanonicalNaN()
    {
        b.Reset();
        Run(new Asm().Li(6, unchecked((long)0x0000_0001_bf80_0000UL)).FmvDX(2, 6) // not boxed
            .Li(7, unchecked((long)0xffff_ffff_8000_0000UL)).FmvDX(3, 7)           // boxed -0.0
            .FsgnjS(4, 2, 3).FsgnjS(5, 3, 2).FsgnjxS(6, 2, 3).FmvXW(10, 2).Ecall());
        Assert.Equal(0xffff_ffff_ffc0_0000UL, b.Hart.GetF(4)); // |canonical NaN| with the sign of -0.0
        Assert.Equal(0xffff_ffff_0000_0000UL, b.Hart.GetF(5)); // 0.0 with the (positive) sign of the canonical NaN
        Assert.Equal(0xffff_ffff_ffc0_0000UL, b.Hart.GetF(6));
        Assert.Equal(0xffff_ffff_bf80_0000UL, b.X(10));        // fmv.x.w ignores boxing
    }

    [Fact]
    public void DoubleSignInjection()
    {
        Run(new Asm().Li(6, 0x4000).Slli(6, 6, 48).FmvDX(1, 6).Li(7, -1).FmvDX(2, 7)
            .FsgnjD(3, 1, 2).FsgnjnD(4, 1, 2).FsgnjxD(5, 2, 2).Ecall());
        Assert.Equal(0xc000_0000_0000_0000UL, b.Hart.GetF(3));
        Assert.Equal(0x4000_0000_0000_0000UL, b.Hart.GetF(4));
        Assert.Equal(0x7fff_ffff_ffff_ffffUL, b.Hart.GetF(5));
    }

    [Fact]
    public void ReservedRoundingModesAreIllegal()
    {
        uint faddRm5 = E.FaddS(1, 2, 3, Asm.Rm.Rne) | (5u << 12);
        Run(new Asm().Word(faddRm5));
        b.AssertMTrap((ulong)ExceptionCause.IllegalInstruction, HartBench.Code, faddRm5);

        // A dynamic rm with frm holding a reserved value: illegal for rounding instructions only.
        var a = new Asm().Csrrwi(0, C.Frm, 5).FsgnjS(1, 2, 3).FmvXW(10, 1).Label("add").FaddD(1, 2, 3).Ecall();
        Run(a);
        b.AssertMTrap((ulong)ExceptionCause.IllegalInstruction, HartBench.Code + (ulong)a.OffsetOf("add"), E.FaddD(1, 2, 3));
    }

    [Fact]
    public void FsOffMakesEveryFpInstructionIllegal()
    {
        foreach (uint insn in new[] { E.Flw(1, 0, 0), E.Fsd(1, 0, 0), E.FmvXW(10, 1), E.FaddS(1, 2, 3), E.FmaddD(1, 2, 3, 4), E.FclassD(10, 1) })
        {
            b.Reset();
            b.Load(new Asm().Word(insn));
            b.RunToHalt();
            b.AssertMTrap((ulong)ExceptionCause.IllegalInstruction, HartBench.Code, insn);
        }
    }

    [Fact]
    public void FpLoadFaultsLikeIntegerLoads()
    {
        var a = new Asm().Li(5, (long)HartBench.Hole).Label("l").Fld(1, 5, 0).Ecall();
        Run(a);
        b.AssertMTrap((ulong)ExceptionCause.LoadAccessFault, HartBench.Code + (ulong)a.OffsetOf("l"), HartBench.Hole);
        a = new Asm().Li(5, (long)HartBench.Hole).Label("l").Fsw(1, 5, 4).Ecall();
        Run(a);
        b.AssertMTrap((ulong)ExceptionCause.StoreAccessFault, HartBench.Code + (ulong)a.OffsetOf("l"), HartBench.Hole + 4);
    }
}
