using SharpVirt.Cpu;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Traps;
using C = SharpVirt.Cpu.Csr.CsrAddress;

namespace SharpVirt.Tests.Cpu;

/// <summary>Synchronous traps: causes, epc and tval, delegation, and the xRET state changes (privileged spec 3.1.6.1, 3.3.2).</summary>
public sealed class TrapTests : IDisposable
{
    private readonly HartBench b = new();

    public void Dispose() => b.Dispose();

    private const ulong Target = HartBench.Code + 0x100;

    [Theory]
    [InlineData(PrivilegeMode.User, ExceptionCause.EcallFromU)]
    [InlineData(PrivilegeMode.Supervisor, ExceptionCause.EcallFromS)]
    [InlineData(PrivilegeMode.Machine, ExceptionCause.EcallFromM)]
    public void EcallFromEachMode(PrivilegeMode mode, ExceptionCause cause)
    {
        b.Load(new Asm().Nop().Ecall(), Target);
        b.Poke(C.Mstatus, Mstatus.MIE);
        if (mode != PrivilegeMode.Machine)
            b.Enter(mode, Target);
        else
            b.Hart.Pc = Target;
        b.RunToHalt();
        b.AssertMTrap((ulong)cause, Target + 4, 0);
        Assert.Equal(HartBench.MHalt + 4, b.Hart.Pc); // trapped to mtvec, then the halt's wfi retired
        ulong s = b.Peek(C.Mstatus);
        Assert.Equal((ulong)mode, (s & Mstatus.MPP) >> Mstatus.MPPShift);
        Assert.Equal(0UL, s & Mstatus.MIE);
        // MIE was 1 in M-mode; Enter's mret copied MPIE (0) to MIE for the other modes.
        Assert.Equal(mode == PrivilegeMode.Machine, (s & Mstatus.MPIE) != 0);
        Assert.Equal(1UL, b.Hart.TrapCount);
        Assert.Equal((ulong)cause, b.Hart.LastTrapCause);
    }

    [Fact]
    public void EcallFromUDelegatedToS()
    {
        b.Load(new Asm().Ecall(), Target);
        b.Poke(C.Medeleg, 1UL << 8);
        b.Poke(C.Sstatus, Mstatus.SIE);
        b.Enter(PrivilegeMode.User, Target);
        b.RunToHalt();
        b.AssertSTrap((ulong)ExceptionCause.EcallFromU, Target, 0);
        ulong s = b.Peek(C.Mstatus);
        Assert.Equal(0UL, s & Mstatus.SPP);
        Assert.Equal(Mstatus.SPIE, s & (Mstatus.SPIE | Mstatus.SIE));
        Assert.Equal(0UL, b.Mcause); // M-mode state untouched
        Assert.Equal(HartBench.SHalt + 4, b.Hart.Pc);
    }

    [Fact]
    public void IllegalFromSDelegatedToSSetsSpp()
    {
        b.Load(new Asm().Word(0xfe00_0033), Target);
        b.Poke(C.Medeleg, 1UL << 2);
        b.Enter(PrivilegeMode.Supervisor, Target);
        b.RunToHalt();
        b.AssertSTrap((ulong)ExceptionCause.IllegalInstruction, Target, 0xfe00_0033);
        ulong s = b.Peek(C.Mstatus);
        Assert.Equal(Mstatus.SPP, s & Mstatus.SPP);
        Assert.Equal(0UL, s & (Mstatus.SPIE | Mstatus.SIE));
    }

    [Fact]
    public void MModeTrapsAreNeverDelegated()
    {
        b.Poke(C.Medeleg, ulong.MaxValue);
        b.RunProgram(new Asm().Word(0xfe00_0033));
        b.AssertMTrap((ulong)ExceptionCause.IllegalInstruction, HartBench.Code, 0xfe00_0033);
        Assert.Equal(0UL, b.Scause);
    }

    [Fact]
    public void EcallFromSIsNotDelegatedWithoutItsBit()
    {
        b.Load(new Asm().Ecall(), Target);
        b.Poke(C.Medeleg, ulong.MaxValue & ~(1UL << 9));
        b.Enter(PrivilegeMode.Supervisor, Target);
        b.RunToHalt();
        b.AssertMTrap((ulong)ExceptionCause.EcallFromS, Target, 0);
    }

    [Fact]
    public void Ebreak()
    {
        b.RunProgram(new Asm().Nop().Ebreak());
        b.AssertMTrap((ulong)ExceptionCause.Breakpoint, HartBench.Code + 4, HartBench.Code + 4);
    }

    [Theory]
    [InlineData(0xfe00_0033u)] // OP with an unknown funct7
    [InlineData(0x0000_707fu)] // an opcode for instructions longer than 32 bits
    [InlineData(0xffff_ffffu)]
    [InlineData(0x0000_7003u)] // load with funct3 = 7
    [InlineData(0x0000_1067u)] // jalr with funct3 != 0
    [InlineData(0x0050_2073u)] // csrrs x0, 0x005, x0: no such CSR
    [InlineData(0x1050_0173u)] // wfi with rd != 0
    [InlineData(0x1200_00f3u)] // sfence.vma with rd != 0
    [InlineData(0x8000_1013u)] // slli with imm[11:6] = 0x20
    [InlineData(0x1010_202fu)] // lr.w with rs2 != 0
    [InlineData(0x0000_200fu)] // fence with funct3 = 2
    [InlineData(0x0200_103bu)] // OP-32, funct7 = 1, funct3 = 1: there is no mulhw
    [InlineData(0x0000_2007u)] // flw while mstatus.FS = Off
    [InlineData(0x0200_0053u)] // fadd.d while mstatus.FS = Off
    public void IllegalInstructionReportsItsBits(uint insn)
    {
        b.RunProgram(new Asm().Word(insn));
        b.AssertMTrap((ulong)ExceptionCause.IllegalInstruction, HartBench.Code, insn);
    }

    [Fact]
    public void MretRestoresStateAndClearsMprv()
    {
        b.Load(new Asm().Ecall(), Target);
        b.RunProgram(new Asm()
            .Li(5, unchecked((long)(Mstatus.MPIE | (1UL << Mstatus.MPPShift) | Mstatus.MPRV))).Csrw(C.Mstatus, 5)
            .Li(6, (long)Target).Csrw(C.Mepc, 6).Mret());
        Assert.Equal((ulong)ExceptionCause.EcallFromS, b.Mcause);
        Assert.Equal(Target, b.Mepc);
        // After mret (before the ecall): MIE = old MPIE = 1, MPIE = 1, MPP = U, MPRV = 0 (left M-mode).
        // The ecall then moved MIE to MPIE and set MPP = S; MPRV stays 0.
        ulong s = b.Peek(C.Mstatus);
        Assert.Equal(0UL, s & Mstatus.MPRV);
        Assert.Equal(Mstatus.MPIE, s & (Mstatus.MPIE | Mstatus.MIE));
    }

    [Fact]
    public void MretFieldsDirectly()
    {
        b.Poke(C.Mstatus, Mstatus.MPIE | (1UL << Mstatus.MPPShift) | Mstatus.MPRV);
        b.Poke(C.Mepc, Target);
        b.Load(new Asm().Mret());
        b.Hart.Run(1);
        Assert.Equal(PrivilegeMode.Supervisor, b.Hart.Mode);
        Assert.Equal(Target, b.Hart.Pc);
        ulong s = b.Peek(C.Mstatus);
        Assert.Equal(Mstatus.MIE | Mstatus.MPIE, s & (Mstatus.MIE | Mstatus.MPIE));
        Assert.Equal(0UL, s & Mstatus.MPP); // least-privileged mode
        Assert.Equal(0UL, s & Mstatus.MPRV);

        // MRET to M keeps MPRV; MPIE = 0 gives MIE = 0.
        b.Reset();
        b.Load(new Asm().Mret());
        b.Poke(C.Mstatus, Mstatus.MIE | (3UL << Mstatus.MPPShift) | Mstatus.MPRV);
        b.Poke(C.Mepc, Target);
        b.Hart.Run(1);
        Assert.Equal(PrivilegeMode.Machine, b.Hart.Mode);
        s = b.Peek(C.Mstatus);
        Assert.Equal(Mstatus.MPRV | Mstatus.MPIE, s & (Mstatus.MIE | Mstatus.MPIE | Mstatus.MPRV));
    }

    [Fact]
    public void SretFieldsAndMprv()
    {
        // From S to U: SIE = SPIE, SPIE = 1, SPP = U.
        b.Load(new Asm().Sret(), Target);
        b.Poke(C.Sepc, Target + 0x40);
        b.Poke(C.Mstatus, Mstatus.SPIE);
        b.Enter(PrivilegeMode.Supervisor, Target);
        b.Hart.Run(1);
        Assert.Equal(PrivilegeMode.User, b.Hart.Mode);
        Assert.Equal(Target + 0x40, b.Hart.Pc);
        ulong s = b.Peek(C.Mstatus);
        Assert.Equal(Mstatus.SIE | Mstatus.SPIE, s & (Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP));

        // From M with SPP = S: goes to S and clears MPRV.
        b.Reset();
        b.Load(new Asm().Sret());
        b.Poke(C.Sepc, Target);
        b.Poke(C.Mstatus, Mstatus.SPP | Mstatus.MPRV | (3UL << Mstatus.MPPShift));
        b.Hart.Run(1);
        Assert.Equal(PrivilegeMode.Supervisor, b.Hart.Mode);
        s = b.Peek(C.Mstatus);
        Assert.Equal(Mstatus.SPIE, s & (Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.MPRV));
    }

    [Fact]
    public void TrapToMFromSAndBack()
    {
        // A round trip: S ecall -> M handler that advances mepc and returns -> S carries on to a WFI.
        var a = new Asm()
            .Li(10, 1).Ecall().Addi(10, 10, 1).Wfi()
            .Label("m").Csrr(5, C.Mepc).Addi(5, 5, 4).Csrw(C.Mepc, 5).Addi(20, 20, 1).Mret();
        b.Load(a);
        b.Poke(C.Mtvec, HartBench.Code + (ulong)a.OffsetOf("m"));
        b.Enter(PrivilegeMode.Supervisor, HartBench.Code);
        b.RunToHalt();
        Assert.Equal(PrivilegeMode.Supervisor, b.Hart.Mode);
        Assert.Equal(2UL, b.X(10));
        Assert.Equal(1UL, b.X(20));
        Assert.Equal((ulong)ExceptionCause.EcallFromS, b.Mcause);
    }

    [Fact]
    public void StoreAccessFaultDelegated()
    {
        var a = new Asm().Li(5, (long)HartBench.Hole).Label("st").Sw(5, 5, 0x10);
        b.Load(a, Target);
        b.Poke(C.Medeleg, 1UL << 7);
        b.Enter(PrivilegeMode.Supervisor, Target);
        b.RunToHalt();
        b.AssertSTrap((ulong)ExceptionCause.StoreAccessFault, Target + (ulong)a.OffsetOf("st"), HartBench.Hole + 0x10);
    }

    [Fact]
    public void ScauseAndMcauseAreWlrlButHoldValues()
    {
        b.Poke(C.Scause, Interrupt.CauseFlag | 5);
        b.Poke(C.Mcause, 2);
        b.Poke(C.Stval, 0x1234);
        b.Poke(C.Mtval, 0x5678);
        Assert.Equal(Interrupt.CauseFlag | 5, b.Scause);
        Assert.Equal(2UL, b.Mcause);
        Assert.Equal(0x1234UL, b.Stval);
        Assert.Equal(0x5678UL, b.Mtval);
    }

    [Fact]
    public void EcallFromSupervisorExitsToTheVmmWhenItImplementsTheSbi()
    {
        b.Load(new Asm().Li(17, 0x54494d45).Ecall().Addi(10, 10, 1).Ecall(), Target);
        b.Hart.SbiInVmm = true;
        b.Enter(PrivilegeMode.Supervisor, Target);
        ulong instret = b.Hart.Instret;
        Assert.Equal(ExitReason.Sbi, b.Hart.Run(100));
        Assert.Equal(Target + 8, b.Hart.Pc);
        Assert.Equal(0x54494d45UL, b.X(17));
        Assert.Equal(0UL, b.Hart.TrapCount);
        b.Hart.SetX(10, 41);
        b.Hart.CompleteSbiCall();
        Assert.Equal(ExitReason.Sbi, b.Hart.Run(100));
        Assert.Equal(42UL, b.X(10));
        Assert.Equal(instret + 4 + 1, b.Hart.Instret); // li (2), ecall, addi, ecall: the ecalls retire
        Assert.Equal(0UL, b.Hart.TrapCount);

        // U-mode ecalls still trap.
        b.Reset();
        b.Load(new Asm().Ecall(), Target);
        b.Enter(PrivilegeMode.User, Target);
        b.RunToHalt();
        b.AssertMTrap((ulong)ExceptionCause.EcallFromU, Target, 0);
    }
}
