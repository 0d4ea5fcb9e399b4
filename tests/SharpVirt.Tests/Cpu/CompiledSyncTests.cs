using SharpVirt.Cpu;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Traps;
using C = SharpVirt.Cpu.Csr.CsrAddress;
using SharpVirt.Cpu.Translation;
using E = SharpVirt.Tests.Asm.Encode;

namespace SharpVirt.Tests.Cpu;

/// <summary>
/// FENCE, the A extension and the trap CSRs in compiled code: the kernel's locks, atomics, barriers and
/// interrupt masking sit in its hottest paths, so they must not send the hart back to the interpreter.
/// </summary>
public class CompiledSyncTests
{
    private const ulong D = HartBench.Data;

    /// <summary>Compiles <paramref name="code"/> (without its last instruction) as one region at HartBench.Code and runs it once.</summary>
    private static unsafe int RunRegion(HartBench b, uint[] code, ulong[] x)
    {
        var insns = code[..^1].Select(w => Decoder.Decode(w)).ToArray();
        var function = BlockTranslator.Bind(BlockTranslator.Emit([new Segment(0, insns)], HartBench.Code), b.Hart);
        fixed (ulong* p = x)
            return function(p, HartBench.Code, 1000, 0);
    }

    [Fact]
    public void ARegionRunsLrScFenceAndAmosWithoutLeaving()
    {
        using var b = new HartBench(jit: true);
        b.Write64(D, 5);
        b.Write64(D + 8, 100);
        uint[] code =
        [
            E.LrD(11, 10), E.Addi(12, 11, 1), E.ScD(13, 12, 10),   // D: 5 -> 6, x13 = 0
            E.Fence(),
            E.AmoaddD(14, 12, 15),                                 // D + 8: 100 -> 106, x14 = 100
            E.Ecall(),
        ];
        var x = new ulong[32];
        x[10] = D;
        x[15] = D + 8;
        Assert.Equal(5, RunRegion(b, code, x));
        Assert.Equal(HartBench.Code + 20, b.Hart.Pc);
        Assert.Equal(5UL, x[11]);
        Assert.Equal(0UL, x[13]);
        Assert.Equal(100UL, x[14]);
        Assert.Equal(6UL, b.Read64(D));
        Assert.Equal(106UL, b.Read64(D + 8));
    }

    [Fact]
    public void AFenceGoesOnInItsBlockAndAnAtomicEndsItsOwn()
    {
        using var b = new HartBench(jit: true);
        // The first instruction runs before the fetch TLB has the page (so outside any block).
        var program = new Asm().Nop().Label("head").Li(10, (long)D).Addi(11, 0, 1).Fence().Addi(12, 0, 2).AmoaddW(13, 11, 10)
            .Label("after").Addi(14, 0, 3).Ecall();
        b.RunProgram(program);
        Assert.Equal(3UL, b.X(14));
        Assert.Equal(1U, b.Read32(D));
        var head = b.Hart.BlockAt(HartBench.Code + (ulong)program.OffsetOf("head"))!;
        Assert.Equal(Op.AmoAddW, head.Insns[^1].Op); // through the fence, up to and with the AMO
        Assert.Contains(head.Insns, d => d.Op == Op.Fence);
        Assert.NotNull(head.Function);
        Assert.NotNull(b.Hart.BlockAt(HartBench.Code + (ulong)program.OffsetOf("after")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PauseStillExitsToTheVmm(bool jit)
    {
        using var b = new HartBench(jit: jit);
        b.Load(new Asm().Addi(5, 0, 7).Fence(pred: 1, succ: 0).Addi(6, 0, 8).Ecall());
        Assert.Equal(ExitReason.Pause, b.Hart.Run(10));
        Assert.Equal(HartBench.Code + 8, b.Hart.Pc);
        Assert.Equal(7UL, b.X(5));
        Assert.False(BlockTranslator.CanTranslate(Decoder.Decode(E.Fence(pred: 1, succ: 0))));
        Assert.True(BlockTranslator.CanTranslate(Decoder.Decode(E.Fence())));
    }

    [Fact]
    public void ARegionMasksInterruptsAndSwapsScratchWithoutLeaving()
    {
        using var b = new HartBench(jit: true);
        b.Poke(C.Sstatus, Mstatus.SIE);
        b.Poke(C.Sscratch, 0x1234);
        uint[] code =
        [
            E.Csrrci(10, C.Sstatus, 2),   // local_irq_save
            E.Csrrw(11, C.Sscratch, 12),
            E.Csrr(13, C.Time),
            E.Csrs(C.Sstatus, 10),        // local_irq_restore: SIE again, nothing pending
            E.Ecall(),
        ];
        var x = new ulong[32];
        x[12] = 0x5678;
        Assert.Equal(4, RunRegion(b, code, x));
        Assert.Equal(HartBench.Code + 16, b.Hart.Pc);
        Assert.Equal(Mstatus.SIE, x[10] & Mstatus.SIE);
        Assert.Equal(0x1234UL, x[11]);
        Assert.Equal(0x5678UL, b.Peek(C.Sscratch));
        Assert.NotEqual(0UL, x[13]);
        Assert.Equal(Mstatus.SIE, b.Peek(C.Sstatus) & Mstatus.SIE);
    }

    [Fact]
    public void ARegionLeavesAfterACsrThatLetsAPendingInterruptIn()
    {
        using var b = new HartBench(jit: true);
        b.Hart.InjectInterrupt(Interrupt.SSIP);
        b.Poke(C.Mie, Interrupt.SSIP);
        uint[] code = [E.Csrrsi(0, C.Sstatus, 2), E.Addi(5, 0, 1), E.Ecall()];
        var x = new ulong[32];
        Assert.Equal(1, RunRegion(b, code, x));
        Assert.Equal(HartBench.Code + 4, b.Hart.Pc);
        Assert.Equal(0UL, x[5]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SettingSieTakesThePendingInterruptBeforeTheNextInstruction(bool jit)
    {
        using var b = new HartBench(jit: jit);
        b.Hart.InjectInterrupt(Interrupt.SSIP);
        b.Poke(C.Mie, Interrupt.SSIP);
        b.Poke(C.Mideleg, Interrupt.SupervisorBits);
        // The first instruction runs before the fetch TLB has the page; the CSR's block then compiles.
        b.Load(new Asm().Nop().Csrrsi(0, C.Sstatus, 2).Addi(5, 0, 1).Label("l").J("l"));
        b.Enter(PrivilegeMode.Supervisor, HartBench.Code);
        b.Hart.Run(100);
        Assert.Equal(Interrupt.CauseFlag | 1, b.Scause);
        Assert.Equal(HartBench.Code + 8, b.Sepc);
        Assert.Equal(0UL, b.X(5));
        if (jit)
            Assert.NotNull(b.Hart.BlockAt(HartBench.Code + 4)?.Function);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACsrFromUserModeIsIllegalAtItsPc(bool jit)
    {
        using var b = new HartBench(jit: jit);
        uint csrr = E.Csrr(7, C.Sstatus);
        b.Load(new Asm().Nop().Addi(6, 0, 3).Word(csrr).Addi(8, 0, 1).Ecall());
        b.Enter(PrivilegeMode.User, HartBench.Code);
        b.RunToHalt();
        b.AssertMTrap((ulong)ExceptionCause.IllegalInstruction, HartBench.Code + 8, csrr);
        Assert.Equal(3UL, b.X(6));
        Assert.Equal(0UL, b.X(8));
    }
}
