using SharpVirt.Cpu;
using SharpVirt.Devices.Bus;

namespace SharpVirt.Machine.Board;

/// <summary>The harts' view of everything that is not RAM: the board's MMIO bus. A hole is an access fault.</summary>
public sealed class BoardBus(MmioBus bus) : IPhysicalBus
{
    public bool Read(ulong address, int size, out ulong value) => bus.TryRead(address, size, out value);

    public bool Write(ulong address, int size, ulong value) => bus.TryWrite(address, size, value);
}
