using SharpVirt.Cpu;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Translation;
using SharpVirt.Cpu.Traps;
using SharpVirt.Memory;
using static SharpVirt.Tests.Cpu.PageTable;
using C = SharpVirt.Cpu.Csr.CsrAddress;

namespace SharpVirt.Tests.Cpu;

/// <summary>
/// The jump cache: compiled code goes on to a compiled block on another page by its virtual PC, which must
/// hold only for the translation it was found under (page tables and SFENCE.VMA, privilege mode).
/// </summary>
public sealed class JumpCacheTests : IDisposable
{
    // Pages of code in other fetch TLB sets than the main code's (which is in set 0).
    private const ulong Function = 0x4000_3000;
    private const ulong P1 = HartBench.Data, P2 = HartBench.Data + 0x1000;
    private const ulong UCode = HartBench.Code + 0x8000, UVa = 0x5000_5000;

    private readonly HartBench b = new(jit: true);

    public void Dispose() => b.Dispose();

    private PageTable Paging()
    {
        var pt = new PageTable(b, Satp.Sv39);
        pt.Map(HartBench.RamBase, HartBench.RamBase, 2, V | RWX | A | D | G);
        return pt;
    }

    /// <summary>Calls <see cref="Function"/> ten times, adding what it returns in a0 to s1.</summary>
    private static Asm CallTenTimes(Asm a, string label) => a
        .Li(9, 10).Label(label)
        .Li(5, (long)Function).Jalr(1, 5, 0)
        .Add(18, 18, 10)
        .Addi(9, 9, -1).Bnez(9, label);

    /// <summary>
    /// Maps <see cref="Function"/> to P1 (returning 1) and runs <paramref name="program"/> in S-mode, given what
    /// appends the code that remaps it to P2 (returning 100) with SFENCE.VMA; checks that s1 got ten of each.
    /// </summary>
    /// <param name="byAddress">SFENCE.VMA of the remapped page only (as Linux flushes one page) instead of all.</param>
    private void RunWithRemap(bool baseline, Func<Func<Asm, Asm>, Asm> program, bool byAddress = false)
    {
        Engine(baseline);
        var pt = Paging();
        ulong leaf = pt.Map(Function, P1, 0, V | R | X | A | D);
        b.Load(P1, new Asm().Li(10, 1).Ret().Assemble());
        b.Load(P2, new Asm().Li(10, 100).Ret().Assemble());
        ulong newPte = ((P2 >> 12) << 10) | V | R | X | A | D;
        b.Load(program(a => byAddress
            ? a.Li(6, (long)leaf).Li(7, (long)newPte).Sd(7, 6, 0).Li(8, (long)Function + 0x10).SfenceVma(8, 0)
            : a.Li(6, (long)leaf).Li(7, (long)newPte).Sd(7, 6, 0).SfenceVma()));
        b.Poke(C.Satp, pt.Satp());
        b.Enter(PrivilegeMode.Supervisor, HartBench.Code);
        b.RunToHalt();
        Assert.Equal((ulong)ExceptionCause.EcallFromS, b.Mcause);
        Assert.Equal(10UL * 1 + 10 * 100, b.X(18));
    }

    /// <summary>
    /// With <paramref name="baseline"/>, blocks run baseline code instead of RyuJIT's: the jump cache then holds
    /// baseline code, and must not name it for a translation it was not found under.
    /// </summary>
    private void Engine(bool baseline)
    {
        if (!baseline)
            return;
        Assert.True(BaselineTranslator.HostSupported, "the baseline tier needs an x86-64 Linux host");
        b.Hart.HotThreshold = int.MaxValue;
        b.Hart.NativeThreshold = 1;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ARemappedPageRunsItsNewCodeAfterSfenceVma(bool baseline)
        => RunWithRemap(baseline, remap => CallTenTimes(remap(CallTenTimes(new Asm(), "first")), "second").Ecall());

    /// <summary>The same with a flush of the page's address only, which ends the jump cache's entries only when code ran from that page.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ARemappedPageRunsItsNewCodeAfterAnSfenceVmaOfItsAddress(bool baseline)
        => RunWithRemap(baseline, remap => CallTenTimes(remap(CallTenTimes(new Asm(), "first")), "second").Ecall(), byAddress: true);

    /// <summary>
    /// The same, with one calling block throughout: the remap comes in the middle of the loop, so the jump
    /// cache's entry for the callee, which the caller's every call finds, must go too.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACallingBlocksLinkToAnotherPageDoesNotOutliveSfenceVma(bool baseline)
        => RunWithRemap(baseline, remap => remap(new Asm().Li(9, 20).Label("loop")
                .Li(5, (long)Function).Jalr(1, 5, 0)
                .Add(18, 18, 10)
                .Li(6, 11).Bne(9, 6, "next"))
            .Label("next").Addi(9, 9, -1).Bnez(9, "loop").Ecall());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UserModeDoesNotRunASupervisorPageFoundInSupervisorMode(bool baseline)
    {
        Engine(baseline);
        // S calls the function page (not U) until its block is cached, then SRETs to U code that jumps there.
        var pt = Paging();
        pt.Map(Function, P1, 0, V | R | X | A | D);
        pt.Map(UVa, UCode, 0, V | U | R | X | A | D);
        b.Load(P1, new Asm().Li(10, 1).Ret().Assemble());
        b.Load(UCode, new Asm().Li(5, (long)Function).Jalr(1, 5, 0).Ecall().Assemble());
        var main = CallTenTimes(new Asm(), "loop").Li(6, (long)UVa).Csrw(C.Sepc, 6).Sret();
        b.Load(main);
        b.Poke(C.Satp, pt.Satp());
        b.Enter(PrivilegeMode.Supervisor, HartBench.Code);
        b.RunToHalt();
        Assert.Equal(10UL, b.X(18));
        b.AssertMTrap((ulong)ExceptionCause.InstructionPageFault, Function, Function);
    }

    /// <summary>A compiled block of the bench's code, for the jump cache's own tests.</summary>
    private Block CompiledBlock()
    {
        // The loop's block is compiled at its first run, on this thread (the bench's threshold is 1).
        var program = new Asm().Li(9, 3).Label("loop").Addi(10, 10, 1).Addi(9, 9, -1).Bnez(9, "loop").Ecall();
        b.RunProgram(program);
        var block = b.Hart.BlockAt(HartBench.Code + (ulong)program.OffsetOf("loop"));
        Assert.NotNull(block?.Function);
        return block!;
    }

    /// <summary>
    /// An entry names its block for one PC, translation key and FENCE.I epoch, while its page is unwritten; a
    /// write to another code page makes it check its own page once more, and hold.
    /// </summary>
    [Fact]
    public unsafe void AnEntryHitsForItsPcKeyAndEpochUntilItsPageIsWritten()
    {
        var block = CompiledBlock();
        var cache = new JumpCache();
        const ulong Pc = 0x8000_1000;
        const long Key = 42;
        const int Epoch = 3;
        var e = cache.Store(Pc, Key, block, block.Function!, Epoch, CodePages.Writes);
        Assert.True(e == cache.At(Pc));
        Assert.True(JumpCache.Hits(e, Pc, Key, Epoch));
        Assert.Same(block, cache.Find(Pc, Key));
        Assert.Equal(block.EntryPoint, e->Code);
        Assert.Equal(block.Count, e->Count);
        Assert.False(JumpCache.Hits(e, Pc + 2 * JumpCache.Size, Key, Epoch)); // the same entry, another PC
        Assert.False(JumpCache.Hits(e, Pc, Key + 1, Epoch));
        Assert.False(JumpCache.Hits(e, Pc, Key, Epoch + 1));
        Assert.Null(cache.Find(Pc, Key + 1));

        int writes = Interlocked.Increment(ref CodePages.Writes); // as a write to some other code page does
        Assert.True(e->Writes < writes);
        Assert.True(JumpCache.Hits(e, Pc, Key, Epoch));
        Assert.True(e->Writes >= writes); // rechecked, so the next hit needs no page state

        b.Write32(HartBench.Code + 0x100, 0); // the block's page is written
        Assert.False(JumpCache.Hits(e, Pc, Key, Epoch));
        Assert.False(block.PageUnchanged);
    }

    /// <summary>
    /// An empty entry hits no PC, not even 0 under key 0 and epoch 0: the cache starts and is cleared with an
    /// odd PC in every entry, so a step never reads an empty entry's page state (there is none).
    /// </summary>
    [Fact]
    public unsafe void AnEmptyEntryHitsNothing()
    {
        var cache = new JumpCache();
        Assert.False(JumpCache.Hits(cache.At(0), 0, 0, 0));
        Assert.Null(cache.Find(0, 0));
        var block = CompiledBlock();
        cache.Store(0, 0, block, block.Function!, 0, CodePages.Writes);
        Assert.True(JumpCache.Hits(cache.At(0), 0, 0, 0));
        cache.Clear();
        Assert.False(JumpCache.Hits(cache.At(0), 0, 0, 0));
        Assert.Null(cache.BlockOf(cache.At(0)));
    }

    /// <summary>An entry is one cache line, so a step's read of it is one miss at most.</summary>
    [Fact]
    public unsafe void AnEntryIsOneCacheLine() => Assert.Equal(64, sizeof(JumpCache.Entry));

    /// <summary>
    /// A baseline entry counts its runs down; they go to its block's heat (toward RyuJIT) when the hart looks at
    /// the block again, or when another entry takes its place, and only once.
    /// </summary>
    [Fact]
    public unsafe void ABaselineEntryCreditsItsRunsToItsBlock()
    {
        var block = CompiledBlock();
        var cache = new JumpCache();
        int heat = block.Heat;
        var e = cache.StoreNative(0x2000, 1, block, 0, CodePages.Writes, Block.Bindings, 100);
        Assert.NotEqual(0, e->Native);
        Assert.Equal(block.Native, e->Code);
        Assert.True(JumpCache.Hits(e, 0x2000, 1, 0));
        e->Entries = 30; // 70 runs
        cache.Credit(e);
        Assert.Equal(heat + 70, block.Heat);
        cache.Credit(e);
        Assert.Equal(heat + 70, block.Heat);
        e->Entries = -1; // ran out
        var compiled = cache.Store(0x2000, 1, block, block.Function!, 0, CodePages.Writes);
        Assert.True(compiled == e);
        Assert.Equal(heat + 100, block.Heat);
        Assert.Equal(0, e->Native);
        Assert.Equal(block.EntryPoint, e->Code);
        cache.Credit(e); // a compiled entry has nothing to credit
        Assert.Equal(heat + 100, block.Heat);
    }

    /// <summary>
    /// Steps count a block's entries toward a tier-up in its jump cache entry: storing the same block again (the
    /// interpreter entering it) keeps the count, and another block in the entry starts from that block's own.
    /// </summary>
    [Fact]
    public unsafe void StoringTheSameBlockAgainKeepsItsEntryCount()
    {
        var block = CompiledBlock();
        var cache = new JumpCache();
        var e = cache.Store(0x1000, 1, block, block.Function!, 0, CodePages.Writes);
        Assert.Equal(block.Entries, e->Entries);
        e->Entries = 500;
        Assert.Equal(500, cache.Store(0x1000, 1, block, block.Function!, 0, CodePages.Writes)->Entries);
        // Stored again in a new FENCE.I epoch, it holds for that epoch.
        Assert.True(cache.Store(0x1000, 1, block, block.Function!, 7, CodePages.Writes) == e);
        Assert.True(JumpCache.Hits(e, 0x1000, 1, 7));
        Assert.False(JumpCache.Hits(e, 0x1000, 1, 0));
        Assert.Equal(block.Entries, cache.Store(0x1000, 2, block, block.Function!, 0, CodePages.Writes)->Entries); // another translation
        Assert.NotEqual(500, block.Entries);
    }
}
