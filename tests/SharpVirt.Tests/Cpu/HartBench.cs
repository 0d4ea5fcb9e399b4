using SharpVirt.Cpu;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Translation;
using SharpVirt.Memory;

namespace SharpVirt.Tests.Cpu;

/// <summary>
/// An <see cref="IPhysicalBus"/> for tests: a device window that answers (reads return <see cref="Registers"/>
/// values, or 0), everything else unanswered (an access fault). Every access is logged.
/// </summary>
public sealed class FakeBus : IPhysicalBus
{
    public const ulong DeviceBase = 0x1000_0000, DeviceSize = 0x1000;

    public readonly List<(bool Write, ulong Address, int Size, ulong Value)> Log = new();
    public readonly Dictionary<ulong, ulong> Registers = new();

    public bool Read(ulong address, int size, out ulong value)
    {
        lock (Log)
        {
            value = 0;
            if (address - DeviceBase >= DeviceSize)
                return false;
            Registers.TryGetValue(address, out value);
            if (size < 8)
                value &= (1UL << (8 * size)) - 1;
            Log.Add((false, address, size, value));
            return true;
        }
    }

    /// <summary>Called on the writing thread after each write to the device window (a device reacting at once).</summary>
    public Action<ulong, ulong>? OnWrite;

    public bool Write(ulong address, int size, ulong value)
    {
        lock (Log)
        {
            if (address - DeviceBase >= DeviceSize)
                return false;
            Log.Add((true, address, size, value));
        }
        OnWrite?.Invoke(address, value);
        return true;
    }
}

/// <summary>
/// One hart over 64 MiB of RAM at 0x8000_0000 and a <see cref="FakeBus"/>. Test programs are assembled
/// at <see cref="Code"/>; traps to M go to <see cref="MHalt"/> and traps to S to <see cref="SHalt"/>, both
/// a WFI loop, so with no interrupt enabled in mie a trap ends <see cref="Hart.Run"/> with <see cref="ExitReason.Wfi"/>.
/// </summary>
public sealed class HartBench : IDisposable
{
    public const ulong RamBase = 0x8000_0000, RamSize = 64UL << 20;
    public const ulong Code = RamBase;
    public const ulong MHalt = RamBase + 0x10_0000, SHalt = MHalt + 0x100, Trampoline = MHalt + 0x200;
    public const ulong Data = RamBase + 0x20_0000;
    public const ulong PageTables = RamBase + 0x40_0000;
    public const ulong Device = FakeBus.DeviceBase;
    /// <summary>Nothing answers here: accesses raise access faults.</summary>
    public const ulong Hole = 0x2000_0000;

    public readonly GuestMemory Memory;
    public readonly FakeBus Bus = new();
    public readonly Timebase Time;
    public readonly Hart Hart;
    private readonly bool ownsMemory;

    /// <param name="jit">Runs with the block translator, compiling each block at its first run (on this thread).</param>
    /// <param name="translations">Compiled code shared with another hart (by default this hart's own).</param>
    /// <param name="ramSize">The RAM of a bench that does not share memory.</param>
    public HartBench(int hartId = 0, GuestMemory? shared = null, Timebase? time = null, bool jit = false, CompiledCode? translations = null, ulong ramSize = RamSize)
    {
        ownsMemory = shared == null;
        Memory = shared ?? new GuestMemory();
        if (shared == null)
            Memory.AddSlot(RamBase, ramSize);
        Time = time ?? new Timebase();
        Hart = new Hart(hartId, Memory, Bus, Time) { JitEnabled = jit, HotThreshold = 1, CompileInForeground = true, Translations = translations ?? new() };
        Load(MHalt, new Asm().Label("h").Wfi().J("h").Assemble());
        Load(SHalt, new Asm().Label("h").Wfi().J("h").Assemble());
        Load(Trampoline, new Asm().Mret().Assemble());
        Reset();
    }

    /// <summary>Resets the hart to M-mode at <paramref name="pc"/> with mtvec = MHalt and stvec = SHalt.</summary>
    public void Reset(ulong pc = Code)
    {
        Hart.Reset(pc);
        Poke(CsrAddress.Mtvec, MHalt);
        Poke(CsrAddress.Stvec, SHalt);
    }

    public void Load(ulong address, byte[] bytes) => Memory.Write(address, bytes);

    public void Load(Asm asm, ulong address = Code) => Load(address, asm.Assemble());

    /// <summary>Resets, loads <paramref name="asm"/> at <see cref="Code"/> and runs in M-mode until a trap halts it.</summary>
    public void RunProgram(Asm asm, long budget = 100_000)
    {
        Reset();
        Load(asm);
        RunToHalt(budget);
    }

    /// <summary>Runs until the hart halts in a WFI (normally the trap halt loop).</summary>
    public void RunToHalt(long budget = 100_000)
    {
        ExitReason r = Hart.Run(budget);
        Assert.True(r == ExitReason.Wfi, $"expected a halt, got {r} at pc 0x{Hart.Pc:x} (mode {Hart.Mode})");
    }

    public ulong X(int i) => Hart.GetX(i);

    public ulong Peek(int csr)
    {
        Assert.True(Hart.DebugReadCsr(csr, out ulong v), $"CSR 0x{csr:x} does not exist");
        return v;
    }

    public void Poke(int csr, ulong value) => Assert.True(Hart.DebugWriteCsr(csr, value), $"CSR 0x{csr:x} does not exist");

    public ulong Mcause => Peek(CsrAddress.Mcause);
    public ulong Mepc => Peek(CsrAddress.Mepc);
    public ulong Mtval => Peek(CsrAddress.Mtval);
    public ulong Scause => Peek(CsrAddress.Scause);
    public ulong Sepc => Peek(CsrAddress.Sepc);
    public ulong Stval => Peek(CsrAddress.Stval);

    /// <summary>Asserts the hart trapped to M-mode with these mcause, mepc and mtval.</summary>
    public void AssertMTrap(ulong cause, ulong epc, ulong tval)
    {
        Assert.Equal(PrivilegeMode.Machine, Hart.Mode);
        Assert.Equal(cause, Mcause);
        Assert.Equal(epc, Mepc);
        Assert.Equal(tval, Mtval);
    }

    public void AssertSTrap(ulong cause, ulong epc, ulong tval)
    {
        Assert.Equal(PrivilegeMode.Supervisor, Hart.Mode);
        Assert.Equal(cause, Scause);
        Assert.Equal(epc, Sepc);
        Assert.Equal(tval, Stval);
    }

    /// <summary>Switches from M-mode to <paramref name="mode"/> at <paramref name="pc"/> by executing a real MRET.</summary>
    public void Enter(PrivilegeMode mode, ulong pc)
    {
        Assert.Equal(PrivilegeMode.Machine, Hart.Mode);
        ulong s = Peek(CsrAddress.Mstatus) & ~Mstatus.MPP;
        Poke(CsrAddress.Mstatus, s | ((ulong)mode << Mstatus.MPPShift));
        Poke(CsrAddress.Mepc, pc);
        Hart.Pc = Trampoline;
        ulong traps = Hart.TrapCount;
        Assert.Equal(ExitReason.Budget, Hart.Run(1));
        Assert.Equal(traps, Hart.TrapCount);
        Assert.Equal(mode, Hart.Mode);
        Assert.Equal(pc, Hart.Pc);
    }

    public ulong Read64(ulong pa)
    {
        Assert.True(Memory.TryRead(pa, out ulong v));
        return v;
    }

    public uint Read32(ulong pa)
    {
        Assert.True(Memory.TryRead(pa, out uint v));
        return v;
    }

    public void Write64(ulong pa, ulong v) => Assert.True(Memory.TryWrite(pa, v));

    public void Write32(ulong pa, uint v) => Assert.True(Memory.TryWrite(pa, v));

    public void Dispose()
    {
        Hart.Dispose();
        if (ownsMemory)
            Memory.Dispose();
    }
}
