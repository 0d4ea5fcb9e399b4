using System.Diagnostics;
using System.Globalization;
using SharpVirt.Machine.Guest;

namespace SharpVirt.Bench;

/// <summary>
/// Wall time from process start to the default guest's shell, SharpVirt against qemu-system-riscv64
/// booting the same kernel, initramfs and command line with the same vCPU count, alternating A B A B.
/// </summary>
public static class BootComparison
{
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
        string sharpvirt = SharpVirtDll;
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
        using var guest = GuestConsole.Start(program, args);
        return guest.WaitForShell();
    }

    /// <summary>
    /// In-guest workloads on one vCPU (`workloads [--runs N]`): each command is timed from the moment it is
    /// typed to the prompt's return, for SharpVirt and QEMU booted alike, alternating.
    /// </summary>
    public static int RunWorkloads(string[] args)
    {
        int runs = args.Length >= 2 && args[0] == "--runs" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var guest = DefaultGuest.EnsureAsync(null, CancellationToken.None).GetAwaiter().GetResult();
        string sharpvirt = SharpVirtDll;
        (string Name, string Setup, string Command)[] workloads =
        [
            ("sha256sum of 64 MiB", "dd if=/dev/zero of=/tmp/w bs=1M count=64 2>/dev/null", "sha256sum /tmp/w"),
            ("gzip -9 of 16 MiB", "seq 1 2000000 | head -c 16777216 > /tmp/w", "gzip -9 -c /tmp/w > /dev/null"),
            ("shell arithmetic loop (200k)", "true", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"),
        ];
        var times = workloads.Select(_ => (Ours: new List<double>(), Qemu: new List<double>())).ToArray();
        for (int r = 0; r < runs; r++)
        {
            foreach (bool ours in new[] { true, false })
            {
                using var g = ours
                    ? GuestConsole.Start("dotnet", [sharpvirt, "run", "--cpus", "1", "--memory", "1G"])
                    : GuestConsole.Start("qemu-system-riscv64", ["-M", "virt", "-nographic", "-no-reboot", "-m", "1G", "-smp", "1",
                        "-kernel", guest.KernelPath, "-initrd", guest.InitrdPath, "-append", guest.BootArgs]);
                g.WaitForShell();
                for (int w = 0; w < workloads.Length; w++)
                {
                    g.TimeCommand(workloads[w].Setup);
                    double t = g.TimeCommand(workloads[w].Command);
                    (ours ? times[w].Ours : times[w].Qemu).Add(t);
                }
            }
        }
        Console.WriteLine($"host: {Environment.ProcessorCount} cores; 1 vCPU; {runs} runs each, alternating");
        Console.WriteLine("| workload | SharpVirt median (s) | QEMU median (s) | ratio SharpVirt/QEMU |");
        Console.WriteLine("| --- | --- | --- | --- |");
        for (int w = 0; w < workloads.Length; w++)
        {
            double a = Median(times[w].Ours), b = Median(times[w].Qemu);
            Console.WriteLine($"| {workloads[w].Name} | {a:0.00} | {b:0.00} | {a / b:0.00} |");
        }
        return 0;
    }

    /// <summary>The CLI that `dotnet build -c Release` made in this checkout.</summary>
    internal static string SharpVirtDll => Path.Combine(RepoRoot(), "src/SharpVirt.Cli/bin/Release/net10.0/sharpvirt.dll");

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "SharpVirt.sln")))
                return d.FullName;
        throw new DirectoryNotFoundException("SharpVirt.sln not found above the benchmark");
    }
}
