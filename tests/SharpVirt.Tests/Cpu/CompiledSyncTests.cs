using SharpVirt.Cpu;
using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Translation;
using E = SharpVirt.Tests.Asm.Encode;

namespace SharpVirt.Tests.Cpu;

/// <summary>
/// FENCE and the A extension in compiled code: the kernel's locks, atomics and barriers sit in its hottest
/// paths, so they must not send the hart back to the interpreter.
/// </summary>
public class CompiledSyncTests
{
    private const ulong D = HartBench.Data;

    [Fact]
    public unsafe void ARegionRunsLrScFenceAndAmosWithoutLeaving()
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
        var insns = code[..^1].Select(w => Decoder.Decode(w)).ToArray();
        var function = BlockTranslator.Bind(BlockTranslator.Emit([new Segment(0, insns)], HartBench.Code), b.Hart);
        var x = new ulong[32];
        x[10] = D;
        x[15] = D + 8;
        int retired;
        fixed (ulong* p = x)
            retired = function(p, HartBench.Code, 1000, 0);
        Assert.Equal(5, retired);
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
}
