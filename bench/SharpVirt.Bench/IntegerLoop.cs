using SharpVirt.Cpu;
using SharpVirt.Memory;

namespace SharpVirt.Bench;

/// <summary>A hart running a fixed integer loop from RAM: addi/add/xor/bne, bare M-mode.</summary>
public sealed class IntegerLoop : IDisposable
{
    public const ulong RamBase = 0x8000_0000;
    private readonly GuestMemory memory = new();

    public IntegerLoop()
    {
        memory.AddSlot(RamBase, 1 << 20);
        uint[] code =
        [
            0x00000293, // li t0, 0
            0x00000313, // li t1, 0
            0x00128293, // loop: addi t0, t0, 1
            0x00530333, //       add t1, t1, t0
            0x0062c3b3, //       xor t2, t0, t1
            0xfe029ae3, //       bnez t0, loop  (t0 never wraps to zero in a benchmark's time)
        ];
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
