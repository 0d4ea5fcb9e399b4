using SharpVirt.Cpu;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Machine.Sbi;
using SharpVirt.Machine.Vstate;
using SharpVirt.Memory;
using SharpVirt.Tests.Cpu;
using static SharpVirt.Tests.Cpu.PageTable;

namespace SharpVirt.Tests.Sbi;

/// <summary>SBI RFENCE (SBI spec ch. 8) between two vCPUs: the caller returns once each target has fenced.</summary>
public sealed unsafe class RfenceTests : IDisposable
{
    private const ulong Loop = HartBench.Code + 0x1000, Function = HartBench.Code + 0x3000;
    private const ulong Result = HartBench.Data, Iterations = HartBench.Data + 8;

    private readonly HartBench h0 = new(0);
    private readonly HartBench h1;
    private readonly Services vm;
    private readonly Vcpu caller, target;
    private readonly SbiHandler sbi;

    public RfenceTests()
    {
        h1 = new HartBench(1, h0.Memory, h0.Time);
        vm = new Services(h0.Memory);
        sbi = new SbiHandler(vm);
        caller = new Vcpu(h0.Hart, vm, sbi, null);
        target = new Vcpu(h1.Hart, vm, sbi, null);
        vm.Vcpus = [caller, target];
    }

    public void Dispose()
    {
        vm.Exiting = true;
        target.Shutdown();
        h1.Dispose();
        h0.Dispose();
    }

    /// <summary>
    /// Hart 1 calls a function on a page of its own in a loop. Its first instruction is then replaced
    /// behind the page tracking's back, as by a store from another hart racing with the page becoming code
    /// (the one write the tracking can miss). Hart 1 keeps running its cached block until hart 0's
    /// remote FENCE.I makes every block recheck its bytes.
    /// </summary>
    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public void RemoteFenceIMakesTheTargetRunTheNewCode(bool jit, int nativeThreshold)
    {
        if (nativeThreshold > 0 && !BaselineTranslatorSupported())
            return;
        h1.Hart.JitEnabled = jit;
        h1.Hart.NativeThreshold = nativeThreshold;
        byte[] one = new Asm().Li(10, 1).Assemble(), two = new Asm().Li(10, 2).Assemble();
        Assert.Equal(one.Length, two.Length);
        h1.Load(new Asm().Li(10, 1).Ret(), Function);
        h1.Load(new Asm().Li(8, Result).Li(5, Function)
            .Label("loop").Jalr(1, 5, 0).Sd(10, 8, 0).Addi(9, 9, 1).Sd(9, 8, 8).J("loop"), Loop);
        h1.Reset(Loop);
        target.Launch(started: true);
        ulong seen = WaitForIterations(1000);
        Assert.Equal(1UL, h0.Read64(Result));

        two.CopyTo(new Span<byte>(h0.Memory.GetHostPointer(Function, (ulong)two.Length), two.Length));
        WaitForIterations(seen + 100_000);
        Assert.Equal(1UL, h0.Read64(Result)); // nothing told hart 1 yet

        Assert.Equal(0, Call(fid: 0, mask: 0b10, maskBase: 0));
        WaitForIterations(h0.Read64(Iterations) + 2);
        Assert.Equal(2UL, h0.Read64(Result));
    }

    /// <summary>Hart 1 reads a virtual page in a loop; the page is remapped, and hart 1 sees it once hart 0's remote SFENCE.VMA returns.</summary>
    [Fact]
    public void RemoteSfenceVmaFlushesTheTargetsTlb()
    {
        var remap = RunPaged(new Asm().Li(8, Result).Li(5, Va)
            .Label("loop").Ld(10, 5, 0).Sd(10, 8, 0).Addi(9, 9, 1).Sd(9, 8, 8).J("loop"));
        ulong seen = WaitForIterations(1000);
        Assert.Equal(1UL, h0.Read64(Result));

        remap();
        WaitForIterations(seen + 100_000);
        Assert.Equal(1UL, h0.Read64(Result)); // the old translation is still cached

        Assert.Equal(0, Call(fid: 1, mask: 0, maskBase: ulong.MaxValue)); // all harts, hart 0 included
        WaitForIterations(h0.Read64(Iterations) + 2);
        Assert.Equal(2UL, h0.Read64(Result));
    }

    /// <summary>
    /// A hart in WFI is neither woken nor waited for: it flushes before its next instruction. Hart 1 reads
    /// the page, halts, and reads it again once woken, after the page was remapped and the fence returned.
    /// </summary>
    [Fact]
    public void AHartInWfiFlushesBeforeItRunsAgain()
    {
        var remap = RunPaged(new Asm().Li(8, Result).Li(5, Va).Ld(10, 5, 0).Sd(10, 8, 0).Wfi()
            .Ld(10, 5, 0).Sd(10, 8, 0).Li(9, 1).Sd(9, 8, 8).Label("l").J("l"));
        WaitFor(() => target.Halted, () => "hart 1 did not reach its WFI in 30 s");
        Assert.False(h1.Hart.InGuest);
        Assert.Equal(1UL, h0.Read64(Result));

        remap();
        Assert.Equal(0, Call(fid: 1, mask: 0b10, maskBase: 0));
        h1.Hart.Kick();
        WaitForIterations(1);
        Assert.Equal(2UL, h0.Read64(Result));
    }

    [Fact]
    public void StoppedHartsAreNotWaitedFor()
    {
        Assert.Equal(0, Call(fid: 0, mask: 0b11, maskBase: 0));
        Assert.Equal(0, Call(fid: 1, mask: 0b11, maskBase: 0));
        Assert.False(h1.Hart.RemoteFenceServed(RemoteFence.Tlb, 1));
        Assert.False(h1.Hart.RemoteFenceServed(RemoteFence.Instructions, 1));
        Assert.True(h0.Hart.RemoteFenceServed(RemoteFence.Tlb, 1)); // the caller serves its own at once
    }

    [Fact]
    public void AHartOutsideTheMachineIsAnInvalidParameter()
    {
        Assert.Equal(SbiError.InvalidParam, Call(fid: 0, mask: 0b100, maskBase: 0));
        Assert.Equal(SbiError.InvalidParam, Call(fid: 2, mask: 1, maskBase: 2));
    }

    private const ulong Va = 0x4000_0000;

    /// <summary>
    /// Starts hart 1 on <paramref name="program"/> in S-mode under Sv39, with <see cref="Va"/> mapped to a
    /// page holding 1; returns the action that maps it to a page holding 2 (no fence).
    /// </summary>
    private Action RunPaged(Asm program)
    {
        const ulong Old = HartBench.Data + 0x1000, New = HartBench.Data + 0x2000;
        var pt = new PageTable(h1, Satp.Sv39);
        pt.Map(HartBench.RamBase, HartBench.RamBase, 2, V | RWX | A | D | G);
        ulong leaf = pt.Map(Va, Old, 0, V | R | A);
        h1.Write64(Old, 1);
        h1.Write64(New, 2);
        h1.Load(program, Loop);
        h1.Poke(CsrAddress.Satp, pt.Satp());
        h1.Enter(PrivilegeMode.Supervisor, Loop);
        target.Launch(started: true);
        return () => pt.Write(leaf, ((New >> 12) << 10) | V | R | A);
    }

    /// <summary>Makes an RFENCE call as hart 0, from this thread; returns the SBI error.</summary>
    private long Call(ulong fid, ulong mask, ulong maskBase)
    {
        var h = h0.Hart;
        h.SetX(17, SbiExtension.Rfence);
        h.SetX(16, fid);
        h.SetX(10, mask);
        h.SetX(11, maskBase);
        h.SetX(12, 0);
        h.SetX(13, ulong.MaxValue);
        sbi.Handle(caller);
        return (long)h.GetX(10);
    }

    private ulong WaitForIterations(ulong count)
    {
        ulong n = 0;
        WaitFor(() => (n = h0.Read64(Iterations)) >= count, () => $"hart 1 ran {n} of {count} iterations in 30 s (pc 0x{h1.Hart.Pc:x})");
        return n;
    }

    /// <summary>Waits up to 30 s for <paramref name="done"/>; fails with <paramref name="failure"/> then, or at once if the VM exits.</summary>
    private void WaitFor(Func<bool> done, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!done())
        {
            Assert.True(vm.Exit is null, vm.Exit?.Message);
            if (DateTime.UtcNow >= deadline)
                Assert.Fail(failure());
            Thread.Sleep(1);
        }
    }

    private static bool BaselineTranslatorSupported() => SharpVirt.Cpu.Translation.BaselineTranslator.HostSupported;

    private sealed class Services(GuestMemory memory) : IVmServices
    {
        public IReadOnlyList<Vcpu> Vcpus { get; set; } = [];
        public GuestMemory Memory => memory;
        public bool Exiting { get; set; }
        public VmExit? Exit { get; private set; }

        public void RequestExit(VmExit exit) => Exit ??= exit;

        public void ConsoleWrite(ReadOnlySpan<byte> bytes)
        {
        }

        public int ConsoleRead() => -1;
    }
}
