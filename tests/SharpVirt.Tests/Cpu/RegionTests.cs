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

    [Fact]
    public void ALoopSplitOverTwoRegionsOfAPageIsCompiledAgainAsOne()
    {
        using var b = new HartBench(jit: true);
        b.Hart.HotThreshold = 2;
        b.Hart.CompileInForeground = true;
        // A loop of 302 instructions: blocks of 64 fill the head's region (256), the last block gets its own.
        const int Body = 300, Iterations = 2 * Hart.TierUpEntries;
        var program = new Asm().Li(11, Iterations).Label("top");
        for (int i = 0; i < Body; i++)
            program.Addi(10, 10, 1);
        program.Addi(11, 11, -1).Bnez(11, "top").Ecall();
        byte[] bytes = program.Assemble();
        b.RunProgram(program, budget: (long)Iterations * (Body + 2) + 1000);
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
}
