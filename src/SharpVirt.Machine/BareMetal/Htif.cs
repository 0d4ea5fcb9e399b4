using SharpVirt.Memory;

namespace SharpVirt.Machine.BareMetal;

/// <summary>
/// Spike's host-target interface: the guest writes a command into `tohost`, the host polls it.
/// Device 0 command 0 with an odd payload ends the run (payload >> 1 is the exit code, 0 = pass);
/// device 1 command 1 prints a character. The host then clears `tohost`.
/// </summary>
public sealed class Htif(GuestMemory memory, ulong tohost, Action<byte> putChar)
{
    public ulong ToHostAddress => tohost;

    /// <summary>Handles a pending command; returns the test's exit status (0 = pass, else the failing test number) once it ends.</summary>
    public int? Poll()
    {
        if (!memory.TryRead(tohost, out ulong command) || command == 0)
            return null;
        ulong device = command >> 56, cmd = (command >> 48) & 0xff, payload = command & 0xffff_ffff_ffff;
        if (device == 0 && cmd == 0 && (payload & 1) != 0)
            return (int)Math.Min(payload >> 1, int.MaxValue);
        if (device == 1 && cmd == 1)
            putChar((byte)payload);
        memory.TryWrite(tohost, 0UL);
        return null;
    }
}
