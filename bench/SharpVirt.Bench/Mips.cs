using System.Diagnostics;
using System.Globalization;

namespace SharpVirt.Bench;

/// <summary>Millions of guest instructions per second on <see cref="IntegerLoop"/>.</summary>
public static class Mips
{
    public static int Run(string[] args)
    {
        double seconds = args.Length >= 2 && args[0] == "--seconds" ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        double interp = Measure(false, seconds), baseline = Measure(true, seconds, baselineOnly: true), jit = Measure(true, seconds);
        Console.WriteLine($"integer loop: interp {interp:0} MIPS, baseline code only {baseline:0} MIPS, jit {jit:0} MIPS, time ratio jit/interp {interp / jit:0.00} ({Environment.ProcessorCount} host cores)");
        return 0;
    }

    /// <param name="baselineOnly">The translator's first tier alone (RyuJIT never compiles).</param>
    public static double Measure(bool jit, double seconds, bool baselineOnly = false)
    {
        using var loop = new IntegerLoop();
        loop.Hart.JitEnabled = jit;
        if (baselineOnly)
        {
            loop.Hart.HotThreshold = int.MaxValue;
            loop.Hart.NativeThreshold = 1;
        }
        loop.Hart.Run(50_000_000); // warm up the .NET JIT tiers and the block translator
        ulong start = loop.Hart.Instret;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
            loop.Hart.Run(10_000_000);
        return (loop.Hart.Instret - start) / sw.Elapsed.TotalSeconds / 1e6;
    }
}
