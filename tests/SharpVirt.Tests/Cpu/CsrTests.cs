using SharpVirt.Cpu;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Traps;
using E = SharpVirt.Tests.Asm.Encode;
using C = SharpVirt.Cpu.Csr.CsrAddress;

namespace SharpVirt.Tests.Cpu;

/// <summary>Zicsr and the privileged CSRs: access rules, read-only bits, WARL fields, counters.</summary>
public sealed class CsrTests : IDisposable
{
    private const ulong Illegal = (ulong)ExceptionCause.IllegalInstruction;
    private readonly HartBench b = new();

    public void Dispose() => b.Dispose();

    /// <summary>Runs one instruction in <paramref name="mode"/> and reports whether it trapped as illegal (checking mtval).</summary>
    private bool IsIllegal(uint insn, PrivilegeMode mode = PrivilegeMode.Machine, Action? setup = null)
    {
        b.Reset();
        b.Load(new Asm().Word(insn).Ebreak());
        setup?.Invoke();
        if (mode != PrivilegeMode.Machine)
            b.Enter(mode, HartBench.Code);
        b.RunToHalt();
        Assert.Equal(PrivilegeMode.Machine, b.Hart.Mode);
        if (b.Mcause == Illegal)
        {
            Assert.Equal(HartBench.Code, b.Mepc);
            Assert.Equal(insn, b.Mtval);
            return true;
        }
        Assert.Equal((ulong)ExceptionCause.Breakpoint, b.Mcause);
        return false;
    }

    [Theory]
    [InlineData(0x7c0)]  // custom
    [InlineData(0x5a8)]  // hypervisor-range (scontext) we do not implement
    [InlineData(0x600)]  // hstatus: no H extension
    [InlineData(0x7b0)]  // dcsr: debug mode only
    [InlineData(0x3a1)]  // pmpcfg1 does not exist on RV64
    [InlineData(0x015)]  // seed: no Zkr
    [InlineData(0xda0)]  // scountovf: no Sscofpmf
    public void AbsentCsrIsIllegalWithInstructionBitsInMtval(int csr)
    {
        Assert.True(IsIllegal(E.Csrr(10, csr)));
        Assert.True(IsIllegal(E.Csrw(csr, 10)));
    }

    [Theory]
    [InlineData(C.Mvendorid)]
    [InlineData(C.Marchid)]
    [InlineData(C.Mimpid)]
    [InlineData(C.Mhartid)]
    [InlineData(C.Mconfigptr)]
    [InlineData(C.Cycle)]
    [InlineData(C.Time)]
    [InlineData(C.Instret)]
    public void ReadOnlyCsrs(int csr)
    {
        Assert.False(IsIllegal(E.Csrr(10, csr)));
        Assert.False(IsIllegal(E.Csrrsi(10, csr, 0)));   // uimm 0: no write, so legal
        Assert.False(IsIllegal(E.Csrrc(10, csr, 0)));    // rs1 = x0: no write
        Assert.True(IsIllegal(E.Csrw(csr, 10)));          // csrrw always writes, even with rd = x0
        Assert.True(IsIllegal(E.Csrrs(10, csr, 11), setup: () => b.Hart.SetX(11, 0))); // rs1 != x0 writes, even a zero
        Assert.True(IsIllegal(E.Csrrsi(10, csr, 1)));
    }

    [Theory]
    [InlineData(C.Mstatus, PrivilegeMode.Supervisor)]
    [InlineData(C.Mscratch, PrivilegeMode.Supervisor)]
    [InlineData(C.Mhartid, PrivilegeMode.Supervisor)]
    [InlineData(C.Mstatus, PrivilegeMode.User)]
    [InlineData(C.Sstatus, PrivilegeMode.User)]
    [InlineData(C.Satp, PrivilegeMode.User)]
    [InlineData(C.Sscratch, PrivilegeMode.User)]
    public void LowerPrivilegeCannotReachHigherCsrs(int csr, PrivilegeMode mode)
    {
        Assert.True(IsIllegal(E.Csrr(10, csr), mode));
    }

    [Fact]
    public void SupervisorReachesItsOwnCsrs()
    {
        Assert.False(IsIllegal(E.Csrr(10, C.Sstatus), PrivilegeMode.Supervisor));
        Assert.False(IsIllegal(E.Csrw(C.Sscratch, 10), PrivilegeMode.Supervisor));
        Assert.False(IsIllegal(E.Csrr(10, C.Satp), PrivilegeMode.Supervisor));
    }

    [Theory]
    [InlineData(C.Cycle, 0)]
    [InlineData(C.Time, 1)]
    [InlineData(C.Instret, 2)]
    [InlineData(C.HpmCounter3 + 1, 4)]
    public void CounterEnables(int csr, int bit)
    {
        uint insn = E.Csrr(10, csr);
        ulong en = 1UL << bit;
        Assert.False(IsIllegal(insn, PrivilegeMode.Machine));
        Assert.True(IsIllegal(insn, PrivilegeMode.Supervisor));
        Assert.False(IsIllegal(insn, PrivilegeMode.Supervisor, () => b.Poke(C.Mcounteren, en)));
        Assert.True(IsIllegal(insn, PrivilegeMode.User, () => b.Poke(C.Mcounteren, en)));
        Assert.True(IsIllegal(insn, PrivilegeMode.User, () => b.Poke(C.Scounteren, en)));
        Assert.False(IsIllegal(insn, PrivilegeMode.User, () => { b.Poke(C.Mcounteren, en); b.Poke(C.Scounteren, en); }));
        Assert.True(IsIllegal(insn, PrivilegeMode.User, () => { b.Poke(C.Mcounteren, ~en); b.Poke(C.Scounteren, ~0UL); }));
    }

    [Fact]
    public void InstretCountsRetiredInstructions()
    {
        b.RunProgram(new Asm().Nop().Nop().Nop().Nop().Nop().Csrr(10, C.Instret).Csrr(11, C.Minstret).Ecall());
        Assert.Equal(5UL, b.X(10));
        Assert.Equal(6UL, b.X(11));
        Assert.Equal(8UL, b.Hart.Instret); // the ecall trapped and did not retire; the halt loop's wfi did
    }

    [Fact]
    public void MinstretWriteWinsOverItsOwnIncrement()
    {
        b.RunProgram(new Asm().Li(5, 1000).Csrw(C.Minstret, 5).Csrr(10, C.Instret).Csrr(11, C.Instret)
            .Li(5, 50).Csrrw(12, C.Minstret, 5).Csrr(13, C.Minstret).Ecall());
        Assert.Equal(1000UL, b.X(10));
        Assert.Equal(1001UL, b.X(11));
        Assert.Equal(1003UL, b.X(12)); // li 50 is one instruction
        Assert.Equal(50UL, b.X(13));
    }

    [Fact]
    public void McycleIsWritableAndCounts()
    {
        b.RunProgram(new Asm().Li(5, 1000).Csrw(C.Mcycle, 5).Csrr(10, C.Cycle).Nop().Nop().Csrr(11, C.Mcycle).Ecall());
        Assert.InRange(b.X(10), 1000UL, 1010UL);
        Assert.True(b.X(11) > b.X(10));
    }

    [Fact]
    public void TimeFollowsTheTimebase()
    {
        b.Time.Set(123_456_789);
        b.RunProgram(new Asm().Csrr(10, C.Time).Ecall());
        Assert.InRange(b.X(10), 123_456_789UL, 123_456_789UL + Timebase.Frequency * 10);
    }

    [Fact]
    public void MhartidAndMisa()
    {
        using var other = new HartBench(hartId: 3);
        other.RunProgram(new Asm().Csrr(10, C.Mhartid).Csrr(11, C.Misa).Li(5, 0).Csrw(C.Misa, 5).Csrr(12, C.Misa).Ecall());
        Assert.Equal(11UL, other.Mcause);
        Assert.Equal(3UL, other.X(10));
        ulong misa = other.X(11);
        Assert.Equal(2UL, misa >> 62); // MXL = 64
        foreach (char ext in "IMAFDCSU")
            Assert.True((misa >> (ext - 'A') & 1) != 0, $"misa lacks {ext}");
        Assert.Equal(misa, other.X(12)); // writes are ignored
    }

    [Fact]
    public void MstatusWarlFields()
    {
        // MPP = 2 is reserved: the field keeps a legal value.
        b.Poke(C.Mstatus, 3UL << Mstatus.MPPShift);
        b.Poke(C.Mstatus, 2UL << Mstatus.MPPShift);
        Assert.Equal(3UL, (b.Peek(C.Mstatus) & Mstatus.MPP) >> Mstatus.MPPShift);
        b.Poke(C.Mstatus, 1UL << Mstatus.MPPShift);
        Assert.Equal(1UL, (b.Peek(C.Mstatus) & Mstatus.MPP) >> Mstatus.MPPShift);

        // UXL and SXL read 2 (64-bit) and ignore writes; XS, UBE/SBE/MBE read 0.
        b.Poke(C.Mstatus, ulong.MaxValue & ~Mstatus.MPP);
        ulong s = b.Peek(C.Mstatus);
        Assert.Equal(2UL, (s >> Mstatus.UXLShift) & 3);
        Assert.Equal(2UL, (s >> Mstatus.SXLShift) & 3);
        Assert.Equal(0UL, s & (Mstatus.XS | Mstatus.UBE | Mstatus.SBE | Mstatus.MBE));
        b.Poke(C.Mstatus, 0);
        s = b.Peek(C.Mstatus);
        Assert.Equal(Mstatus.Xlen64, s);
    }

    [Fact]
    public void FsAndSd()
    {
        foreach (ulong fs in new[] { Mstatus.FSOff, Mstatus.FSInitial, Mstatus.FSClean, Mstatus.FSDirty })
        {
            b.Poke(C.Mstatus, fs);
            ulong m = b.Peek(C.Mstatus), s = b.Peek(C.Sstatus);
            Assert.Equal(fs, m & Mstatus.FS);
            Assert.Equal(fs, s & Mstatus.FS);
            bool sd = fs == Mstatus.FSDirty;
            Assert.Equal(sd, (m & Mstatus.SD) != 0);
            Assert.Equal(sd, (s & Mstatus.SD) != 0);
        }
        // Writing fflags dirties the state.
        b.Poke(C.Mstatus, Mstatus.FSClean);
        b.RunProgram(new Asm().Li(5, Mstatus.FSClean).Csrw(C.Mstatus, 5).Csrrwi(0, C.Fflags, 1).Csrr(10, C.Mstatus).Ecall());
        Assert.Equal(Mstatus.FSDirty | Mstatus.SD, b.X(10) & (Mstatus.FS | Mstatus.SD));
    }

    [Fact]
    public void FloatCsrsNeedFs()
    {
        Assert.True(IsIllegal(E.Csrr(10, C.Fcsr)));
        Assert.True(IsIllegal(E.Csrr(10, C.Fflags)));
        Assert.False(IsIllegal(E.Csrr(10, C.Fcsr), setup: () => b.Poke(C.Mstatus, Mstatus.FSInitial)));
        b.Poke(C.Mstatus, Mstatus.FSInitial);
        b.RunProgram(new Asm().Li(5, Mstatus.FSInitial).Csrs(C.Mstatus, 5)
            .Li(6, 0xff).Csrw(C.Fcsr, 6).Csrr(10, C.Fflags).Csrr(11, C.Frm).Csrrwi(0, C.Frm, 2).Csrr(12, C.Fcsr).Ecall());
        Assert.Equal(0x1fUL, b.X(10));
        Assert.Equal(7UL, b.X(11));
        Assert.Equal((2UL << 5) | 0x1f, b.X(12));
    }

    [Fact]
    public void SstatusIsARestrictedView()
    {
        b.Poke(C.Mstatus, Mstatus.MIE | Mstatus.MPIE | (3UL << Mstatus.MPPShift) | Mstatus.TVM | Mstatus.SIE | Mstatus.MPRV);
        ulong s = b.Peek(C.Sstatus);
        Assert.Equal(Mstatus.SIE | (2UL << Mstatus.UXLShift), s);
        // Writes through sstatus reach only S fields.
        b.Poke(C.Sstatus, ulong.MaxValue);
        ulong m = b.Peek(C.Mstatus);
        Assert.Equal(Mstatus.MIE | Mstatus.MPIE | (3UL << Mstatus.MPPShift) | Mstatus.TVM | Mstatus.MPRV,
            m & (Mstatus.MIE | Mstatus.MPIE | Mstatus.MPP | Mstatus.TVM | Mstatus.TW | Mstatus.TSR | Mstatus.MPRV));
        Assert.Equal(Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.SUM | Mstatus.MXR | Mstatus.FSDirty,
            m & (Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.SUM | Mstatus.MXR | Mstatus.FS));
        Assert.Equal(0UL, b.Peek(C.Sstatus) & (Mstatus.MIE | Mstatus.MPP | Mstatus.TVM));
    }

    [Fact]
    public void DelegationMasks()
    {
        b.Poke(C.Medeleg, ulong.MaxValue);
        ulong medeleg = b.Peek(C.Medeleg);
        Assert.Equal(0UL, medeleg & (1UL << 11)); // ecall from M can never be delegated
        foreach (int cause in new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 15 })
            Assert.True((medeleg >> cause & 1) != 0, $"cause {cause} not delegable");
        Assert.Equal(0UL, medeleg >> 16);
        b.Poke(C.Mideleg, ulong.MaxValue);
        Assert.Equal(Interrupt.SSIP | Interrupt.STIP | Interrupt.SEIP, b.Peek(C.Mideleg));
    }

    [Fact]
    public void TrapVectorModes()
    {
        const ulong Base = 0x8000_1000;
        b.Poke(C.Mtvec, Base | 1);
        Assert.Equal(Base | 1, b.Peek(C.Mtvec));
        b.Poke(C.Mtvec, Base | 2); // reserved mode: the field keeps its legal value
        Assert.Equal(1UL, b.Peek(C.Mtvec) & 3);
        b.Poke(C.Mtvec, Base | 3);
        Assert.Equal(1UL, b.Peek(C.Mtvec) & 3);
        b.Poke(C.Mtvec, Base);
        Assert.Equal(Base, b.Peek(C.Mtvec));
        b.Poke(C.Stvec, Base | 1);
        Assert.Equal(Base | 1, b.Peek(C.Stvec));
        b.Poke(C.Stvec, Base + 0x100 | 2);
        Assert.Equal(1UL, b.Peek(C.Stvec) & 3);
    }

    [Fact]
    public void EpcBitZeroIsClear()
    {
        b.Poke(C.Mepc, 0x8000_0003);
        b.Poke(C.Sepc, 0x8000_0005);
        Assert.Equal(0x8000_0002UL, b.Peek(C.Mepc));
        Assert.Equal(0x8000_0004UL, b.Peek(C.Sepc));
    }

    [Theory]
    [InlineData(Satp.Sv57, Satp.Sv39, true)]
    [InlineData(Satp.Sv57, Satp.Sv48, true)]
    [InlineData(Satp.Sv57, Satp.Sv57, true)]
    [InlineData(Satp.Sv48, Satp.Sv57, false)]
    [InlineData(Satp.Sv48, Satp.Sv48, true)]
    [InlineData(Satp.Sv39, Satp.Sv48, false)]
    [InlineData(Satp.Sv39, Satp.Sv39, true)]
    [InlineData(Satp.Sv57, 1UL, false)]
    [InlineData(Satp.Sv57, 7UL, false)]
    [InlineData(Satp.Sv57, 11UL, false)] // Sv64 is reserved
    [InlineData(Satp.Sv57, 15UL, false)]
    public void SatpModes(ulong max, ulong mode, bool sticks)
    {
        ulong previous = (Satp.Sv39 << 60) | (5UL << 44) | 0x80400;
        ulong value = (mode << 60) | (7UL << 44) | 0x80500;
        // Through the CSR instruction (in M-mode, so the program itself is not translated)...
        b.Reset();
        b.Hart.MaxSatpMode = max;
        b.Poke(C.Satp, previous);
        Assert.Equal(previous, b.Peek(C.Satp));
        b.Load(new Asm().Li(5, unchecked((long)value)).Csrw(C.Satp, 5).Csrr(10, C.Satp).Ecall());
        b.RunToHalt();
        Assert.Equal((ulong)ExceptionCause.EcallFromM, b.Mcause);
        Assert.Equal(sticks ? value : previous, b.X(10)); // an unsupported mode leaves all of satp alone
        // ...and through the VMM's interface.
        b.Poke(C.Satp, previous);
        b.Poke(C.Satp, value);
        Assert.Equal(sticks ? value : previous, b.Hart.SatpValue);
    }

    [Fact]
    public void SatpBareSticks()
    {
        b.Poke(C.Satp, (Satp.Sv39 << 60) | 1);
        b.Poke(C.Satp, 0);
        Assert.Equal(0UL, b.Peek(C.Satp));
    }

    [Fact]
    public void TrapVirtualMemory()
    {
        void Tvm() => b.Poke(C.Mstatus, Mstatus.TVM);
        Assert.True(IsIllegal(E.Csrr(10, C.Satp), PrivilegeMode.Supervisor, Tvm));
        Assert.True(IsIllegal(E.SfenceVma(), PrivilegeMode.Supervisor, Tvm));
        Assert.False(IsIllegal(E.Csrr(10, C.Satp), PrivilegeMode.Machine, Tvm));
        Assert.False(IsIllegal(E.SfenceVma(), PrivilegeMode.Machine, Tvm));
        Assert.False(IsIllegal(E.SfenceVma(), PrivilegeMode.Supervisor));
        Assert.True(IsIllegal(E.SfenceVma(), PrivilegeMode.User));
    }

    [Fact]
    public void TimeoutWait()
    {
        void Tw() => b.Poke(C.Mstatus, Mstatus.TW);
        Assert.True(IsIllegal(E.Wfi(), PrivilegeMode.Supervisor, Tw));
        Assert.True(IsIllegal(E.Wfi(), PrivilegeMode.User));
        // Without TW, S-mode WFI is legal (it waits: an exit to the VMM), and so is M-mode WFI with TW.
        b.Reset();
        b.Load(new Asm().Wfi().Ebreak());
        b.Enter(PrivilegeMode.Supervisor, HartBench.Code);
        Assert.Equal(ExitReason.Wfi, b.Hart.Run(10));
        Assert.Equal(HartBench.Code + 4, b.Hart.Pc);
        b.Reset();
        b.Poke(C.Mstatus, Mstatus.TW);
        Assert.Equal(ExitReason.Wfi, b.Hart.Run(10));
        Assert.Equal(HartBench.Code + 4, b.Hart.Pc);
    }

    [Fact]
    public void PauseExitsToTheVmmSoItCanYield()
    {
        // PAUSE is FENCE pred=W succ=0 (Zihintpause); in any mode it retires and hands the thread back.
        b.Reset();
        b.Load(new Asm().Fence(pred: 1, succ: 0).Addi(5, 0, 7).Fence().Ebreak());
        b.Enter(PrivilegeMode.User, HartBench.Code);
        ulong before = b.Hart.Instret;
        Assert.Equal(ExitReason.Pause, b.Hart.Run(10));
        Assert.Equal(HartBench.Code + 4, b.Hart.Pc);
        Assert.Equal(before + 1, b.Hart.Instret);
        // An ordinary FENCE does not exit.
        Assert.NotEqual(ExitReason.Pause, b.Hart.Run(2));
        Assert.Equal(7UL, b.X(5));
        Assert.Equal(HartBench.Code + 12, b.Hart.Pc);
    }

    [Fact]
    public void TrapSret()
    {
        Assert.True(IsIllegal(E.Sret(), PrivilegeMode.Supervisor, () => b.Poke(C.Mstatus, Mstatus.TSR)));
        Assert.True(IsIllegal(E.Sret(), PrivilegeMode.User));
        Assert.True(IsIllegal(E.Mret(), PrivilegeMode.Supervisor));
        Assert.True(IsIllegal(E.Mret(), PrivilegeMode.User));
    }

    [Fact]
    public void SieAndSipFollowMideleg()
    {
        b.Poke(C.Mie, ulong.MaxValue);
        Assert.Equal(Interrupt.AllBits, b.Peek(C.Mie));
        Assert.Equal(0UL, b.Peek(C.Sie));
        b.Poke(C.Mideleg, Interrupt.SSIP | Interrupt.STIP);
        Assert.Equal(Interrupt.SSIP | Interrupt.STIP, b.Peek(C.Sie));
        b.Poke(C.Sie, 0);
        Assert.Equal(Interrupt.AllBits & ~(Interrupt.SSIP | Interrupt.STIP), b.Peek(C.Mie));

        // sip: only a delegated SSIP is writable.
        b.Poke(C.Sip, ulong.MaxValue);
        Assert.Equal(Interrupt.SSIP, b.Peek(C.Sip));
        Assert.Equal(Interrupt.SSIP, b.Peek(C.Mip));
        b.Poke(C.Sip, 0);
        b.Poke(C.Mideleg, 0);
        b.Poke(C.Sip, ulong.MaxValue);
        Assert.Equal(0UL, b.Peek(C.Mip));
    }

    [Fact]
    public void MipWritableBits()
    {
        b.Poke(C.Mip, ulong.MaxValue);
        Assert.Equal(Interrupt.SSIP | Interrupt.STIP | Interrupt.SEIP, b.Peek(C.Mip));
        b.Poke(C.Mip, 0);
        Assert.Equal(0UL, b.Peek(C.Mip));
        // Under Sstc, STIP is stimecmp's and not writable.
        b.Poke(C.Menvcfg, Menvcfg.STCE);
        b.Poke(C.Mip, ulong.MaxValue);
        Assert.Equal(Interrupt.SSIP | Interrupt.SEIP, b.Peek(C.Mip));
    }

    [Fact]
    public void ClearingSsipDoesNotLatchThePlicSeip()
    {
        // Privileged spec 3.1.9: CSRRS/CSRRC on mip modify the software SEIP bit, not the OR with the external line.
        b.Reset();
        b.Load(new Asm().Csrrci(0, C.Mip, (int)Interrupt.SSIP).Li(5, Interrupt.STIP).Csrs(C.Mip, 5).Ecall());
        b.Hart.SetInterruptLine(Interrupt.SEIP, true);
        b.RunToHalt();
        Assert.Equal(Interrupt.SEIP | Interrupt.STIP, b.Peek(C.Mip));
        b.Hart.SetInterruptLine(Interrupt.SEIP, false);
        Assert.Equal(Interrupt.STIP, b.Peek(C.Mip));
    }

    [Fact]
    public void MipReadShowsPlatformLines()
    {
        b.Hart.SetInterruptLine(Interrupt.MEIP | Interrupt.MSIP, true);
        b.Hart.Mtimecmp = 0;
        Assert.Equal(Interrupt.MEIP | Interrupt.MSIP | Interrupt.MTIP, b.Peek(C.Mip));
        // Software cannot clear them.
        b.Poke(C.Mip, 0);
        Assert.Equal(Interrupt.MEIP | Interrupt.MSIP | Interrupt.MTIP, b.Peek(C.Mip));
        b.Hart.SetInterruptLine(Interrupt.MEIP | Interrupt.MSIP, false);
        b.Hart.Mtimecmp = ulong.MaxValue;
        Assert.Equal(0UL, b.Peek(C.Mip));
    }

    [Fact]
    public void CsrrwWithRdX0DoesNotRead_AndCsrrsWithRs1X0DoesNotWrite()
    {
        b.RunProgram(new Asm().Li(5, 0x55).Csrw(C.Mscratch, 5).Csrrs(10, C.Mscratch, 0).Csrrsi(11, C.Mscratch, 0xa)
            .Csrrc(12, C.Mscratch, 5).Csrrci(13, C.Mscratch, 0x1f).Csrrwi(14, C.Mscratch, 0x1e).Csrr(15, C.Mscratch).Ecall());
        Assert.Equal(0x55UL, b.X(10));
        Assert.Equal(0x55UL, b.X(11));
        Assert.Equal(0x5fUL, b.X(12));
        Assert.Equal(0x0aUL, b.X(13));
        Assert.Equal(0x00UL, b.X(14));
        Assert.Equal(0x1eUL, b.X(15));
    }

    [Fact]
    public void MenvcfgAndStimecmpAccess()
    {
        b.Poke(C.Menvcfg, ulong.MaxValue);
        Assert.Equal(Menvcfg.STCE | Menvcfg.FIOM, b.Peek(C.Menvcfg));
        uint read = E.Csrr(10, C.Stimecmp);
        Assert.False(IsIllegal(read, PrivilegeMode.Machine));
        Assert.True(IsIllegal(read, PrivilegeMode.Supervisor, () => b.Poke(C.Mcounteren, 2)));           // no STCE
        Assert.True(IsIllegal(read, PrivilegeMode.Supervisor, () => b.Poke(C.Menvcfg, Menvcfg.STCE)));    // no TM
        Assert.False(IsIllegal(read, PrivilegeMode.Supervisor, () => { b.Poke(C.Menvcfg, Menvcfg.STCE); b.Poke(C.Mcounteren, 2); }));
        Assert.True(IsIllegal(read, PrivilegeMode.User, () => { b.Poke(C.Menvcfg, Menvcfg.STCE); b.Poke(C.Mcounteren, 2); b.Poke(C.Scounteren, 2); }));
    }

    [Fact]
    public void McountinhibitIsHardwiredZero()
    {
        b.Poke(C.Mcountinhibit, ulong.MaxValue);
        Assert.Equal(0UL, b.Peek(C.Mcountinhibit));
    }
}
