using System.Diagnostics;
using System.Globalization;

namespace SharpVirt.Bench;

/// <summary>Millions of guest instructions per second on <see cref="IntegerLoop"/>.</summary>
public static class Mips
{
    public static int Run(string[] args)
    {
        double seconds = args.Length >= 2 && args[0] == "--seconds" ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        double interp = Measure(false, seconds), jit = Measure(true, seconds);
        Console.WriteLine($"integer loop: interp {interp:0} MIPS, jit {jit:0} MIPS, time ratio jit/interp {interp / jit:0.00} ({Environment.ProcessorCount} host cores)");
        return 0;
    }

    public static double Measure(bool jit, double seconds)
    {
        using var loop = new IntegerLoop();
        loop.Hart.JitEnabled = jit;
        loop.Hart.Run(50_000_000); // warm up the .NET JIT tiers and the block translator
        ulong start = loop.Hart.Instret;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
            loop.Hart.Run(10_000_000);
        return (loop.Hart.Instret - start) / sw.Elapsed.TotalSeconds / 1e6;
    }
}
