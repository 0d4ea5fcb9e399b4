using SharpVirt.Memory;

namespace SharpVirt.Tests.Cpu;

/// <summary>
/// Decoded and compiled blocks are kept per guest-physical address until their page is written: by the hart
/// itself, by another hart, or by the host (DMA). Each test runs code once (so it is cached), writes it by
/// one of those ways without a FENCE.I, and checks the new code runs.
/// </summary>
public class CodeWriteTests
{
    private const ulong Code1 = HartBench.Code + 0x1000, Func = HartBench.Code + 0x100;

    private static uint Addi10(int imm) => Asm.Encode.Addi(10, 0, imm);

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(true, 2)] // compiled at the second run: regions chain the store's block to the loop and func
    public void AStoreToCachedCodeOnTheSamePageIsSeen(bool jit, int threshold)
    {
        using var b = new HartBench(jit: jit);
        b.Hart.HotThreshold = threshold;
        // Calls func six times; after the third call, patches func's first instruction to add 100 instead of 1.
        var a = new Asm().Li(10, 0).Li(7, 0)
            .Label("loop").Jal("func").Addi(7, 7, 1)
            .Li(8, 3).Bne(7, 8, "skip")
            .La(5, "func").Li(6, Asm.Encode.Addi(10, 10, 100)).Sw(6, 5, 0)
            .Label("skip").Li(8, 6).Blt(7, 8, "loop")
            .Ecall()
            .Label("func").Addi(10, 10, 1).Ret();
        b.RunProgram(a);
        Assert.Equal(11UL, b.Mcause);
        Assert.Equal(303UL, b.X(10));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AHostWriteToCachedCodeIsSeen(bool jit)
    {
        using var b = new HartBench(jit: jit);
        b.RunProgram(CallFunc(Addi10(1)));
        Assert.Equal(1UL, b.X(10));
        // As a device's DMA would: through guest memory, not through the hart.
        Assert.True(b.Memory.TryWrite(Func, Addi10(2)));
        b.Reset();
        b.RunToHalt();
        Assert.Equal(2UL, b.X(10));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnotherHartsStoreToCachedCodeIsSeen(bool jit)
    {
        using var h0 = new HartBench(0, jit: jit);
        using var h1 = new HartBench(1, h0.Memory, h0.Time, jit);
        h0.Load(CallFunc(null));
        // h1 stores to the page first, so its TLB holds a store entry for it before h0 runs code there.
        StoreFromHart(h1, Addi10(1), first: true);
        h0.Reset();
        h0.RunToHalt();
        Assert.Equal(1UL, h0.X(10));

        StoreFromHart(h1, Addi10(2));
        h0.Reset();
        h0.RunToHalt();
        Assert.Equal(2UL, h0.X(10));
    }

    /// <summary>
    /// Calls a function at <see cref="Func"/> (first instruction <paramref name="first"/>, when given, then RET)
    /// and ends in ECALL. The function starts a block, as a jump target, so it is cached.
    /// </summary>
    private static Asm CallFunc(uint? first, bool fenceFirst = false)
    {
        var a = fenceFirst ? new Asm().FenceI() : new Asm().Word(Asm.Encode.Addi(0, 0, 0));
        a.Jal("func").Ecall();
        for (ulong at = HartBench.Code + 12; at < Func; at += 4)
            a.Word(Asm.Encode.Addi(0, 0, 0));
        a.Label("func");
        if (first is uint insn)
            a.Word(insn);
        else
            a.Word(Asm.Encode.Addi(0, 0, 0)); // h1 writes the real one
        return a.Ret();
    }

    /// <summary>
    /// Has <paramref name="h"/> store <paramref name="insn"/> at <see cref="Func"/> with an SW. The hart is not
    /// reset after the first call, so its TLB keeps what the previous store cached.
    /// </summary>
    private static void StoreFromHart(HartBench h, uint insn, bool first = false)
    {
        if (first)
        {
            h.Load(new Asm().Li(5, (long)Func).Sw(6, 5, 0).Ecall(), Code1);
            h.Reset(Code1);
        }
        h.Hart.Pc = Code1;
        h.Hart.SetX(6, insn);
        h.RunToHalt();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public unsafe void FenceIKeepsUnchangedBlocksAndRechecksTheRest(bool jit)
    {
        using var b = new HartBench(jit: jit);
        b.RunProgram(CallFunc(Addi10(1), fenceFirst: true));
        int compiled = b.Hart.BlocksCompiled;
        b.Reset();
        b.RunToHalt();
        Assert.Equal(1UL, b.X(10));
        Assert.Equal(compiled, b.Hart.BlocksCompiled); // FENCE.I kept the compiled function
        // A write behind the page tracker's back, as a store racing with the page's protection could be:
        // only the FENCE.I the guest must execute before running new code catches it.
        *(uint*)b.Memory.GetHostPointer(Func, 4) = Addi10(2);
        b.Reset();
        b.RunToHalt();
        Assert.Equal(2UL, b.X(10));
    }

    /// <summary>
    /// A hart alone on its memory (a one-vCPU machine) has no other hart whose store could race with a page
    /// becoming code, so its FENCE.I does not look at the bytes again; a tracked write still makes code stale.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public unsafe void ASoleHartsFenceIRechecksNothing(bool jit)
    {
        using var b = new HartBench(jit: jit);
        b.Hart.SoleHart = true;
        b.RunProgram(CallFunc(Addi10(1), fenceFirst: true));
        *(uint*)b.Memory.GetHostPointer(Func, 4) = Addi10(2); // behind the page state's back
        b.Reset();
        b.RunToHalt();
        Assert.Equal(1UL, b.X(10));

        b.Write32(Func, Addi10(3));
        b.Reset();
        b.RunToHalt();
        Assert.Equal(3UL, b.X(10));
    }

    [Fact]
    public void CodePagesTrackProtectionAndWrites()
    {
        using var pages = new CodePagesFixture();
        unsafe
        {
            int* s = pages.Code.StateOf(0x1000);
            Assert.False(CodePages.HoldsCode(s));
            CodePages.Written(s); // not code: nothing to make stale
            Assert.Equal(0, *s);

            int built = CodePages.Protect(s, out bool first);
            Assert.True(first);
            Assert.True(CodePages.HoldsCode(s));
            Assert.Equal(built, CodePages.Protect(s, out bool again));
            Assert.False(again);

            pages.Code.Written(0x0ff8, 16); // the last bytes of page 0 and the first of page 1
            Assert.False(CodePages.HoldsCode(s));
            Assert.NotEqual(built, *s);
            int next = CodePages.Protect(s, out first);
            Assert.True(first);
            Assert.NotEqual(built, next); // code built before the write never matches again
            Assert.Equal(0, *pages.Code.StateOf(0x2000));
        }
    }

    private sealed class CodePagesFixture : IDisposable
    {
        public readonly CodePages Code = new(16 * MemorySlot.PageSize);

        public void Dispose() => Code.Dispose();
    }
}
