using System.Diagnostics;

namespace SharpVirt.Cpu;

/// <summary>
/// The platform's mtime: host monotonic time scaled to 10 MHz, shared by all harts of a VM, so guest
/// time follows host time even while a vCPU thread is descheduled.
/// </summary>
public sealed class Timebase
{
    public const ulong Frequency = 10_000_000;
    private readonly long origin = Stopwatch.GetTimestamp();
    private long offset;

    public ulong Now
    {
        get
        {
            long ticks = Stopwatch.GetTimestamp() - origin;
            ulong t = Stopwatch.Frequency == 1_000_000_000
                ? (ulong)ticks / 100
                : (ulong)(Int128)(ticks * (Int128)Frequency / Stopwatch.Frequency);
            return t + (ulong)offset;
        }
    }

    /// <summary>Host time until <paramref name="deadline"/> (in timebase ticks), for a blocking wait.</summary>
    public TimeSpan Until(ulong deadline)
    {
        ulong now = Now;
        if (deadline <= now)
            return TimeSpan.Zero;
        ulong ticks = deadline - now;
        // One timebase tick (100 ns) is one TimeSpan tick.
        return ticks > (ulong)TimeSpan.TicksPerHour ? TimeSpan.FromHours(1) : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Moves guest time so that Now reads <paramref name="value"/> (snapshot restore).</summary>
    public void Set(ulong value) => offset += (long)(value - Now);
}
