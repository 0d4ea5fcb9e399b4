using System.Diagnostics;
using System.Globalization;

namespace SharpVirt.Bench;

/// <summary>Millions of guest instructions per second on <see cref="IntegerLoop"/>.</summary>
public static class Mips
{
    public static int Run(string[] args)
    {
        double seconds = args.Length >= 2 && args[0] == "--seconds" ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        using var loop = new IntegerLoop();
        loop.Hart.Run(50_000_000); // warm up the JIT tiers
        ulong start = loop.Hart.Instret;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
            loop.Hart.Run(10_000_000);
        double mips = (loop.Hart.Instret - start) / sw.Elapsed.TotalSeconds / 1e6;
        Console.WriteLine($"interpreter: {mips:0} MIPS on the integer loop ({Environment.ProcessorCount} host cores)");
        return 0;
    }
}
