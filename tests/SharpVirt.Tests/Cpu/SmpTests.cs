using SharpVirt.Cpu;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Mmu;
using static SharpVirt.Tests.Cpu.PageTable;
using C = SharpVirt.Cpu.Csr.CsrAddress;

namespace SharpVirt.Tests.Cpu;

/// <summary>Two harts on two host threads over one guest memory: atomics must be atomic.</summary>
public class SmpTests : IDisposable
{
    private const int Iterations = 100_000;
    private const ulong Counter = HartBench.Data + 0x40, Ready = HartBench.Data + 0x1000;
    private readonly HartBench h0;
    private readonly HartBench h1;

    public SmpTests()
        : this(jit: false)
    {
    }

    protected SmpTests(bool jit)
    {
        h0 = new HartBench(0, jit: jit);
        h1 = new HartBench(1, h0.Memory, h0.Time, jit);
    }

    public void Dispose()
    {
        h1.Dispose();
        h0.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Each hart runs its own program from its own address; both end in WFI.</summary>
    private void RunBoth(Asm p0, Asm p1)
    {
        const ulong Code1 = HartBench.Code + 0x1000;
        h0.Reset(HartBench.Code);
        h1.Reset(Code1);
        h0.Load(p0, HartBench.Code);
        h1.Load(p1, Code1);
        using var start = new Barrier(2);
        Exception? failure = null;
        Thread Spawn(Hart h) => new(() =>
        {
            try
            {
                start.SignalAndWait();
                while (h.Run(1_000_000) != ExitReason.Wfi)
                {
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        { Name = $"vcpu{h.HartId}" };
        var t0 = Spawn(h0.Hart);
        var t1 = Spawn(h1.Hart);
        t0.Start();
        t1.Start();
        Assert.True(t0.Join(TimeSpan.FromSeconds(60)) && t1.Join(TimeSpan.FromSeconds(60)), "harts did not finish");
        Assert.Null(failure);
    }

    private static Asm AmoLoop(bool word) =>
        Loop(a => word ? a.AmoaddW(0, 6, 10) : a.AmoaddD(0, 6, 10));

    private static Asm LrScLoop(bool word) =>
        Loop(a => a.Label("retry")
            .Word(word ? Asm.Encode.LrW(5, 10) : Asm.Encode.LrD(5, 10))
            .Add(5, 5, 6)
            .Word(word ? Asm.Encode.ScW(28, 5, 10) : Asm.Encode.ScD(28, 5, 10))
            .Bnez(28, "retry"));

    private static Asm Loop(Func<Asm, Asm> body)
    {
        // Rendezvous first, so that the two loops really overlap: count in, then wait for the other hart.
        var a = new Asm().Li(10, (long)Counter).Li(6, 1).Li(7, Iterations)
            .Li(11, (long)Ready).AmoaddW(0, 6, 11).Li(12, 2)
            .Label("wait").Lw(13, 11, 0).Blt(13, 12, "wait")
            .Label("loop");
        body(a);
        return a.Addi(7, 7, -1).Bnez(7, "loop").Wfi();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AmoaddFromTwoHartsIsExact(bool word)
    {
        h0.Write64(Counter, 0);
        RunBoth(AmoLoop(word), AmoLoop(word));
        Assert.Equal(2UL * Iterations, h0.Read64(Counter));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LrScLoopsFromTwoHartsAreExact(bool word)
    {
        h0.Write64(Counter, 0);
        RunBoth(LrScLoop(word), LrScLoop(word));
        Assert.Equal(2UL * Iterations, h0.Read64(Counter));
    }

    [Fact]
    public void LrScAgainstAmoIsExact()
    {
        h0.Write64(Counter, 0);
        RunBoth(LrScLoop(word: false), AmoLoop(word: false));
        Assert.Equal(2UL * Iterations, h0.Read64(Counter));
    }

    [Fact]
    public void RemoteTlbFlushIsServedAtTheNextPoll()
    {
        // h0 runs S-mode with paging; another agent remaps a page and posts a flush, which h0 serves before going on.
        var pt = new PageTable(h0, Satp.Sv39);
        pt.Map(HartBench.RamBase, HartBench.RamBase, 2, V | RWX | A | D | G);
        ulong leaf = pt.Map(0x4000_0000, HartBench.Data, 0, V | R | A);
        h0.Write64(HartBench.Data, 1);
        h0.Write64(HartBench.Data + 0x1000, 2);
        h0.Load(new Asm().Li(5, 0x4000_0000).Ld(10, 5, 0).Ld(11, 5, 0).Ecall());
        h0.Poke(C.Satp, pt.Satp());
        h0.Enter(PrivilegeMode.Supervisor, HartBench.Code);
        h0.Hart.Run(2); // li, first ld: cached
        pt.Write(leaf, (((HartBench.Data + 0x1000) >> 12) << 10) | V | R | A);
        long ticket = h0.Hart.PostRemoteFence(RemoteFence.Tlb);
        Assert.False(h0.Hart.RemoteFenceServed(RemoteFence.Tlb, ticket));
        h0.RunToHalt();
        Assert.True(h0.Hart.RemoteFenceServed(RemoteFence.Tlb, ticket));
        Assert.Equal(1UL, h0.X(10));
        Assert.Equal(2UL, h0.X(11));
    }

    /// <summary>
    /// A fence posted while the hart runs guest code is served at its next block, not at the end of its
    /// time slice (4,096 instructions): the device's first write posts it, and by its second, 400
    /// instructions later in the same slice, it must be served. Interrupt lines and IPIs kick the same way.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AFencePostedWhileTheHartRunsIsServedAtItsNextBlock(bool jit)
    {
        using var b = new HartBench(jit: jit);
        long ticket = 0;
        bool? servedBySecondWrite = null;
        b.Bus.OnWrite = (_, value) =>
        {
            if (value == 1)
                ticket = b.Hart.PostRemoteFence(RemoteFence.Tlb);
            else
                servedBySecondWrite = b.Hart.RemoteFenceServed(RemoteFence.Tlb, ticket);
        };
        b.RunProgram(new Asm().Li(5, (long)HartBench.Device).Li(6, 1).Sd(6, 5, 0)
            .Li(7, 200).Label("loop").Addi(7, 7, -1).Bnez(7, "loop")
            .Li(6, 2).Sd(6, 5, 0).Ecall());
        Assert.True(servedBySecondWrite);
    }

    [Fact]
    public void StopRequestFromAnotherThread()
    {
        h0.Load(new Asm().Label("l").J("l"));
        var t = new Thread(() => { Thread.Sleep(20); h0.Hart.RequestStop(); });
        t.Start();
        ExitReason r;
        do
            r = h0.Hart.Run(100_000);
        while (r == ExitReason.Budget);
        t.Join();
        Assert.Equal(ExitReason.Stop, r);
        h0.Hart.ClearStop();
        Assert.Equal(ExitReason.Budget, h0.Hart.Run(10));
    }
}

/// <summary>The same with the block translator on.</summary>
public sealed class SmpTestsWithTranslator : SmpTests
{
    public SmpTestsWithTranslator()
        : base(jit: true)
    {
    }
}
