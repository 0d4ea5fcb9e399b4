using System.Runtime.CompilerServices;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Traps;

namespace SharpVirt.Cpu;

public sealed partial class Hart
{
    /// <summary>misa: RV64 with A, C, D, F, I, M, S, U (read-only).</summary>
    public const ulong Misa = (2UL << 62) | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);

    /// <summary>Exceptions that medeleg may delegate: all but ECALL from M (3.1.8).</summary>
    private const ulong MedelegWritable = 0xb3ff;

    private ulong mstatus, medeleg, mideleg, mie, mtvec, mcounteren, menvcfg, mscratch, mepc, mcause, mtval;
    private ulong stvec, scounteren, senvcfg, sscratch, sepc, scause, stval, satp, stimecmp;
    private ulong cycleOffset;
    private readonly byte[] pmpcfg = new byte[64];
    private readonly ulong[] pmpaddr = new ulong[64];
    private uint fflags, frm;

    /// <summary>The widest translation mode satp accepts; wider ones do not stick (Linux probes Sv57, then Sv48, then Sv39).</summary>
    public ulong MaxSatpMode { get; set; } = Satp.Sv57;

    public ulong MstatusValue => ReadMstatus();
    public ulong SatpValue => satp;

    private ulong ReadMstatus()
    {
        ulong s = mstatus;
        if ((s & Mstatus.FS) == Mstatus.FSDirty)
            s |= Mstatus.SD;
        return s;
    }

    /// <summary>Reads a CSR as Zicsr does; false means the access raises illegal instruction.</summary>
    public bool TryReadCsr(int csr, out ulong value)
    {
        if (!CsrAccessible(csr, write: false))
        {
            value = 0;
            return false;
        }
        return ReadCsrCore(csr, out value);
    }

    /// <summary>Reads a CSR as a debugger would, whatever the current privilege; false if it does not exist.</summary>
    public bool DebugReadCsr(int csr, out ulong value) => ReadCsrCore(csr, out value);

    /// <summary>Writes a CSR as a debugger would, whatever the current privilege (WARL rules still apply).</summary>
    public bool DebugWriteCsr(int csr, ulong value) => WriteCsrCore(csr, value);

    private bool ReadCsrCore(int csr, out ulong value)
    {
        value = 0;
        switch (csr)
        {
            case CsrAddress.Fflags: value = fflags; return true;
            case CsrAddress.Frm: value = frm; return true;
            case CsrAddress.Fcsr: value = (frm << 5) | fflags; return true;
            case CsrAddress.Cycle: case CsrAddress.Mcycle: value = Instret + cycleOffset; return true;
            case CsrAddress.Time: value = timebase.Now; return true;
            case CsrAddress.Instret: case CsrAddress.Minstret: value = Instret; return true;
            case >= CsrAddress.HpmCounter3 and <= CsrAddress.HpmCounter31: return true;
            case >= CsrAddress.MhpmCounter3 and <= CsrAddress.MhpmCounter31: return true;
            case >= CsrAddress.MhpmEvent3 and <= CsrAddress.MhpmEvent31: return true;

            case CsrAddress.Sstatus: value = ReadMstatus() & Mstatus.SstatusMask; return true;
            case CsrAddress.Sie: value = mie & mideleg; return true;
            case CsrAddress.Stvec: value = stvec; return true;
            case CsrAddress.Scounteren: value = scounteren; return true;
            case CsrAddress.Senvcfg: value = senvcfg; return true;
            case CsrAddress.Sscratch: value = sscratch; return true;
            case CsrAddress.Sepc: value = sepc; return true;
            case CsrAddress.Scause: value = scause; return true;
            case CsrAddress.Stval: value = stval; return true;
            case CsrAddress.Sip: UpdateTimerInterrupts(); value = Mip & mideleg; return true;
            case CsrAddress.Stimecmp: value = stimecmp; return true;
            case CsrAddress.Satp: value = satp; return true;

            case CsrAddress.Mvendorid: case CsrAddress.Marchid: case CsrAddress.Mimpid: case CsrAddress.Mconfigptr: return true;
            case CsrAddress.Mhartid: value = (ulong)HartId; return true;
            case CsrAddress.Mstatus: value = ReadMstatus(); return true;
            case CsrAddress.Misa: value = Misa; return true;
            case CsrAddress.Medeleg: value = medeleg; return true;
            case CsrAddress.Mideleg: value = mideleg; return true;
            case CsrAddress.Mie: value = mie; return true;
            case CsrAddress.Mtvec: value = mtvec; return true;
            case CsrAddress.Mcounteren: value = mcounteren; return true;
            case CsrAddress.Menvcfg: value = menvcfg; return true;
            case CsrAddress.Mcountinhibit: return true;
            case CsrAddress.Mscratch: value = mscratch; return true;
            case CsrAddress.Mepc: value = mepc; return true;
            case CsrAddress.Mcause: value = mcause; return true;
            case CsrAddress.Mtval: value = mtval; return true;
            case CsrAddress.Mip: UpdateTimerInterrupts(); value = Mip; return true;
            case >= CsrAddress.Pmpcfg0 and <= CsrAddress.Pmpcfg15 when (csr & 1) == 0:
                int first = (csr - CsrAddress.Pmpcfg0) * 4;
                for (int i = 7; i >= 0; i--)
                    value = (value << 8) | pmpcfg[first + i];
                return true;
            case >= CsrAddress.Pmpaddr0 and <= CsrAddress.Pmpaddr63: value = pmpaddr[csr - CsrAddress.Pmpaddr0]; return true;
            default: return false;
        }
    }

    /// <summary>Writes a CSR; false means the access raises illegal instruction.</summary>
    public bool TryWriteCsr(int csr, ulong value) => CsrAccessible(csr, write: true) && WriteCsrCore(csr, value);

    private bool WriteCsrCore(int csr, ulong value)
    {
        switch (csr)
        {
            case CsrAddress.Fflags: fflags = (uint)value & 0x1f; MarkFsDirty(); return true;
            case CsrAddress.Frm: frm = (uint)value & 7; MarkFsDirty(); return true;
            case CsrAddress.Fcsr: fflags = (uint)value & 0x1f; frm = (uint)(value >> 5) & 7; MarkFsDirty(); return true;
            case CsrAddress.Mcycle: cycleOffset = value - Instret - 1; return true;
            // The write wins over this instruction's own increment (Zicntr).
            case CsrAddress.Minstret: cycleOffset += Instret - (value - 1); Instret = value - 1; return true;
            case >= CsrAddress.MhpmCounter3 and <= CsrAddress.MhpmCounter31: return true;
            case >= CsrAddress.MhpmEvent3 and <= CsrAddress.MhpmEvent31: return true;

            case CsrAddress.Sstatus: WriteMstatus((mstatus & ~Mstatus.WritableS) | (value & Mstatus.WritableS)); return true;
            case CsrAddress.Sie: mie = (mie & ~mideleg) | (value & mideleg & Interrupt.SupervisorBits); return true;
            case CsrAddress.Stvec: stvec = LegalTvec(value, stvec); return true;
            case CsrAddress.Scounteren: scounteren = value & 0xffff_ffff; return true;
            case CsrAddress.Senvcfg: senvcfg = value & Menvcfg.FIOM; return true;
            case CsrAddress.Sscratch: sscratch = value; return true;
            case CsrAddress.Sepc: sepc = value & ~1UL; return true;
            case CsrAddress.Scause: scause = value; return true;
            case CsrAddress.Stval: stval = value; return true;
            case CsrAddress.Sip:
                WriteMipSoftware(Interrupt.SSIP & mideleg, value);
                return true;
            case CsrAddress.Stimecmp: stimecmp = value; UpdateTimerInterrupts(); return true;
            case CsrAddress.Satp: WriteSatp(value); return true;

            case CsrAddress.Mstatus: WriteMstatus(value); return true;
            case CsrAddress.Misa: return true;
            case CsrAddress.Medeleg: medeleg = value & MedelegWritable; return true;
            case CsrAddress.Mideleg: mideleg = value & Interrupt.SupervisorBits; return true;
            case CsrAddress.Mie: mie = value & Interrupt.AllBits; return true;
            case CsrAddress.Mtvec: mtvec = LegalTvec(value, mtvec); return true;
            case CsrAddress.Mcounteren: mcounteren = value & 0xffff_ffff; return true;
            case CsrAddress.Menvcfg:
                menvcfg = value & Menvcfg.Writable;
                UpdateTimerInterrupts();
                return true;
            // The counters cannot be inhibited: mcountinhibit is hard-wired to zero (WARL, 3.1.12).
            case CsrAddress.Mcountinhibit: return true;
            case CsrAddress.Mscratch: mscratch = value; return true;
            case CsrAddress.Mepc: mepc = value & ~1UL; return true;
            case CsrAddress.Mcause: mcause = value; return true;
            case CsrAddress.Mtval: mtval = value; return true;
            case CsrAddress.Mip:
                WriteMipSoftware(MipWritable, value);
                return true;
            case >= CsrAddress.Pmpcfg0 and <= CsrAddress.Pmpcfg15 when (csr & 1) == 0:
                int first = (csr - CsrAddress.Pmpcfg0) * 4;
                for (int i = 0; i < 8; i++)
                    WritePmpcfg(first + i, (byte)(value >> (8 * i)));
                return true;
            case >= CsrAddress.Pmpaddr0 and <= CsrAddress.Pmpaddr63:
                int n = csr - CsrAddress.Pmpaddr0;
                if ((pmpcfg[n] & 0x80) == 0)
                    pmpaddr[n] = value & ((1UL << 54) - 1);
                return true;
            default: return false;
        }
    }

    /// <summary>Privilege and read-only checks from the CSR number itself (2.1), plus per-CSR gates.</summary>
    private bool CsrAccessible(int csr, bool write)
    {
        if ((csr >> 8 & 3) > (int)Mode)
            return false;
        if (write && (csr >> 10) == 3)
            return false;
        switch (csr)
        {
            case CsrAddress.Fflags or CsrAddress.Frm or CsrAddress.Fcsr:
                return (mstatus & Mstatus.FS) != 0;
            case >= CsrAddress.Cycle and <= CsrAddress.HpmCounter31:
                int bit = csr - CsrAddress.Cycle;
                if (Mode < PrivilegeMode.Machine && ((mcounteren >> bit) & 1) == 0)
                    return false;
                return Mode != PrivilegeMode.User || ((scounteren >> bit) & 1) != 0;
            case CsrAddress.Satp:
                return Mode != PrivilegeMode.Supervisor || (mstatus & Mstatus.TVM) == 0;
            case CsrAddress.Stimecmp:
                // Sstc: below M-mode, needs menvcfg.STCE and mcounteren.TM.
                return Mode == PrivilegeMode.Machine || (StimecmpActive && (mcounteren & 2) != 0);
            default:
                return true;
        }
    }

    /// <summary>The mip bits a CSR write changes: SSIP, the software SEIP, and STIP unless Sstc drives it.</summary>
    private ulong MipWritable => Interrupt.SSIP | Interrupt.SEIP | (StimecmpActive ? 0 : Interrupt.STIP);

    /// <summary>
    /// The value CSRRS/CSRRC modify. For mip it is the software-writable bits themselves, not the OR with the
    /// platform lines that a read returns (3.1.9): otherwise clearing SSIP while the PLIC drives SEIP would latch SEIP.
    /// </summary>
    private ulong RmwBase(int csr, ulong read)
    {
        if (csr != CsrAddress.Mip)
            return read;
        ulong w = MipWritable;
        return (read & ~w) | ((ulong)Volatile.Read(ref mipSoftware) & w);
    }

    private static ulong LegalTvec(ulong value, ulong old) => (value & 3) < 2 ? value : (value & ~3UL) | (old & 3);

    private void WritePmpcfg(int index, byte value)
    {
        if ((pmpcfg[index] & 0x80) != 0)
            return; // locked
        if ((value & 3) == 2)
            value &= 0xfd; // R=0, W=1 is reserved
        pmpcfg[index] = (byte)(value & 0x9f);
    }

    private void WriteMstatus(ulong value)
    {
        ulong old = mstatus;
        ulong v = (old & ~Mstatus.WritableM) | (value & Mstatus.WritableM);
        if ((v & Mstatus.MPP) == (2UL << Mstatus.MPPShift))
            v = (v & ~Mstatus.MPP) | (old & Mstatus.MPP);
        mstatus = v;
        if (((old ^ v) & Mstatus.MXR) != 0)
            tlb.FlushAll();
        if (((old ^ v) & (Mstatus.MPRV | Mstatus.MPP | Mstatus.SUM | Mstatus.MXR)) != 0)
            UpdateTranslationContext();
    }

    private void WriteSatp(ulong value)
    {
        ulong mode = Satp.Mode(value);
        if (mode != Satp.Bare && (Satp.Levels(mode) == 0 || mode > MaxSatpMode))
            return; // an unsupported MODE makes the whole write have no effect (10.1.11)
        satp = value & ((0xfUL << Satp.ModeShift) | (Satp.AsidMask << Satp.AsidShift) | Satp.PpnMask);
        tlb.FlushAll();
        UpdateTranslationContext();
    }

    private void MarkFsDirty() => mstatus |= Mstatus.FSDirty;

    /// <summary>
    /// A CSR instruction (bits <paramref name="raw"/>) for compiled code, <paramref name="src"/> being rs1's value
    /// or the immediate; the value read goes to <see cref="loaded"/>. Returns 0 on illegal instruction (recorded),
    /// 1 to go on, or 2 when the write may have made an interrupt deliverable or changed how memory is
    /// translated: the code then leaves, and the kick sends the hart back to <see cref="Run"/>'s poll, as the
    /// interpreter does after every CSR write. Clearing SIE (the kernel's local_irq_save) and writes to the trap
    /// scratch registers go on.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int CsrForCompiledCode(uint raw, ulong src)
    {
        int csr = (int)(raw >> 20), rd = (int)(raw >> 7) & 31, rs1 = (int)(raw >> 15) & 31;
        var kind = (Op)((int)Op.Csrrw + ((int)(raw >> 12) & 3) - 1); // funct3 1, 2, 3 (and 5, 6, 7 for the immediate forms)
        bool writes = kind == Op.Csrrw || rs1 != 0;
        ulong before = mstatus;
        if (!AccessCsr(kind, csr, rd, rs1, src, out loaded))
        {
            Fault(ExceptionCause.IllegalInstruction, raw);
            return 0;
        }
        if (!writes || csr is >= CsrAddress.Sscratch and <= CsrAddress.Stval)
            return 1;
        const ulong enables = Mstatus.SIE | Mstatus.MIE;
        ulong changed = before ^ mstatus;
        if ((changed & ~enables) == 0 && ((mstatus & changed) == 0 || (Mip & mie) == 0))
            return 1;
        Volatile.Write(ref Kicked, 1);
        return 2;
    }

    /// <summary>The CSRs compiled code reads and writes through <see cref="CsrForCompiledCode"/>; the counters are not among them (compiled code counts instret at its exit).</summary>
    internal static bool CompiledCsr(int csr) => csr is CsrAddress.Sstatus or (>= CsrAddress.Sscratch and <= CsrAddress.Stval) or CsrAddress.Time;
}
