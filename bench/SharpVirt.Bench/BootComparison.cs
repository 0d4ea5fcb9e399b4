using System.Diagnostics;
using System.Globalization;
using System.Text;
using SharpVirt.Machine.Guest;

namespace SharpVirt.Bench;

/// <summary>
/// Wall time from process start to the default guest's shell, SharpVirt against qemu-system-riscv64
/// booting the same kernel, initramfs and command line with the same vCPU count, alternating A B A B.
/// </summary>
public static class BootComparison
{
    private const string ReadyMarker = "SharpVirt guest ready";

    public static int Run(string[] args)
    {
        int[] cpuCounts = [1, 2, 4];
        int runs = 3;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--cpus")
                cpuCounts = args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            else if (args[i] == "--runs")
                runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
        }
        var guest = DefaultGuest.EnsureAsync(null, CancellationToken.None).GetAwaiter().GetResult();
        string sharpvirt = Path.Combine(RepoRoot(), "src/SharpVirt.Cli/bin/Release/net10.0/sharpvirt.dll");
        if (!File.Exists(sharpvirt))
        {
            Console.Error.WriteLine($"build first: dotnet build -c Release ({sharpvirt} is missing)");
            return 1;
        }
        Console.WriteLine($"host: {Environment.ProcessorCount} cores, {Environment.OSVersion}; kernel {guest.Manifest.KernelRelease}; {runs} runs each, alternating");
        Console.WriteLine("| vCPUs | SharpVirt median (s) | QEMU median (s) | ratio SharpVirt/QEMU |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (int cpus in cpuCounts)
        {
            var ours = new List<double>();
            var qemu = new List<double>();
            for (int r = 0; r < runs; r++)
            {
                ours.Add(TimeToShell("dotnet", [sharpvirt, "run", "--cpus", $"{cpus}", "--memory", "1G"]));
                qemu.Add(TimeToShell("qemu-system-riscv64", ["-M", "virt", "-nographic", "-no-reboot", "-m", "1G", "-smp", $"{cpus}",
                    "-kernel", guest.KernelPath, "-initrd", guest.InitrdPath, "-append", guest.BootArgs]));
            }
            double a = Median(ours), b = Median(qemu);
            Console.WriteLine($"| {cpus} | {a:0.0} | {b:0.0} | {a / b:0.00} |");
        }
        return 0;
    }

    private static double Median(List<double> v)
    {
        v.Sort();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    /// <summary>Seconds until the ready marker and the first prompt after it; then powers the guest off.</summary>
    private static double TimeToShell(string program, string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var seen = new StringBuilder();
        var buffer = new char[4096];
        double result = double.NaN;
        while (sw.Elapsed < TimeSpan.FromMinutes(10))
        {
            int n = p.StandardOutput.Read(buffer, 0, buffer.Length);
            if (n <= 0)
                break;
            seen.Append(buffer, 0, n);
            string text = seen.ToString();
            int ready = text.IndexOf(ReadyMarker, StringComparison.Ordinal);
            if (ready >= 0 && text.IndexOf("# ", ready, StringComparison.Ordinal) >= 0)
            {
                result = sw.Elapsed.TotalSeconds;
                break;
            }
        }
        p.StandardInput.Write("poweroff -f\n");
        p.StandardInput.Flush();
        if (!p.WaitForExit(30_000))
            p.Kill(entireProcessTree: true);
        return result;
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "SharpVirt.sln")))
                return d.FullName;
        throw new DirectoryNotFoundException("SharpVirt.sln not found above the benchmark");
    }
}
