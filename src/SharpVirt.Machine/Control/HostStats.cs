using System.Globalization;

namespace SharpVirt.Machine.Control;

/// <summary>Host facts from /proc: this process's resident set and the CPU a thread last ran on.</summary>
public static class HostStats
{
    /// <summary>Resident set size in bytes (VmRSS in /proc/self/status; the working set elsewhere).</summary>
    public static long ResidentBytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal))
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
        return Environment.WorkingSet;
    }

    /// <summary>The CPU the thread <paramref name="tid"/> last ran on: field 39 ("processor") of /proc/self/task/TID/stat, or null.</summary>
    public static int? LastCpu(int tid)
    {
        if (tid <= 0)
            return null;
        try
        {
            return ParseLastCpu(File.ReadAllText($"/proc/self/task/{tid}/stat"));
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
    public static int? ParseLastCpu(string stat)
    {
        int close = stat.LastIndexOf(')');
        if (close < 0)
            return null;
        string[] fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state), so field 39 is fields[36].
        return fields.Length > 36 && int.TryParse(fields[36], NumberStyles.None, CultureInfo.InvariantCulture, out int cpu) ? cpu : null;
    }
}
