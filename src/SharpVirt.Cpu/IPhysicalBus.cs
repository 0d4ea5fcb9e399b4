namespace SharpVirt.Cpu;

/// <summary>
/// Physical addresses that are not RAM: the board's device region. The hart reaches RAM directly
/// through guest memory slots and everything else through this interface (the slow path).
/// </summary>
public interface IPhysicalBus
{
    /// <summary>Returns false when nothing answers at <paramref name="address"/> (an access fault).</summary>
    bool Read(ulong address, int size, out ulong value);

    bool Write(ulong address, int size, ulong value);
}
