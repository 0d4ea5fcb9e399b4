using System.Runtime.InteropServices;

namespace SharpVirt.Machine.Vstate;

/// <summary>Host thread facts and controls that .NET does not expose: the kernel TID, CPU affinity, thread CPU time.</summary>
public static unsafe partial class HostThread
{
    private const int ClockThreadCpuTime = 3;
    private const int MaskBytes = 128; // 1024 CPUs, the kernel's default cpu_set_t

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, byte* mask);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int pid, nuint size, byte* mask);

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, long* timespec);

    public static int CurrentTid() => OperatingSystem.IsLinux() ? GetTid() : Environment.CurrentManagedThreadId;

    /// <summary>The host CPUs this process may run on (sched_getaffinity).</summary>
    public static IReadOnlyList<int> AllowedCpus()
    {
        if (!OperatingSystem.IsLinux())
            return Enumerable.Range(0, Environment.ProcessorCount).ToArray();
        byte* mask = stackalloc byte[MaskBytes];
        if (SchedGetAffinity(0, MaskBytes, mask) != 0)
            return Enumerable.Range(0, Environment.ProcessorCount).ToArray();
        var cpus = new List<int>();
        for (int cpu = 0; cpu < MaskBytes * 8; cpu++)
        {
            if ((mask[cpu >> 3] & (1 << (cpu & 7))) != 0)
                cpus.Add(cpu);
        }
        return cpus;
    }

    /// <summary>Pins the calling thread to one host CPU; false if the host refuses.</summary>
    public static bool PinCurrent(int cpu)
    {
        if (!OperatingSystem.IsLinux() || cpu < 0 || cpu >= MaskBytes * 8)
            return false;
        byte* mask = stackalloc byte[MaskBytes];
        new Span<byte>(mask, MaskBytes).Clear();
        mask[cpu >> 3] = (byte)(1 << (cpu & 7));
        return SchedSetAffinity(0, MaskBytes, mask) == 0;
    }

    /// <summary>CPU time the calling thread has used, in nanoseconds (CLOCK_THREAD_CPUTIME_ID, a vDSO call).</summary>
    public static long CurrentCpuTimeNs()
    {
        long* ts = stackalloc long[2];
        return ClockGetTime(ClockThreadCpuTime, ts) == 0 ? ts[0] * 1_000_000_000 + ts[1] : 0;
    }
}
