using SharpVirt.Cpu;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Translation;
using SharpVirt.Cpu.Traps;
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
    private void RunWithRemap(bool baseline, Func<Func<Asm, Asm>, Asm> program)
    {
        Engine(baseline);
        var pt = Paging();
        ulong leaf = pt.Map(Function, P1, 0, V | R | X | A | D);
        b.Load(P1, new Asm().Li(10, 1).Ret().Assemble());
        b.Load(P2, new Asm().Li(10, 100).Ret().Assemble());
        ulong newPte = ((P2 >> 12) << 10) | V | R | X | A | D;
        b.Load(program(a => a.Li(6, (long)leaf).Li(7, (long)newPte).Sd(7, 6, 0).SfenceVma()));
        b.Poke(C.Satp, pt.Satp());
        b.Enter(PrivilegeMode.Supervisor, HartBench.Code);
        b.RunToHalt();
        Assert.Equal((ulong)ExceptionCause.EcallFromS, b.Mcause);
        Assert.Equal(10UL * 1 + 10 * 100, b.X(18));
    }

    /// <summary>
    /// With <paramref name="baseline"/>, blocks run baseline code instead of RyuJIT's. Baseline code does not go on
    /// to another page itself: the hart's block lookup finds the next block there, and must not find a stale one.
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

    /// <summary>
    /// The same, with one calling block throughout: the remap comes in the middle of the loop, so the block's
    /// link to the callee it reached last (<see cref="SharpVirt.Cpu.Translation.Block.Far"/>) must go too.
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
}
