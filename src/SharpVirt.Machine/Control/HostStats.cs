using System.Globalization;

namespace SharpVirt.Machine.Control;

/// <summary>Host facts from /proc: this process's resident set, and the CPU time and last CPU of a thread.</summary>
public static class HostStats
{
    /// <summary>Resident set size in bytes (VmRSS in /proc/self/status; the working set elsewhere).</summary>
    public static long ResidentBytes() => KiBField("/proc/self/status", "VmRSS") ?? Environment.WorkingSet;

    /// <summary>A "Name:   N kB" field of a /proc file (status, meminfo) in bytes, or null if absent or unreadable.</summary>
    public static long? KiBField(string path, string field)
    {
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                if (!line.StartsWith(field + ":", StringComparison.Ordinal))
                    continue;
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kib))
                    return kib * 1024;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>The CPU the thread <paramref name="tid"/> last ran on: field 39 ("processor") of /proc/self/task/TID/stat, or null.</summary>
    public static int? LastCpu(int tid) => tid > 0 && ReadStat($"/proc/self/task/{tid}/stat") is string stat ? ParseLastCpu(stat) : null;

    /// <summary>CPU time (user + system) of thread <paramref name="tid"/>, or of the whole process when 0, in milliseconds.</summary>
    public static long? CpuMilliseconds(int tid = 0)
    {
        string path = tid > 0 ? $"/proc/self/task/{tid}/stat" : "/proc/self/stat";
        if (ReadStat(path) is not string stat || StatField(stat, 14) is not long user || StatField(stat, 15) is not long system)
            return null;
        return (user + system) * 1000 / ClockTicksPerSecond;
    }

    /// <summary>USER_HZ, the unit of /proc times: 100 on every Linux architecture that .NET runs on.</summary>
    public const long ClockTicksPerSecond = 100;

    private static string? ReadStat(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Field 39 of a stat line. The comm field (2) may hold spaces and parentheses, so fields are counted after the last ')'.</summary>
    public static int? ParseLastCpu(string stat) => StatField(stat, 39) is long cpu ? (int)cpu : null;

    /// <summary>Field <paramref name="number"/> (1-based, as proc(5) counts) of a stat line, when it is a number.</summary>
    public static long? StatField(string stat, int number)
    {
        int close = stat.LastIndexOf(')');
        if (close < 0 || number < 3)
            return null;
        string[] fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state).
        int i = number - 3;
        return fields.Length > i && long.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;
    }
}
