using System.Globalization;

namespace SharpVirt.Machine.Vstate;

/// <summary>A host CPU list as taskset and cpuset write it: "0,1", "0-3", "0-1,4".</summary>
public static class CpuList
{
    public static IReadOnlyList<int> Parse(string text, string option)
    {
        var cpus = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] range = part.Split('-');
            if (range.Length is < 1 or > 2 || !TryCpu(range[0], out int first) || !TryCpu(range[^1], out int last) || last < first)
                throw new ArgumentException($"{option}: '{part}' is not a CPU number or range (e.g. 0,1 or 0-3)");
            for (int cpu = first; cpu <= last; cpu++)
            {
                if (!cpus.Contains(cpu))
                    cpus.Add(cpu);
            }
        }
        return cpus;
    }

    private static bool TryCpu(string s, out int cpu) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out cpu) && cpu < 1024;
}
