using System.Diagnostics;

namespace SharpVirt.Machine.Vstate;

/// <summary>
/// A per-VM CPU share, as the CFS bandwidth controller does it (cpu.max): in each period the VM's vCPU threads
/// together may use <see cref="Percent"/> percent of one host CPU; a thread that finds the budget spent sleeps
/// until the next period. Charged once per run slice, so the overshoot is at most one slice per vCPU.
/// </summary>
public sealed class CpuQuota
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);
    public const int MaxPercent = 100 * 1024;

    private readonly long periodTicks = (long)(Period.TotalSeconds * Stopwatch.Frequency);
    private long budgetNs = long.MaxValue;
    private long periodStart = Stopwatch.GetTimestamp();
    private long usedNs;
    private long throttles;
    private int percent;

    public CpuQuota(int? percent = null) => Percent = percent;

    /// <summary>Percent of one host CPU (50 is half a core, 200 two whole cores); null for no limit.</summary>
    public int? Percent
    {
        get => percent == 0 ? null : percent;
        set
        {
            if (value is < 1 or > MaxPercent)
                throw new ArgumentException($"--cpu-share: the CPU share is 1 to {MaxPercent} percent of one host CPU, not {value}");
            percent = value ?? 0;
            Volatile.Write(ref budgetNs, value is int p ? (long)(Period.TotalMilliseconds * 1_000_000 * p / 100) : long.MaxValue);
        }
    }

    public bool Limited => Volatile.Read(ref budgetNs) != long.MaxValue;

    /// <summary>Times a vCPU was held back for the rest of a period.</summary>
    public long Throttles => Volatile.Read(ref throttles);

    /// <summary>Adds CPU time a vCPU thread used; sleeps until the next period if the VM's budget is spent.</summary>
    public void Charge(long ns)
    {
        long now = Stopwatch.GetTimestamp();
        long start = Volatile.Read(ref periodStart);
        if (now - start >= periodTicks && Interlocked.CompareExchange(ref periodStart, now, start) == start)
            Interlocked.Exchange(ref usedNs, 0);
        if (Interlocked.Add(ref usedNs, ns) < Volatile.Read(ref budgetNs))
            return;
        Interlocked.Increment(ref throttles);
        long remaining = Volatile.Read(ref periodStart) + periodTicks - Stopwatch.GetTimestamp();
        if (remaining > 0)
            Thread.Sleep(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
    }
}
