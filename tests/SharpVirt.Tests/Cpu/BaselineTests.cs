using SharpVirt.Cpu.CodeGen;
using SharpVirt.Cpu.Translation;

namespace SharpVirt.Tests.Cpu;

/// <summary>The baseline tier: x86-64 code made per block (the differential tests compare what it computes).</summary>
public sealed class BaselineTests : IDisposable
{
    private readonly HartBench b = new(jit: true);

    public BaselineTests()
    {
        b.Hart.HotThreshold = int.MaxValue; // no RyuJIT: every block stays with the baseline
        b.Hart.NativeThreshold = 2;
    }

    public void Dispose() => b.Dispose();

    [Fact]
    public unsafe void ArenaStartsOverWhenFull()
    {
        using var arena = new CodeArena(4096);
        byte* first = arena.Reserve(1000);
        arena.Commit(1000);
        byte* second = arena.Reserve(1000);
        Assert.True(second == first + 1008, "commits are 16-byte aligned");
        arena.Commit(1000);
        Assert.True(arena.Reserve(1000) == first + 2016);
        arena.Commit(1000);
        Assert.Equal(0, arena.Generation);
        Assert.True(arena.Reserve(2000) == first, "1,072 bytes left: it starts over");
        Assert.Equal(1, arena.Generation);
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Reserve(5000)); // more than the whole arena
    }

    /// <summary>A loop through 200 blocks that each add 1 to a0 and jump to the next.</summary>
    private static Asm ManyBlocks(int iterations)
    {
        var a = new Asm().Li(10, 0).Li(9, iterations).Label("loop");
        for (int i = 0; i < 200; i++)
            a.Addi(10, 10, 1).J($"b{i}").Label($"b{i}");
        return a.Addi(9, 9, -1).Bnez(9, "loop").Ecall();
    }

    [Fact]
    public void BlocksRunTheirBaselineCode()
    {
        if (!BaselineTranslator.HostSupported)
            return;
        b.RunProgram(ManyBlocks(10));
        Assert.Equal(2000UL, b.X(10));
        Assert.InRange(b.Hart.BaselineBlocksCompiled, 200, 210);
        Assert.Equal(0, b.Hart.BlocksCompiled);
    }

    [Fact]
    public void BlocksOnOnePageRunThroughTheirLinks()
    {
        if (!BaselineTranslator.HostSupported)
            return;
        b.RunProgram(ManyBlocks(100), budget: 1_000_000);
        Assert.Equal(20_000UL, b.X(10));
        // 20,100 blocks run as baseline code; without links each would be a call from the dispatcher.
        Assert.InRange(b.Hart.NativeCalls, 1, 1_000);
    }

    /// <summary>
    /// A call on the page, whose link leads to the callee: the callee's return (an indirect jump, back to the
    /// dispatcher) must not point the call's link at the return address.
    /// </summary>
    [Fact]
    public void AReturnLeavesTheLinkOfTheCallThatLedToIt()
    {
        if (!BaselineTranslator.HostSupported)
            return;
        var program = new Asm().Li(10, 0).Li(9, 1000)
            .Label("loop").Jal("f")
            .Addi(9, 9, -1).Bnez(9, "loop").Ecall()
            .Label("f").Addi(10, 10, 1).Ret();
        b.RunProgram(program, budget: 1_000_000);
        Assert.Equal(1000UL, b.X(10));
        Assert.InRange(b.Hart.NativeCalls, 1, 1_500);
    }

    /// <summary>
    /// A call of a function on another page, and its return (a JALR): neither can have a link, and both find
    /// the next block's baseline code through the jump cache, without the dispatcher.
    /// </summary>
    [Fact]
    public void ExitsToAnotherPageFindBaselineCodeThroughTheJumpCache()
    {
        if (!BaselineTranslator.HostSupported)
            return;
        var program = new Asm().Li(10, 0).Li(9, 1000)
            .Label("loop").Jal("f")
            .Addi(9, 9, -1).Bnez(9, "loop").Ecall()
            .Align(4096)
            .Label("f").Addi(10, 10, 1).Ret();
        Assert.True(program.OffsetOf("f") >= 4096);
        b.RunProgram(program, budget: 1_000_000);
        Assert.Equal(1000UL, b.X(10));
        // Without the lookup each iteration calls baseline code twice from the dispatcher.
        Assert.InRange(b.Hart.NativeCalls, 1, 300);
    }

    /// <summary>
    /// Baseline code stops before an MMIO load in a block it reached through a link: the interpreter goes on
    /// from that instruction of that block, not of the block the dispatcher called.
    /// </summary>
    [Fact]
    public void AStopInALinkedBlockGoesOnInThatBlock()
    {
        if (!BaselineTranslator.HostSupported)
            return;
        var program = new Asm().Li(10, 0).Li(11, 0).Li(12, 0).Li(9, 500).Li(13, (long)HartBench.Device)
            .Label("loop").Addi(10, 10, 1).J("second")
            .Label("second").Addi(11, 11, 1).Lw(5, 13, 0).Addi(12, 12, 1).Addi(9, 9, -1).Bnez(9, "loop").Ecall();
        b.RunProgram(program, budget: 1_000_000);
        Assert.Equal((500UL, 500UL, 500UL), (b.X(10), b.X(11), b.X(12)));
        Assert.Equal(500, b.Bus.Log.Count(l => !l.Write));
    }

    /// <summary>
    /// A loop that runs as baseline code, stepped through the jump cache, still heats up: RyuJIT compiles it
    /// once it has run the threshold's times, though the interpreter's lookup sees it only a few times.
    /// </summary>
    [Fact]
    public void BaselineCodeRunFromTheJumpCacheHeatsUpToRyuJit()
    {
        if (!BaselineTranslator.HostSupported)
            return;
        b.Hart.HotThreshold = 500;
        var program = new Asm().Li(10, 0).Li(9, 2000).Label("loop").Addi(10, 10, 1).Addi(9, 9, -1).Bnez(9, "loop").Ecall();
        b.RunProgram(program);
        Assert.Equal(2000UL, b.X(10));
        Assert.True(b.Hart.BaselineBlocksCompiled > 0);
        var loop = b.Hart.BlockAt(HartBench.Code + (ulong)program.OffsetOf("loop"));
        Assert.NotNull(loop?.Function);
        Assert.InRange(loop!.Heat, 500, 2000);
    }

    [Fact]
    public void CodeMadeBeforeTheArenaStartedOverIsMadeAgain()
    {
        if (!BaselineTranslator.HostSupported)
            return;
        b.Hart.BaselineArenaSize = 4096; // a few dozen blocks
        b.RunProgram(ManyBlocks(10));
        Assert.Equal(2000UL, b.X(10));
        Assert.True(b.Hart.BaselineBlocksCompiled > 1000, $"{b.Hart.BaselineBlocksCompiled} compiled");
    }

    [Fact]
    public void AHostThatRefusesExecutableMemoryLeavesBlocksToTheInterpreter()
    {
        b.Hart.BaselineArenaSize = -4096; // no mmap can grant that
        b.RunProgram(ManyBlocks(10));
        Assert.Equal(2000UL, b.X(10));
        Assert.Equal(0, b.Hart.BaselineBlocksCompiled);
        Assert.Contains("code space", b.Hart.BaselineUnavailable);
    }
}
