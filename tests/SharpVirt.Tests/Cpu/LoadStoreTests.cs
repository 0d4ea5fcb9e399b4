using SharpVirt.Cpu;
using SharpVirt.Cpu.Traps;

namespace SharpVirt.Tests.Cpu;

/// <summary>Loads and stores in M-mode (no translation): extension, misalignment, MMIO through the bus, access faults.</summary>
public sealed class LoadStoreTests : IDisposable
{
    private const ulong D = HartBench.Data;
    private readonly HartBench b = new();

    public void Dispose() => b.Dispose();

    [Fact]
    public void LoadsSignAndZeroExtend()
    {
        b.Write64(D, 0x8182_8384_8586_8788);
        b.RunProgram(new Asm().Li(5, (long)D + 8)
            .Lb(10, 5, -8).Lbu(11, 5, -8).Lh(12, 5, -8).Lhu(13, 5, -8).Lw(14, 5, -8).Lwu(15, 5, -8).Ld(16, 5, -8)
            .Lb(17, 5, -1).Ecall());
        Assert.Equal(11UL, b.Mcause);
        Assert.Equal(0xffff_ffff_ffff_ff88UL, b.X(10));
        Assert.Equal(0x88UL, b.X(11));
        Assert.Equal(0xffff_ffff_ffff_8788UL, b.X(12));
        Assert.Equal(0x8788UL, b.X(13));
        Assert.Equal(0xffff_ffff_8586_8788UL, b.X(14));
        Assert.Equal(0x8586_8788UL, b.X(15));
        Assert.Equal(0x8182_8384_8586_8788UL, b.X(16));
        Assert.Equal(0xffff_ffff_ffff_ff81UL, b.X(17));
    }

    [Fact]
    public void StoresWriteOnlyTheirWidth()
    {
        b.Write64(D, 0);
        b.Write64(D + 8, 0);
        b.RunProgram(new Asm().Li(5, (long)D).Li(6, unchecked((long)0x1122_3344_5566_7788UL))
            .Sb(6, 5, 0).Sh(6, 5, 2).Sw(6, 5, 4).Sd(6, 5, 8).Ecall());
        Assert.Equal(0x5566_7788_7788_0088UL, b.Read64(D));
        Assert.Equal(0x1122_3344_5566_7788UL, b.Read64(D + 8));
    }

    [Fact]
    public void MisalignedAccessesInRamWork()
    {
        // Within a page and across a page boundary: RAM handles misaligned accesses itself.
        ulong edge = D + 0x1000 - 4;
        b.Write64(D, 0);
        b.Write64(edge, 0x0807_0605_0403_0201);
        b.RunProgram(new Asm().Li(5, (long)D).Li(6, (long)edge)
            .Ld(10, 6, 0)
            .Li(7, unchecked((long)0xa1a2_a3a4_a5a6_a7a8UL)).Sd(7, 5, 1).Ld(11, 5, 1).Lw(12, 5, 3)
            .Sw(7, 6, 2).Lwu(13, 6, 2).Ecall());
        Assert.Equal(11UL, b.Mcause);
        Assert.Equal(0x0807_0605_0403_0201UL, b.X(10));
        Assert.Equal(0xa1a2_a3a4_a5a6_a7a8UL, b.X(11));
        Assert.Equal(0xffff_ffff_a3a4_a5a6UL, b.X(12));
        Assert.Equal(0xa5a6_a7a8UL, b.X(13));
        Assert.Equal(0x0807_a5a6_a7a8_0201UL, b.Read64(edge));
    }

    [Fact]
    public void MmioGoesThroughTheBus()
    {
        b.Bus.Registers[HartBench.Device + 0x10] = 0x8000_0001;
        b.RunProgram(new Asm().Li(5, (long)HartBench.Device)
            .Lw(10, 5, 0x10).Lwu(11, 5, 0x10).Li(6, 0x1234).Sh(6, 5, 0x20).Sd(6, 5, 0x28).Ecall());
        Assert.Equal(11UL, b.Mcause);
        Assert.Equal(0xffff_ffff_8000_0001UL, b.X(10));
        Assert.Equal(0x8000_0001UL, b.X(11));
        Assert.Equal(
            new (bool, ulong, int, ulong)[] {(false, HartBench.Device + 0x10, 4, 0x8000_0001UL), (false, HartBench.Device + 0x10, 4, 0x8000_0001UL),
             (true, HartBench.Device + 0x20, 2, 0x1234UL), (true, HartBench.Device + 0x28, 8, 0x1234UL)},
            b.Bus.Log);
    }

    [Fact]
    public void LoadFromHoleIsLoadAccessFault()
    {
        var a = new Asm().Li(5, (long)HartBench.Hole).Label("insn").Lw(10, 5, 8).Ecall();
        b.RunProgram(a);
        b.AssertMTrap((ulong)ExceptionCause.LoadAccessFault, HartBench.Code + (ulong)a.OffsetOf("insn"), HartBench.Hole + 8);
    }

    [Fact]
    public void StoreToHoleIsStoreAccessFault()
    {
        var a = new Asm().Li(5, (long)HartBench.Hole).Label("insn").Sd(5, 5, -8).Ecall();
        b.RunProgram(a);
        b.AssertMTrap((ulong)ExceptionCause.StoreAccessFault, HartBench.Code + (ulong)a.OffsetOf("insn"), HartBench.Hole - 8);
    }

    [Fact]
    public void FetchFromHoleIsInstructionAccessFault()
    {
        b.RunProgram(new Asm().Li(5, (long)HartBench.Hole + 0x40).Jalr(1, 5, 0));
        b.AssertMTrap((ulong)ExceptionCause.InstructionAccessFault, HartBench.Hole + 0x40, HartBench.Hole + 0x40);
        Assert.Equal(HartBench.Code + 12, b.X(1)); // li is two instructions here; the jalr retired
    }

    [Fact]
    public void FaultingLoadLeavesDestinationAlone()
    {
        b.RunProgram(new Asm().Li(10, 77).Li(5, (long)HartBench.Hole).Ld(10, 5, 0).Ecall());
        Assert.Equal((ulong)ExceptionCause.LoadAccessFault, b.Mcause);
        Assert.Equal(77UL, b.X(10));
    }

    [Fact]
    public void FenceAndFenceIExecute()
    {
        // Self-modifying code: store a new instruction, fence.i, then run it.
        var a = new Asm().La(5, "patch").Li(6, Asm.Encode.Addi(10, 0, 99)).Sw(6, 5, 0).Fence().FenceI()
            .Label("patch").Addi(10, 0, 1).Ecall();
        b.RunProgram(a);
        Assert.Equal(11UL, b.Mcause);
        Assert.Equal(99UL, b.X(10));
    }
}
