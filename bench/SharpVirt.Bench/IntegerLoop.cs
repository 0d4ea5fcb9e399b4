using SharpVirt.Cpu;
using SharpVirt.Memory;

namespace SharpVirt.Bench;

/// <summary>A hart running a fixed loop from RAM in bare M-mode: by default addi/add/xor/bne.</summary>
public sealed class IntegerLoop : IDisposable
{
    public const ulong RamBase = 0x8000_0000;
    private readonly GuestMemory memory = new();

    /// <summary>The integer loop: li t0, 0; li t1, 0; loop: addi t0, t0, 1; add t1, t1, t0; xor t2, t0, t1; bnez t0, loop.</summary>
    public static readonly uint[] Integer = [0x00000293, 0x00000313, 0x00128293, 0x00530333, 0x0062c3b3, 0xfe029ae3];

    /// <summary>
    /// Loads that hit the TLB: auipc sp, 0 (sp = the code page); loop: ld t1, 0(sp); ld t2, 8(sp); ld t3, 16(sp);
    /// ld t4, 24(sp); addi t0, t0, 1; bnez t0, loop. Four of every six instructions are loads.
    /// </summary>
    public static readonly uint[] Loads = [0x00000117, 0x00013303, 0x00813383, 0x01013e03, 0x01813e83, 0x00128293, 0xfe0296e3];

    public IntegerLoop(uint[]? program = null)
    {
        memory.AddSlot(RamBase, 1 << 20);
        uint[] code = program ?? Integer; // t0 never wraps to zero in a benchmark's time
        var bytes = new byte[code.Length * 4];
        Buffer.BlockCopy(code, 0, bytes, 0, bytes.Length);
        memory.Write(RamBase, bytes);
        Hart = new Hart(0, memory, new NoDevices(), new Timebase());
        Hart.Reset(RamBase);
    }

    public Hart Hart { get; }

    public void Dispose()
    {
        Hart.Dispose();
        memory.Dispose();
    }

    private sealed class NoDevices : IPhysicalBus
    {
        public bool Read(ulong address, int size, out ulong value)
        {
            value = 0;
            return false;
        }

        public bool Write(ulong address, int size, ulong value) => false;
    }
}
