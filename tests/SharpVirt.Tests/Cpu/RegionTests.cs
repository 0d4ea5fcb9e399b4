using SharpVirt.Cpu;
using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Translation;
using E = SharpVirt.Tests.Asm.Encode;

namespace SharpVirt.Tests.Cpu;

/// <summary>
/// Regions: a hot block compiled together with the blocks it reaches on its page, so that jumps between them
/// stay inside one method (chained) until the caller's budget runs out.
/// </summary>
public class RegionTests
{
    // a: ADDI x10, x10, 1; JAL x0, b      (offsets 0, 4)
    //    NOP                              (8)
    // b: ADDI x11, x11, -1; BNEZ x11, a   (12, 16)
    //    ECALL                            (20)
    private static readonly uint[] Loop = [E.Addi(10, 10, 1), E.J(8), E.Nop(), E.Addi(11, 11, -1), E.Bnez(11, -16), E.Ecall()];

    private static Segment[] TwoSegments() =>
    [
        new(0, [Decoder.Decode(Loop[0]), Decoder.Decode(Loop[1])]),
        new(12, [Decoder.Decode(Loop[3]), Decoder.Decode(Loop[4])]),
    ];

    /// <summary>Runs the region entered at its segment <paramref name="entry"/>, whose first instruction is at <paramref name="pc"/>.</summary>
    private static unsafe (int Retired, ulong[] X) Call(Hart hart, Segment[] segments, ulong x11, int budget, int entry = 0, ulong pc = HartBench.Code)
    {
        var function = BlockTranslator.Bind(BlockTranslator.Emit(segments, HartBench.Code), hart);
        var x = new ulong[32];
        x[11] = x11;
        fixed (ulong* p = x)
            return (function(p, pc, budget, entry), x);
    }

    [Fact]
    public void ARegionCanBeEnteredAtItsSecondBlock()
    {
        using var b = new HartBench(jit: true);
        // b, a, b, a, b: the loop counts x11 down from 3 but adds to x10 only twice.
        var (retired, x) = Call(b.Hart, TwoSegments(), 3, 10_000, entry: 1, pc: HartBench.Code + 12);
        Assert.Equal(10, retired);
        Assert.Equal(2UL, x[10]);
        Assert.Equal(0UL, x[11]);
        Assert.Equal(HartBench.Code + 20, b.Hart.Pc);
    }

    [Fact]
    public void ALoopOverTwoBlocksRunsInOneCall()
    {
        using var b = new HartBench(jit: true);
        var (retired, x) = Call(b.Hart, TwoSegments(), 100, 10_000);
        Assert.Equal(400, retired);
        Assert.Equal(100UL, x[10]);
        Assert.Equal(0UL, x[11]);
        Assert.Equal(HartBench.Code + 20, b.Hart.Pc);

        // Compiled one block at a time, each call ends at the jump.
        (retired, _) = Call(b.Hart, TwoSegments()[..1], 100, 10_000);
        Assert.Equal(2, retired);
        Assert.Equal(HartBench.Code + 12, b.Hart.Pc);
    }

    [Fact]
    public void TheBudgetEndsTheChainAtABlockHead()
    {
        using var b = new HartBench(jit: true);
        // a, b, a, b, a: 10 instructions reach the budget of 9 at the jump to b.
        var (retired, x) = Call(b.Hart, TwoSegments(), 100, 9);
        Assert.Equal(10, retired);
        Assert.Equal(3UL, x[10]);
        Assert.Equal(98UL, x[11]);
        Assert.Equal(HartBench.Code + 12, b.Hart.Pc);
    }

    [Fact]
    public void AHotBlockIsCompiledWithTheBlocksThatRanAfterItOnItsPage()
    {
        using var b = new HartBench(jit: true);
        b.Hart.HotThreshold = 2; // the first pass runs decoded, the second compiles
        var program = new Asm().Li(11, 1000);
        foreach (uint w in Loop)
            program.Word(w);
        byte[] bytes = program.Assemble();
        b.RunProgram(program);
        Assert.Equal(11UL, b.Mcause);
        Assert.Equal(1000UL, b.X(10));
        Assert.Equal(0UL, b.X(11));

        // a's region holds b: it covers the bytes from a to b's end.
        int a = bytes.Length - Loop.Length * 4;
        var region = b.Hart.Translations.Find(bytes[a..(a + 8)]);
        Assert.NotNull(region);
        Assert.Equal(0, region.Start);
        Assert.Equal(bytes[a..(a + 20)], region.Code);
        // The loop ran in a's method from the second pass on: b was never hot by itself.
        Assert.Equal(1, b.Hart.BlocksCompiled);
    }

    [Fact]
    public void TheBlockACallReturnsToRunsInTheCallersRegion()
    {
        using var b = new HartBench(jit: true);
        b.Hart.HotThreshold = 2;
        // loop: CALL f; ADDI x11, x11, -1; BNEZ x11, loop; ECALL.  f: ADDI x10, x10, 1; RET
        var program = new Asm().Li(11, 100)
            .Label("loop").Jal(1, "f").Addi(11, 11, -1).Bnez(11, "loop").Ecall()
            .Label("f").Addi(10, 10, 1).Ret();
        byte[] bytes = program.Assemble();
        b.RunProgram(program);
        Assert.Equal(11UL, b.Mcause);
        Assert.Equal(100UL, b.X(10));

        // The loop head's region holds f and the return site, which enters it there: one compilation for all
        // three blocks, though the return site and f were as hot as the head.
        int loop = program.OffsetOf("loop"), back = loop + 4;
        var entry = b.Hart.Translations.Find(bytes[back..(back + 12)]);
        Assert.NotNull(entry);
        Assert.NotEqual(0, entry.Entry);
        Assert.Same(b.Hart.Translations.Find(bytes[loop..(loop + 4)])!.Method, entry.Method);
        Assert.Equal(1, b.Hart.BlocksCompiled);
    }

    [Fact]
    public void AReturnToABlockOfTheRegionStaysInTheMethod()
    {
        using var b = new HartBench(jit: true);
        // 0: CALL f; 4: ADDI x11, x11, -1; 8: BNEZ x11, 0; 12: ECALL; 16 (f): ADDI x10, x10, 1; 20: RET
        uint[] code = [E.Jal(1, 16), E.Addi(11, 11, -1), E.Bnez(11, -8), E.Ecall(), E.Addi(10, 10, 1), E.Ret()];
        Segment[] segments =
        [
            new(0, [Decoder.Decode(code[0])]),
            new(4, [Decoder.Decode(code[1]), Decoder.Decode(code[2])]),
            new(16, [Decoder.Decode(code[4]), Decoder.Decode(code[5])]),
        ];
        // Five instructions per iteration in one call: f's RET goes back to the return site inside the method.
        var (retired, x) = Call(b.Hart, segments, 100, 10_000);
        Assert.Equal(500, retired);
        Assert.Equal(100UL, x[10]);
        Assert.Equal(HartBench.Code + 4, x[1]);
        Assert.Equal(HartBench.Code + 12, b.Hart.Pc);

        // Without the return site in the region, the RET leaves it.
        (retired, _) = Call(b.Hart, [segments[0], segments[2]], 100, 10_000);
        Assert.Equal(3, retired);
        Assert.Equal(HartBench.Code + 4, b.Hart.Pc);
    }

    /// <summary>The guest instructions of <see cref="SplitLoop"/>'s body, less the two that count the iterations.</summary>
    private const int Body = 300;

    /// <summary>
    /// A loop of 302 instructions, run <paramref name="iterations"/> times: <see cref="Body"/> ADDIs to x10 (of
    /// <paramref name="addend"/>(i), 1 by default), then x11 counts down. Blocks of 64 fill the head's region
    /// (256 instructions), the last block gets its own.
    /// </summary>
    private static Asm SplitLoop(int iterations, Func<int, int>? addend = null)
    {
        var program = new Asm().Li(11, iterations).Label("top");
        for (int i = 0; i < Body; i++)
            program.Addi(10, 10, addend?.Invoke(i) ?? 1);
        return program.Addi(11, 11, -1).Bnez(11, "top").Ecall();
    }

    /// <summary>Enough budget for <see cref="SplitLoop"/>'s <paramref name="iterations"/> and the trap after them.</summary>
    private static long SplitLoopBudget(int iterations) => (long)iterations * (Body + 2) + 1000;

    /// <summary>A second hart sharing <paramref name="first"/>'s memory and compiled code.</summary>
    private static HartBench SecondHart(HartBench first) => new(1, first.Memory, first.Time, jit: true, translations: first.Hart.Translations);

    [Fact]
    public void ALoopSplitOverTwoRegionsOfAPageIsCompiledAgainAsOne()
    {
        using var b = new HartBench(jit: true);
        b.Hart.HotThreshold = 2;
        b.Hart.CompileInForeground = true;
        const int Iterations = 2 * Hart.TierUpEntries;
        var program = SplitLoop(Iterations);
        byte[] bytes = program.Assemble();
        b.RunProgram(program, budget: SplitLoopBudget(Iterations));
        Assert.Equal(11UL, b.Mcause);
        Assert.Equal((ulong)Iterations * Body, b.X(10));

        // Blocks a, b, c, d of 64 instructions, then e (46 and the ECALL). a's region is a-d, e's is e, a, b, c:
        // the loop went from one to the other twice per iteration until d or e was compiled again with all five.
        const int Block = 4 * BlockTranslator.MaxInstructions;
        int a = program.OffsetOf("top"), d = a + 3 * Block, e = a + 4 * Block;
        Assert.Equal(Hart.MaxRegionInstructions, b.Hart.Translations.Find(bytes[a..(a + Block)])!.Instructions);
        int? grownAtD = b.Hart.Translations.Find(bytes[d..e])?.Instructions;
        int? grownAtE = b.Hart.Translations.Find(bytes[e..])?.Instructions;
        Assert.True(grownAtD == Body + 2 || grownAtE == Body + 2, $"d {grownAtD} e {grownAtE} a {b.Hart.Translations.Find(bytes[a..(a + Block)])!.Instructions}");
    }

    /// <summary>
    /// Two harts sharing compiled code run the loop of the test above at once, with the background compiler:
    /// the second to tier up finds the first's region already compiled. Its compiler job must leave binding
    /// it to the hart, which may be running the block's old code: the compiler thread once bound it itself, so
    /// the hart could enter the old method at the new region's entry, at a wrong PC (a Linux boot met an
    /// illegal instruction in the middle of one).
    /// </summary>
    [Fact]
    public void TwoHartsTieringUpTheSameLoopAtOnceBothGetItRight()
    {
        using var h0 = new HartBench(0, jit: true);
        using var h1 = SecondHart(h0);
        const int Iterations = 3 * Hart.TierUpEntries;
        var program = SplitLoop(Iterations);
        h0.Load(program);
        var benches = new[] { h0, h1 };
        var threads = benches.Select(b => new Thread(() =>
        {
            b.Hart.HotThreshold = 2;
            b.Hart.CompileInForeground = false;
            b.Reset();
            b.RunToHalt(SplitLoopBudget(Iterations));
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        foreach (var b in benches)
        {
            Assert.Equal(11UL, b.Mcause);
            Assert.Equal(HartBench.Code + (ulong)program.OffsetOf("top") + (Body + 2) * 4, b.Mepc);
            Assert.Equal((ulong)Iterations * Body, b.X(10));
        }
    }

    /// <summary>
    /// A tier-up job that finds its bigger region already compiled (by another hart) leaves it for the hart
    /// to bind, as it does a region it compiles: the hart may be running the block's old code.
    /// </summary>
    [Fact]
    public void ATierUpFoundCompiledIsLeftForTheHartToBind()
    {
        using var h0 = new HartBench(0, jit: true);
        using var h1 = SecondHart(h0);
        const int Iterations = 3 * Hart.TierUpEntries;
        var program = SplitLoop(Iterations, i => i % 7); // blocks of different bytes, so each has its own regions
        byte[] bytes = program.Assemble();
        foreach (var b in new[] { h0, h1 })
            b.Hart.HotThreshold = 2;
        h0.Load(program);
        h1.Reset();
        Assert.Equal(ExitReason.Budget, h1.Hart.Run(10 * (Body + 2))); // h1's blocks compiled, not yet tiered up
        h0.Reset();
        h0.RunToHalt(SplitLoopBudget(Iterations)); // h0 tiers up

        const int Block = 4 * BlockTranslator.MaxInstructions;
        int top = program.OffsetOf("top");
        int grown = new[] { top + 3 * Block, top + 4 * Block }.Single(o => h0.Hart.Translations.Find(bytes[o..Math.Min(o + Block, bytes.Length)])?.Instructions == Body + 2);
        var block = h1.Hart.BlockAt(HartBench.Code + (ulong)grown)!;
        var function = block.Function;
        Assert.NotNull(function);
        BackgroundCompiler.Compile(new(h1.Hart, block, [new(0, block.Insns, block)], HartBench.Code + (ulong)grown, 0, block.Code, TierUp: true));
        Assert.Same(function, block.Function);
        Assert.Equal(Body + 2, block.Upgrade?.Instructions);

        h1.RunToHalt(SplitLoopBudget(Iterations)); // binds the upgrade itself
        Assert.Equal((ulong)Iterations * (ulong)Enumerable.Range(0, Body).Sum(i => i % 7), h1.X(10));
        Assert.NotSame(function, block.Function);
    }

    /// <summary>
    /// Another thread (the background compiler) binds code only to a block that has none; only the hart's
    /// own thread replaces it. The hart reads a block's function and then its entry, so the two must come
    /// from one binding.
    /// </summary>
    [Fact]
    public unsafe void ABoundBlockKeepsItsCodeWhenAnotherBindingComes()
    {
        int state = 0;
        var block = new Block(0x1000, &state, 0, [], 0, 0);
        var method = new System.Reflection.Emit.DynamicMethod("r", null, null);
        BlockFunction first = (x, pc, budget, entry) => 1, second = (x, pc, budget, entry) => 2;
        Assert.True(block.TryBind(new CompiledRegion(method, 0, [], Entry: 3) { Instructions = 40 }, first));
        Assert.False(block.TryBind(new CompiledRegion(method, 0, [], Entry: 0) { Instructions = 90 }, second));
        Assert.Same(first, block.Function);
        Assert.Equal(3, block.Entry);
        Assert.Equal(40, block.RegionInstructions);
        block.Rebind(new CompiledRegion(method, 0, [], Entry: 0) { Instructions = 90 }, second);
        Assert.Same(second, block.Function);
        Assert.Equal(0, block.Entry);
        Assert.Equal(90, block.RegionInstructions);
    }

    [Fact]
    public void ALongRunEndsAtABlockEndAndAShortOneExactly()
    {
        using var b = new HartBench(jit: true);
        var program = new Asm().Label("top");
        for (int i = 0; i < 9; i++)
            program.Addi(6, 6, 1);
        b.Load(program.J("top")); // one compiled block of 10 instructions, looping on itself
        b.Reset();

        // A time slice (Run.Chunk or more) finishes the block it is in: 4100 instructions, not 4099.
        Assert.Equal(ExitReason.Budget, b.Hart.Run(Hart.Chunk + 3));
        Assert.Equal(4100UL, b.Hart.Instret);
        Assert.Equal(HartBench.Code, b.Hart.Pc);
        Assert.Equal(3690UL, b.X(6));

        // A short run stops at the instruction, in the middle of the block.
        Assert.Equal(ExitReason.Budget, b.Hart.Run(7));
        Assert.Equal(4107UL, b.Hart.Instret);
        Assert.Equal(HartBench.Code + 28, b.Hart.Pc);
        Assert.Equal(3697UL, b.X(6));
    }

    /// <summary>
    /// A region using more than <see cref="BlockTranslator.WriteThroughAbove"/> registers writes each through to
    /// the hart, except a value that an ALU instruction replaces before anything can leave. A load that faults
    /// does not count as replacing it: the hart must hold the value from before the load.
    /// </summary>
    [Fact]
    public void AFaultSeesTheLastValueWrittenInAWriteThroughRegion()
    {
        using var b = new HartBench(jit: true);
        var insns = new List<uint>();
        for (int r = 14; r < 14 + BlockTranslator.WriteThroughAbove; r++)
            insns.Add(E.Addi(r, 0, r));
        // x12 = 1, then 6 (the first store is dead), then a load into x12 from the hole.
        insns.AddRange([E.Addi(12, 0, 1), E.Addi(12, 12, 5), E.Ld(12, 9, 0), E.Ecall()]);
        var segment = new Segment(0, insns.Select(w => Decoder.Decode(w)).ToArray()[..^1]);
        var function = BlockTranslator.Bind(BlockTranslator.Emit([segment], HartBench.Code), b.Hart);
        var x = new ulong[32];
        x[9] = HartBench.Hole;
        x[12] = 99;
        unsafe
        {
            fixed (ulong* p = x)
                Assert.Equal(BlockTranslator.WriteThroughAbove + 2, function(p, HartBench.Code, 10_000, 0));
        }
        Assert.Equal(6UL, x[12]);
        Assert.Equal(23UL, x[23]);
        Assert.Equal(HartBench.Code + (ulong)(4 * (BlockTranslator.WriteThroughAbove + 2)), b.Mepc);
        Assert.Equal(HartBench.Hole, b.Mtval);
    }
}
