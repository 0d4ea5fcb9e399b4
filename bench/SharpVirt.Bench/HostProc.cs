using System.Globalization;
using SharpVirt.Machine.Control;

namespace SharpVirt.Bench;

/// <summary>CPU time used by one process, split by thread: vCPU threads (`vcpuN`), the block translator (`jit`), the rest.</summary>
public readonly record struct CpuSplit(double Total, double Vcpus, double Translator)
{
    /// <summary>.NET's own JIT, the GC, device and console threads, and threads that have already ended.</summary>
    public double Other => Total - Vcpus - Translator;

    public static CpuSplit operator +(CpuSplit a, CpuSplit b) => new(a.Total + b.Total, a.Vcpus + b.Vcpus, a.Translator + b.Translator);
}

/// <summary>Facts about the host and its processes from /proc.</summary>
public static class HostProc
{
    /// <summary>A field of /proc/meminfo in bytes (MemTotal, MemAvailable, ...).</summary>
    public static long MemInfo(string field) => HostStats.KiBField("/proc/meminfo", field) ?? 0;

    /// <summary>VmRSS of a process in bytes; 0 once it has exited.</summary>
    public static long Rss(int pid) => HostStats.KiBField($"/proc/{pid}/status", "VmRSS") ?? 0;

    public static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";

    /// <summary>Seconds all host CPUs have spent busy since boot (the first line of /proc/stat, less idle and iowait).</summary>
    public static double BusySeconds()
    {
        string[] f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal ...
        long busy = 0;
        for (int i = 1; i <= 8 && i < f.Length; i++)
            if (i != 4 && i != 5)
                busy += long.Parse(f[i], CultureInfo.InvariantCulture);
        return busy / (double)HostStats.ClockTicksPerSecond;
    }

    public static string KernelRelease() => File.ReadAllText("/proc/sys/kernel/osrelease").Trim();

    /// <summary>utime + stime of the process and of its live vCPU and translator threads, in seconds; zeros once it has exited.</summary>
    public static CpuSplit Cpu(int pid)
    {
        try
        {
            double total = Seconds(File.ReadAllText($"/proc/{pid}/stat"), out _);
            double vcpus = 0, translator = 0;
            foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                string stat;
                try
                {
                    stat = File.ReadAllText(Path.Combine(task, "stat"));
                }
                catch (IOException)
                {
                    continue; // the thread ended meanwhile
                }
                double s = Seconds(stat, out string comm);
                if (comm.StartsWith("vcpu", StringComparison.Ordinal))
                    vcpus += s;
                else if (comm == "jit")
                    translator += s;
            }
            return new CpuSplit(total, vcpus, translator);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return default;
        }
    }

    /// <summary>utime + stime (fields 14 and 15) of a stat line, in seconds, and its comm field.</summary>
    private static double Seconds(string stat, out string comm)
    {
        int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
        comm = stat[(open + 1)..close];
        long ticks = (HostStats.StatField(stat, 14) ?? 0) + (HostStats.StatField(stat, 15) ?? 0);
        return ticks / (double)HostStats.ClockTicksPerSecond;
    }
}
