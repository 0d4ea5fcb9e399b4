using SharpVirt.Cpu;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Traps;
using static SharpVirt.Tests.Cpu.PageTable;
using C = SharpVirt.Cpu.Csr.CsrAddress;

namespace SharpVirt.Tests.Cpu;

/// <summary>Sv39/Sv48/Sv57 translation, permissions, A/D, MPRV, SFENCE.VMA and page faults (privileged spec ch. 12).</summary>
public sealed class MmuTests : IDisposable
{
    private const ulong Va = 0x4000_1000;                     // the page under test
    private const ulong Pa = HartBench.Data;                  // its frame
    private const ulong UCode = HartBench.Code + 0x8000;      // a copy of the program for U-mode...
    private const ulong UVa = 0x5000_0000;                    // ...mapped here with U set
    private const ulong Pattern = 0x1122_3344_5566_7788;
    private const ulong Ecall = 0x0000_0073;

    private readonly HartBench b = new();

    public void Dispose() => b.Dispose();

    /// <summary>Page tables with RAM's first GiB identity-mapped (global, not U) and the U-mode code page.</summary>
    private PageTable Paging(ulong mode = Satp.Sv39)
    {
        var pt = new PageTable(b, mode);
        pt.Map(HartBench.RamBase, HartBench.RamBase, 2, V | RWX | A | D | G);
        pt.Map(UVa, UCode, 0, V | U | R | X | A | D);
        return pt;
    }

    /// <summary>Loads <paramref name="a"/> for S (at Code) and U (at UVa), turns on <paramref name="pt"/> and runs it in <paramref name="mode"/>.</summary>
    private void RunIn(PrivilegeMode mode, PageTable pt, Asm a, ulong mstatus = 0, ushort asid = 0)
    {
        byte[] code = a.Assemble();
        b.Load(HartBench.Code, code);
        b.Load(UCode, code);
        b.Poke(C.Satp, pt.Satp(asid));
        b.Poke(C.Mstatus, mstatus);
        b.Enter(mode, mode == PrivilegeMode.User ? UVa : HartBench.Code);
        b.RunToHalt();
    }

    private ulong CodeVa(PrivilegeMode mode) => mode == PrivilegeMode.User ? UVa : HartBench.Code;

    private static ExceptionCause EcallFrom(PrivilegeMode mode) =>
        mode == PrivilegeMode.User ? ExceptionCause.EcallFromU : ExceptionCause.EcallFromS;

    /// <summary>
    /// One access to <c>Va + 0x10</c> (or a jump to <c>Va</c>) from <paramref name="mode"/> with the leaf flags given;
    /// checks it either completes or raises <paramref name="fault"/> with the faulting address in mtval.
    /// </summary>
    private void Access(PrivilegeMode mode, ulong flags, string access, ExceptionCause? fault, ulong mstatus = 0, int level = 0)
    {
        b.Reset();
        var pt = Paging();
        ulong va = level == 0 ? Va : 0x4020_0000, pa = level == 0 ? Pa : HartBench.Data;
        pt.Map(va, pa, level, V | A | D | flags);
        b.Write64(pa, Ecall);
        b.Write64(pa + 0x10, Pattern);
        var a = new Asm().Li(5, (long)va).Li(6, 0x99).Label("access");
        switch (access)
        {
            case "load": a.Ld(10, 5, 0x10); break;
            case "store": a.Sd(6, 5, 0x10); break;
            case "amo": a.AmoaddD(10, 6, 5); break;
            case "lr": a.LrD(10, 5); break;
            case "fetch": a.Jalr(0, 5, 0); break;
            default: throw new ArgumentException(access);
        }
        a.Ecall();
        RunIn(mode, pt, a, mstatus);
        ulong insn = CodeVa(mode) + (ulong)a.OffsetOf("access");
        ulong target = access is "fetch" or "amo" or "lr" ? va : va + 0x10;
        if (fault is ExceptionCause f)
        {
            b.AssertMTrap((ulong)f, access == "fetch" ? va : insn, target); // a fetch fault is at the jump's target
            Assert.Equal(Pattern, b.Read64(pa + 0x10));
            Assert.Equal(Ecall, b.Read64(pa));
            return;
        }
        Assert.Equal(PrivilegeMode.Machine, b.Hart.Mode);
        Assert.Equal((ulong)EcallFrom(mode), b.Mcause);
        Assert.Equal(access == "fetch" ? va : insn + 4, b.Mepc);
        switch (access)
        {
            case "load": Assert.Equal(Pattern, b.X(10)); break;
            case "store": Assert.Equal(0x99UL, b.Read64(pa + 0x10)); break;
            case "amo": Assert.Equal(Ecall, b.X(10)); Assert.Equal(Ecall + 0x99, b.Read64(pa)); break;
            case "lr": Assert.Equal(Ecall, b.X(10)); break;
        }
    }

    private const ExceptionCause LPF = ExceptionCause.LoadPageFault, SPF = ExceptionCause.StorePageFault, IPF = ExceptionCause.InstructionPageFault;

    [Theory]
    // S-mode on a supervisor page: everything.
    [InlineData(PrivilegeMode.Supervisor, RWX, "load", null, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, RWX, "store", null, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, RWX, "amo", null, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, RWX, "fetch", null, 0UL)]
    // S-mode on a user page: loads and stores only with SUM, never execute.
    [InlineData(PrivilegeMode.Supervisor, U | RWX, "load", LPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, U | RWX, "store", SPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, U | RWX, "amo", SPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, U | RWX, "fetch", IPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, U | RWX, "load", null, Mstatus.SUM)]
    [InlineData(PrivilegeMode.Supervisor, U | RWX, "store", null, Mstatus.SUM)]
    [InlineData(PrivilegeMode.Supervisor, U | RWX, "amo", null, Mstatus.SUM)]
    [InlineData(PrivilegeMode.Supervisor, U | RWX, "fetch", IPF, Mstatus.SUM)]
    // U-mode: only user pages, SUM irrelevant.
    [InlineData(PrivilegeMode.User, RWX, "load", LPF, Mstatus.SUM)]
    [InlineData(PrivilegeMode.User, RWX, "store", SPF, Mstatus.SUM)]
    [InlineData(PrivilegeMode.User, RWX, "fetch", IPF, 0UL)]
    [InlineData(PrivilegeMode.User, U | RWX, "load", null, 0UL)]
    [InlineData(PrivilegeMode.User, U | RWX, "store", null, 0UL)]
    [InlineData(PrivilegeMode.User, U | RWX, "amo", null, 0UL)]
    [InlineData(PrivilegeMode.User, U | RWX, "fetch", null, 0UL)]
    // R, W, X one by one.
    [InlineData(PrivilegeMode.Supervisor, R, "load", null, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, R, "lr", null, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, R, "store", SPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, R, "amo", SPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, R, "fetch", IPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, R | X, "store", SPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, R | W, "fetch", IPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, X, "fetch", null, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, X, "load", LPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, X, "lr", LPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, X, "store", SPF, 0UL)]
    // MXR makes execute-only pages readable, in S and U.
    [InlineData(PrivilegeMode.Supervisor, X, "load", null, Mstatus.MXR)]
    [InlineData(PrivilegeMode.Supervisor, X, "store", SPF, Mstatus.MXR)]
    [InlineData(PrivilegeMode.User, U | X, "load", LPF, 0UL)]
    [InlineData(PrivilegeMode.User, U | X, "load", null, Mstatus.MXR)]
    [InlineData(PrivilegeMode.Supervisor, U | X, "load", null, Mstatus.MXR | Mstatus.SUM)]
    [InlineData(PrivilegeMode.Supervisor, U | X, "load", LPF, Mstatus.MXR)]
    // W without R is reserved: every access faults.
    [InlineData(PrivilegeMode.Supervisor, W, "load", LPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, W, "store", SPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, W | X, "store", SPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, W | X, "fetch", IPF, 0UL)]
    [InlineData(PrivilegeMode.User, U | W, "store", SPF, 0UL)]
    // A pointer at level 0 (no R/W/X): there is no further level.
    [InlineData(PrivilegeMode.Supervisor, 0UL, "load", LPF, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, 0UL, "fetch", IPF, 0UL)]
    public void Permissions(PrivilegeMode mode, ulong flags, string access, ExceptionCause? fault, ulong mstatus)
    {
        Access(mode, flags, access, fault, mstatus);
    }

    [Theory]
    [InlineData(PrivilegeMode.Supervisor, RWX, "store", null, 0UL)]
    [InlineData(PrivilegeMode.Supervisor, U | RWX, "load", LPF, 0UL)]
    [InlineData(PrivilegeMode.User, U | R, "store", SPF, 0UL)]
    [InlineData(PrivilegeMode.User, U | X, "fetch", null, 0UL)]
    public void PermissionsOnSuperpages(PrivilegeMode mode, ulong flags, string access, ExceptionCause? fault, ulong mstatus)
    {
        Access(mode, flags, access, fault, mstatus, level: 1);
    }

    [Theory]
    [InlineData(Satp.Sv39, 0, 0x4000_1000UL, HartBench.Data, 0x238UL)]
    [InlineData(Satp.Sv39, 1, 0x4020_0000UL, HartBench.Data, 0x1238UL)]
    [InlineData(Satp.Sv39, 2, 0xc000_0000UL, HartBench.RamBase, 0x20_1238UL)]
    [InlineData(Satp.Sv39, 0, 0xffff_ffc0_0000_1000UL, HartBench.Data, 0x238UL)]
    [InlineData(Satp.Sv39, 2, 0xffff_ffff_8000_0000UL, HartBench.RamBase, 0x20_1238UL)]
    [InlineData(Satp.Sv48, 0, 0x4000_1000UL, HartBench.Data, 0x238UL)]
    [InlineData(Satp.Sv48, 1, 0x4020_0000UL, HartBench.Data, 0x1238UL)]
    [InlineData(Satp.Sv48, 2, 0xc000_0000UL, HartBench.RamBase, 0x20_1238UL)]
    [InlineData(Satp.Sv48, 3, 0x80_0000_0000UL, 0UL, 0x8020_1238UL)]
    [InlineData(Satp.Sv48, 0, 0xffff_8000_0000_1000UL, HartBench.Data, 0x238UL)]
    [InlineData(Satp.Sv48, 1, 0x7fff_ffe0_0000UL, HartBench.Data, 0x1238UL)]
    [InlineData(Satp.Sv57, 0, 0x4000_1000UL, HartBench.Data, 0x238UL)]
    [InlineData(Satp.Sv57, 1, 0x4020_0000UL, HartBench.Data, 0x1238UL)]
    [InlineData(Satp.Sv57, 2, 0xc000_0000UL, HartBench.RamBase, 0x20_1238UL)]
    [InlineData(Satp.Sv57, 3, 0x80_0000_0000UL, 0UL, 0x8020_1238UL)]
    [InlineData(Satp.Sv57, 4, 0x1_0000_0000_0000UL, 0UL, 0x8020_1238UL)]
    [InlineData(Satp.Sv57, 0, 0xff00_0000_0000_1000UL, HartBench.Data, 0x238UL)]
    [InlineData(Satp.Sv57, 4, 0x00ff_0000_0000_0000UL, 0UL, 0x8020_1238UL)]
    public void TranslationAtEveryLevel(ulong mode, int level, ulong va, ulong pa, ulong offset)
    {
        var pt = Paging(mode);
        pt.Map(va, pa, level, V | R | W | A | D);
        ulong target = pa + offset;
        b.Write64(target, Pattern);
        RunIn(PrivilegeMode.Supervisor, pt, new Asm().Li(5, unchecked((long)(va + offset))).Ld(10, 5, 0).Li(6, 0x77).Sd(6, 5, 8).Ecall());
        Assert.Equal((ulong)ExceptionCause.EcallFromS, b.Mcause);
        Assert.Equal(Pattern, b.X(10));
        Assert.Equal(0x77UL, b.Read64(target + 8));
    }

    [Theory]
    [InlineData(Satp.Sv39, 0x0000_0080_0000_0000UL)]
    [InlineData(Satp.Sv39, 0xffff_ff7f_ffff_f000UL)]
    [InlineData(Satp.Sv39, 0x8000_0000_4000_0000UL)]
    [InlineData(Satp.Sv48, 0x0000_8000_0000_0000UL)]
    [InlineData(Satp.Sv48, 0xfff7_ffff_ffff_f000UL)]
    [InlineData(Satp.Sv57, 0x0100_0000_0000_0000UL)]
    [InlineData(Satp.Sv57, 0xfeff_ffff_ffff_f000UL)]
    public void NonCanonicalAddressesFault(ulong mode, ulong va)
    {
        var pt = Paging(mode);
        // Map what the address would hit if its high bits were ignored, to make sure they are not.
        pt.Map(va & ((1UL << (12 + 9 * pt.Levels)) - 1), Pa, 0, V | RWX | A | D);
        var a = new Asm().Li(5, unchecked((long)va)).Label("l").Ld(10, 5, 0).Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, a);
        b.AssertMTrap((ulong)LPF, HartBench.Code + (ulong)a.OffsetOf("l"), va);

        b.Reset();
        a = new Asm().Li(5, unchecked((long)va)).Label("l").Sd(5, 5, 0).Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, a);
        b.AssertMTrap((ulong)SPF, HartBench.Code + (ulong)a.OffsetOf("l"), va);

        b.Reset();
        a = new Asm().Li(5, unchecked((long)va)).Jalr(0, 5, 0);
        RunIn(PrivilegeMode.Supervisor, pt, a);
        b.AssertMTrap((ulong)IPF, va, va);
    }

    [Theory]
    [InlineData(54)]
    [InlineData(60)]
    [InlineData(61)] // PBMT without Svpbmt
    [InlineData(62)]
    [InlineData(63)] // N without Svnapot
    public void ReservedLeafBitsFault(int bit)
    {
        Access(PrivilegeMode.Supervisor, RWX | (1UL << bit), "load", LPF);
        Access(PrivilegeMode.Supervisor, RWX | (1UL << bit), "fetch", IPF);
    }

    [Theory]
    [InlineData(A)]
    [InlineData(D)]
    [InlineData(U)]
    [InlineData(1UL << 63)]
    public void ReservedNonLeafBitsFault(ulong bit)
    {
        var pt = Paging();
        pt.Map(Va, Pa, 0, V | RWX | A | D);
        ulong pointer = pt.Walk(Va, 1);
        pt.Write(pointer, pt.Read(pointer) | bit);
        var a = new Asm().Li(5, (long)Va).Label("l").Ld(10, 5, 0).Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, a);
        b.AssertMTrap((ulong)LPF, HartBench.Code + (ulong)a.OffsetOf("l"), Va);
    }

    [Theory]
    [InlineData(1, 0x4020_0000UL, HartBench.Data + 0x1000)]
    [InlineData(2, 0xc000_0000UL, HartBench.RamBase + 0x20_0000)]
    public void MisalignedSuperpageFaults(int level, ulong va, ulong pa)
    {
        var pt = Paging();
        pt.Map(va, pa, level, V | RWX | A | D);
        var a = new Asm().Li(5, (long)va).Label("l").Ld(10, 5, 0).Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, a);
        b.AssertMTrap((ulong)LPF, HartBench.Code + (ulong)a.OffsetOf("l"), va);
    }

    [Fact]
    public void InvalidEntriesFault()
    {
        var pt = Paging();
        ulong leaf = pt.Map(Va, Pa, 0, RWX | A | D); // V = 0
        var a = new Asm().Li(5, (long)Va).Label("l").Ld(10, 5, 0).Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, a);
        b.AssertMTrap((ulong)LPF, HartBench.Code + (ulong)a.OffsetOf("l"), Va);

        b.Reset();
        pt.Write(leaf, pt.Read(leaf) | V);
        ulong pointer = pt.Walk(Va, 1);
        pt.Write(pointer, pt.Read(pointer) & ~V);
        RunIn(PrivilegeMode.Supervisor, pt, a);
        b.AssertMTrap((ulong)LPF, HartBench.Code + (ulong)a.OffsetOf("l"), Va);
    }

    [Fact]
    public void HardwareSetsAccessedAndDirty()
    {
        var pt = Paging();
        ulong loadOnly = pt.Map(Va, Pa, 0, V | R | W);
        ulong stored = pt.Map(Va + 0x1000, Pa + 0x1000, 0, V | R | W);
        ulong amo = pt.Map(Va + 0x2000, Pa + 0x2000, 0, V | R | W);
        ulong fetched = pt.Map(Va + 0x3000, Pa + 0x3000, 0, V | X);
        ulong super = pt.Map(0x4020_0000, HartBench.Data, 1, V | R | W);
        b.Write64(Pa + 0x3000, Ecall);
        RunIn(PrivilegeMode.Supervisor, pt, new Asm().Li(5, (long)Va)
            .Ld(10, 5, 0)
            .Li(28, (long)Va + 0x1000).Ld(10, 28, 0).Sd(10, 28, 8)
            .Li(6, 0x4020_0000).Sd(10, 6, 0x10)
            .Li(7, (long)Va + 0x2000).AmoaddD(0, 7, 7)
            .Li(7, (long)Va + 0x3000).Jalr(0, 7, 0));
        Assert.Equal((ulong)ExceptionCause.EcallFromS, b.Mcause);
        Assert.Equal(A, pt.Read(loadOnly) & (A | D));
        Assert.Equal(A | D, pt.Read(stored) & (A | D));
        Assert.Equal(A | D, pt.Read(amo) & (A | D));
        Assert.Equal(A, pt.Read(fetched) & (A | D));
        Assert.Equal(A | D, pt.Read(super) & (A | D));
    }

    [Fact]
    public void DirtyIsSetOnAStoreAfterALoadCachedThePage()
    {
        var pt = Paging();
        ulong leaf = pt.Map(Va, Pa, 0, V | R | W);
        RunIn(PrivilegeMode.Supervisor, pt, new Asm().Li(5, (long)Va).Ld(10, 5, 0).Ld(10, 5, 8).Sd(10, 5, 16).Ecall());
        Assert.Equal(A | D, pt.Read(leaf) & (A | D));
    }

    [Fact]
    public void FaultingAccessDoesNotSetAccessed()
    {
        var pt = Paging();
        ulong leaf = pt.Map(Va, Pa, 0, V | R);
        var a = new Asm().Li(5, (long)Va).Label("l").Sd(5, 5, 0).Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, a);
        b.AssertMTrap((ulong)SPF, HartBench.Code + (ulong)a.OffsetOf("l"), Va);
        Assert.Equal(0UL, pt.Read(leaf) & (A | D));
    }

    [Fact]
    public void MprvTranslatesMachineLoadsAndStoresOnly()
    {
        // No identity map: if M-mode fetches were translated, the program could not run at all.
        var pt = new PageTable(b, Satp.Sv39);
        pt.Map(Va, Pa, 0, V | R | W | A | D);
        pt.Map(Va + 0x1000, Pa + 0x1000, 0, V | U | R | W | A | D);
        b.Write64(Pa, Pattern);
        b.Write64(Pa + 0x1000, Pattern + 1);
        b.Poke(C.Satp, pt.Satp());

        // MPP = S: translated as S.
        b.Poke(C.Mstatus, Mstatus.MPRV | (1UL << Mstatus.MPPShift));
        b.Load(new Asm().Li(5, (long)Va).Ld(10, 5, 0).Sd(10, 5, 8).Ecall());
        b.RunToHalt();
        Assert.Equal((ulong)ExceptionCause.EcallFromM, b.Mcause);
        Assert.Equal(Pattern, b.X(10));
        Assert.Equal(Pattern, b.Read64(Pa + 8));

        // MPP = S, user page: needs SUM.
        var a = new Asm().Li(5, (long)Va + 0x1000).Label("l").Ld(10, 5, 0).Ecall();
        b.Reset();
        b.Poke(C.Satp, pt.Satp());
        b.Poke(C.Mstatus, Mstatus.MPRV | (1UL << Mstatus.MPPShift));
        b.Load(a);
        b.RunToHalt();
        b.AssertMTrap((ulong)LPF, HartBench.Code + (ulong)a.OffsetOf("l"), Va + 0x1000);
        b.Reset();
        b.Poke(C.Satp, pt.Satp());
        b.Poke(C.Mstatus, Mstatus.MPRV | Mstatus.SUM | (1UL << Mstatus.MPPShift));
        b.RunToHalt();
        Assert.Equal((ulong)ExceptionCause.EcallFromM, b.Mcause);
        Assert.Equal(Pattern + 1, b.X(10));

        // MPP = U: the supervisor page faults (to M: M-mode traps are never delegated).
        a = new Asm().Li(5, (long)Va).Label("l").Ld(10, 5, 0).Ecall();
        b.Reset();
        b.Poke(C.Satp, pt.Satp());
        b.Poke(C.Medeleg, ulong.MaxValue);
        b.Poke(C.Mstatus, Mstatus.MPRV);
        b.Load(a);
        b.RunToHalt();
        b.AssertMTrap((ulong)LPF, HartBench.Code + (ulong)a.OffsetOf("l"), Va);

        // MPP = M: no translation at all.
        b.Reset();
        b.Poke(C.Satp, pt.Satp());
        b.Poke(C.Mstatus, Mstatus.MPRV | (3UL << Mstatus.MPPShift));
        b.Load(new Asm().Li(5, (long)Pa).Ld(10, 5, 0).Ecall());
        b.RunToHalt();
        Assert.Equal((ulong)ExceptionCause.EcallFromM, b.Mcause);
        Assert.Equal(Pattern, b.X(10));
    }

    [Fact]
    public void SumAndMxrChangesTakeEffectAtOnce()
    {
        // The TLB must not let a translation cached under SUM = 1 (or MXR = 1) serve an access after it is cleared.
        var pt = Paging();
        pt.Map(Va, Pa, 0, V | U | R | W | A | D);
        pt.Map(Va + 0x1000, Pa + 0x1000, 0, V | X | A | D);
        var a = new Asm().Li(5, (long)Va).Li(28, (long)Va + 0x1000).Li(6, (long)Mstatus.SUM).Li(7, (long)Mstatus.MXR)
            .Ld(10, 5, 0).Ld(11, 28, 0)
            .Csrc(C.Sstatus, 7).Label("x").Ld(12, 28, 0).Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, a, Mstatus.SUM | Mstatus.MXR);
        b.AssertMTrap((ulong)LPF, HartBench.Code + (ulong)a.OffsetOf("x"), Va + 0x1000);

        b.Reset();
        a = new Asm().Li(5, (long)Va).Li(6, (long)Mstatus.SUM).Ld(10, 5, 0).Sd(10, 5, 8).Csrc(C.Sstatus, 6).Label("x").Ld(12, 5, 0).Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, a, Mstatus.SUM);
        b.AssertMTrap((ulong)LPF, HartBench.Code + (ulong)a.OffsetOf("x"), Va);
        b.Reset();
        a = new Asm().Li(5, (long)Va).Li(6, (long)Mstatus.SUM).Ld(10, 5, 0).Sd(10, 5, 8).Csrc(C.Sstatus, 6).Label("x").Sd(12, 5, 0).Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, a, Mstatus.SUM);
        b.AssertMTrap((ulong)SPF, HartBench.Code + (ulong)a.OffsetOf("x"), Va);
    }

    [Fact]
    public void UserModeDoesNotInheritSupervisorTranslations()
    {
        // S reads a supervisor page (caching it), then SRETs to U code that reads the same page: page fault.
        var pt = Paging();
        pt.Map(Va, Pa, 0, V | R | W | A | D);
        var u = new Asm().Li(5, (long)Va).Label("x").Ld(11, 5, 0).Ecall();
        b.Load(UCode, u.Assemble());
        var s = new Asm().Li(5, (long)Va).Ld(10, 5, 0).Li(6, (long)UVa).Csrw(C.Sepc, 6).Sret();
        b.Load(HartBench.Code, s.Assemble());
        b.Poke(C.Satp, pt.Satp());
        b.Enter(PrivilegeMode.Supervisor, HartBench.Code);
        b.RunToHalt();
        b.AssertMTrap((ulong)LPF, UVa + (ulong)u.OffsetOf("x"), Va);
    }

    private const ulong P1 = HartBench.Data, P2 = HartBench.Data + 0x1000;

    [Fact]
    public void StaleMappingStaysUntilSfenceVma()
    {
        var pt = Paging();
        ulong leaf = pt.Map(Va, P1, 0, V | R | W | A | D);
        b.Write64(P1, 1);
        b.Write64(P2, 2);
        ulong newPte = ((P2 >> 12) << 10) | V | R | W | A | D;
        RunIn(PrivilegeMode.Supervisor, pt, new Asm().Li(5, (long)Va).Li(6, (long)leaf).Li(7, (long)newPte)
            .Ld(10, 5, 0)              // fills the TLB
            .Sd(7, 6, 0)               // remap to P2 behind the TLB's back
            .Ld(11, 5, 0)              // still P1
            .Li(8, (long)Va + 0x5000).SfenceVma(8, 0) // another page: no effect on Va
            .Ld(12, 5, 0)
            .Addi(8, 5, 0x123).SfenceVma(8, 0)        // any address inside the page
            .Ld(13, 5, 0)
            .Ecall());
        Assert.Equal(1UL, b.X(10));
        Assert.Equal(1UL, b.X(11));
        Assert.Equal(1UL, b.X(12));
        Assert.Equal(2UL, b.X(13));

        // The same with a global fence, for stores and fetches too.
        b.Reset();
        b.Write64(P1, Ecall);
        b.Write64(P2, 0x0010_0073); // ebreak
        pt.Write(leaf, ((P1 >> 12) << 10) | V | R | W | X | A | D);
        newPte = ((P2 >> 12) << 10) | V | R | W | X | A | D;
        var a = new Asm().Li(5, (long)Va).Li(6, (long)leaf).Li(7, (long)newPte)
            .Ld(10, 5, 0).Sd(10, 5, 8)
            .Sd(7, 6, 0)
            .Li(9, 55).Sd(9, 5, 16)     // still to P1
            .SfenceVma()
            .Sd(9, 5, 24)               // now to P2
            .Jalr(0, 5, 0);             // executes P2's ebreak
        RunIn(PrivilegeMode.Supervisor, pt, a);
        Assert.Equal((ulong)ExceptionCause.Breakpoint, b.Mcause);
        Assert.Equal(Va, b.Mepc);
        Assert.Equal(55UL, b.Read64(P1 + 16));
        Assert.Equal(55UL, b.Read64(P2 + 24));
        Assert.Equal(0UL, b.Read64(P1 + 24));
    }

    [Fact]
    public void AsidFenceSparesGlobalMappings()
    {
        var pt = Paging();
        ulong mine = pt.Map(Va, P1, 0, V | R | W | A | D);
        ulong global = pt.Map(Va + 0x1000, P1, 0, V | R | W | A | D | G);
        b.Write64(P1, 1);
        b.Write64(P2, 2);
        ulong newPte = ((P2 >> 12) << 10) | V | R | W | A | D;
        RunIn(PrivilegeMode.Supervisor, pt, new Asm().Li(5, (long)Va).Li(28, (long)Va + 0x1000)
            .Ld(10, 5, 0).Ld(10, 28, 0)                          // cache both
            .Li(6, (long)mine).Li(7, (long)newPte).Sd(7, 6, 0)
            .Li(6, (long)global).Ori(7, 7, (int)G).Sd(7, 6, 0)        // remap both to P2
            .Li(8, 6).SfenceVma(0, 8)                                  // another ASID: nothing
            .Ld(11, 5, 0).Ld(12, 28, 0)
            .Li(8, 5).SfenceVma(0, 8)                                  // our ASID: not the global one
            .Ld(13, 5, 0).Ld(14, 28, 0)
            .SfenceVma(28, 8)                                          // the global page's address with the ASID: spared
            .Ld(15, 28, 0)
            .SfenceVma()                                               // everything
            .Ld(16, 28, 0)
            .Ecall(), asid: 5);
        Assert.Equal((ulong)ExceptionCause.EcallFromS, b.Mcause);
        Assert.Equal(1UL, b.X(11));
        Assert.Equal(1UL, b.X(12));
        Assert.Equal(2UL, b.X(13));
        Assert.Equal(1UL, b.X(14));
        Assert.Equal(1UL, b.X(15));
        Assert.Equal(2UL, b.X(16));
    }

    [Fact]
    public void SfenceByAddressFlushesAWholeSuperpage()
    {
        // A 2 MiB page is cached in 4 KiB pieces; an SFENCE.VMA naming any address in it must drop them all.
        const ulong S = 0x4020_0000, Old = HartBench.Data, New = HartBench.RamBase + 0x60_0000;
        var pt = Paging();
        ulong leaf = pt.Map(S, Old, 1, V | R | W | A | D);
        b.Write64(Old + 0x5000, 1);
        b.Write64(New + 0x5000, 2);
        ulong newPte = ((New >> 12) << 10) | V | R | W | A | D;
        RunIn(PrivilegeMode.Supervisor, pt, new Asm().Li(5, (long)S).Li(8, (long)S + 0x5000)
            .Ld(10, 8, 0).Ld(9, 5, 0x7f8)
            .Li(6, (long)leaf).Li(7, (long)newPte).Sd(7, 6, 0)
            .SfenceVma(5, 0)        // the superpage's first page, not the one cached at +0x5000
            .Ld(11, 8, 0)
            .Ecall());
        Assert.Equal(1UL, b.X(10));
        Assert.Equal(2UL, b.X(11));
    }

    [Theory]
    [InlineData(Satp.Sv39, 2, 0xc000_0000UL)]
    [InlineData(Satp.Sv48, 2, 0xffff_ffff_c000_0000UL)]
    [InlineData(Satp.Sv48, 3, 0x80_0000_0000UL)]
    public void SfenceByAddressFlushesAWholeLargePage(ulong mode, int level, ulong va)
    {
        // A 1 GiB (or 512 GiB) page cached in pieces; it is then made invalid and fenced by its first address.
        ulong frame = level == 2 ? HartBench.RamBase : 0, offset = HartBench.Data + 0x5000 - frame;
        var pt = Paging(mode);
        ulong leaf = pt.Map(va, frame, level, V | R | W | A | D);
        b.Write64(HartBench.Data + 0x5000, 1);
        var a = new Asm().Li(5, unchecked((long)va)).Li(8, unchecked((long)(va + offset)))
            .Ld(10, 8, 0).Ld(9, 8, 8)
            .Li(6, (long)leaf).Sd(0, 6, 0)
            .Ld(11, 8, 0)           // stale, still there
            .SfenceVma(5, 0)
            .Label("l").Ld(12, 8, 0)
            .Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, a);
        Assert.Equal(1UL, b.X(10));
        Assert.Equal(1UL, b.X(11));
        b.AssertMTrap((ulong)LPF, HartBench.Code + (ulong)a.OffsetOf("l"), va + offset);
    }

    [Fact]
    public void PageFaultsDelegatedToSupervisor()
    {
        var pt = Paging();
        pt.Map(Va, Pa, 0, V | U | R | A | D);
        b.Poke(C.Medeleg, (1UL << 12) | (1UL << 13) | (1UL << 15));
        var a = new Asm().Li(5, (long)Va).Ld(10, 5, 0).Label("st").Sd(10, 5, 0).Ecall();
        RunIn(PrivilegeMode.User, pt, a);
        b.AssertSTrap((ulong)SPF, UVa + (ulong)a.OffsetOf("st"), Va);
        Assert.Equal(0UL, b.Peek(C.Mstatus) & Mstatus.SPP);

        b.Reset();
        b.Poke(C.Medeleg, 1UL << 12);
        a = new Asm().Li(5, 0x7000_0000).Jalr(0, 5, 0x10);
        RunIn(PrivilegeMode.User, pt, a);
        b.AssertSTrap((ulong)IPF, 0x7000_0010, 0x7000_0010);
    }

    [Fact]
    public void InstructionCrossingIntoAnUnmappedPage()
    {
        const ulong Page = 0x4000_2000, Frame = HartBench.Data + 0x10_000;
        var pt = Paging();
        pt.Map(Page, Frame, 0, V | R | X | A | D);
        uint addi = Asm.Encode.Addi(10, 10, 1);
        b.Load(Frame + 0xffc, [0x01, 0x00, (byte)addi, (byte)(addi >> 8)]); // c.nop, then the low half of addi
        b.Load(HartBench.Code, new Asm().Ecall().Assemble());
        b.Poke(C.Satp, pt.Satp());
        b.Enter(PrivilegeMode.Supervisor, Page + 0xffc);
        b.RunToHalt();
        b.AssertMTrap((ulong)IPF, Page + 0xffe, Page + 0x1000);

        // Mapped: it executes.
        b.Reset();
        pt.Map(Page + 0x1000, Frame + 0x1000, 0, V | R | X | A | D);
        b.Load(Frame + 0x1000, [(byte)(addi >> 16), (byte)(addi >> 24), 0x73, 0, 0, 0]);
        b.Poke(C.Satp, pt.Satp());
        b.Hart.SetX(10, 5);
        b.Enter(PrivilegeMode.Supervisor, Page + 0xffc);
        b.RunToHalt();
        Assert.Equal((ulong)ExceptionCause.EcallFromS, b.Mcause);
        Assert.Equal(6UL, b.X(10));
    }

    [Fact]
    public void AccessCrossingIntoAnUnmappedPage()
    {
        var pt = Paging();
        pt.Map(Va, Pa, 0, V | R | W | A | D);
        b.Write64(Pa + 0xff8, Pattern);
        var a = new Asm().Li(5, (long)Va + 0xffc).Li(6, -1).Label("st").Sd(6, 5, 0).Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, a);
        Assert.Equal((ulong)SPF, b.Mcause);
        Assert.Equal(HartBench.Code + (ulong)a.OffsetOf("st"), b.Mepc);
        Assert.Equal(Va + 0x1000, b.Mtval); // the address of the part that faulted (privileged spec 3.1.16)
        Assert.Equal(Pattern, b.Read64(Pa + 0xff8)); // nothing written

        b.Reset();
        a = new Asm().Li(5, (long)Va + 0xffc).Label("ld").Ld(6, 5, 0).Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, a);
        Assert.Equal((ulong)LPF, b.Mcause);
        Assert.Equal(Va + 0x1000, b.Mtval);
    }

    [Fact]
    public void PageTableOutsideRamIsAccessFault()
    {
        // Root table in the hole: M-mode loads and stores through MPRV, and an S-mode fetch.
        ulong satp = (Satp.Sv39 << 60) | (HartBench.Hole >> 12);
        foreach (var (insn, cause) in new[] { (Asm.Encode.Ld(10, 5, 0), ExceptionCause.LoadAccessFault), (Asm.Encode.Sd(10, 5, 0), ExceptionCause.StoreAccessFault),
                                              (Asm.Encode.AmoaddW(10, 0, 5), ExceptionCause.StoreAccessFault) })
        {
            b.Reset();
            b.Poke(C.Satp, satp);
            b.Poke(C.Mstatus, Mstatus.MPRV | (1UL << Mstatus.MPPShift));
            var a = new Asm().Li(5, (long)Va).Label("l").Word(insn).Ecall();
            b.Load(a);
            b.RunToHalt();
            b.AssertMTrap((ulong)cause, HartBench.Code + (ulong)a.OffsetOf("l"), Va);
        }

        b.Reset();
        b.Poke(C.Satp, satp);
        b.Enter(PrivilegeMode.Supervisor, Va);
        b.RunToHalt();
        b.AssertMTrap((ulong)ExceptionCause.InstructionAccessFault, Va, Va);

        // A second-level table in the hole.
        b.Reset();
        var pt = Paging();
        pt.Write(pt.Walk(Va, 2), ((HartBench.Hole >> 12) << 10) | V);
        var p = new Asm().Li(5, (long)Va).Label("l").Ld(10, 5, 0).Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, p);
        b.AssertMTrap((ulong)ExceptionCause.LoadAccessFault, HartBench.Code + (ulong)p.OffsetOf("l"), Va);
    }

    [Fact]
    public void TranslatedDeviceAccess()
    {
        // A page mapped onto the device window reaches the bus; one mapped onto the hole gives an access fault with the virtual address.
        var pt = Paging();
        pt.Map(Va, HartBench.Device, 0, V | R | W | A | D);
        pt.Map(Va + 0x1000, HartBench.Hole, 0, V | R | W | A | D);
        b.Bus.Registers[HartBench.Device + 8] = 0x42;
        var a = new Asm().Li(5, (long)Va).Li(6, (long)Va + 0x1000).Ld(10, 5, 8).Sw(10, 5, 16).Label("l").Lw(11, 6, 0).Ecall();
        RunIn(PrivilegeMode.Supervisor, pt, a);
        b.AssertMTrap((ulong)ExceptionCause.LoadAccessFault, HartBench.Code + (ulong)a.OffsetOf("l"), Va + 0x1000);
        Assert.Equal(0x42UL, b.X(10));
        Assert.Contains((true, HartBench.Device + 16, 4, 0x42UL), b.Bus.Log);
    }
}
