using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SharpVirt.Machine.Board;
using SharpVirt.Machine.Control;
using SharpVirt.Machine.Guest;

namespace SharpVirt.Bench;

/// <summary>
/// `overcommit [--vms N] [--memory SIZE] [--cpus K] [--command CMD] [--timeout MINUTES]`: boots N default guests at
/// once (N `sharpvirt run` processes), each with SIZE of RAM and K vCPUs; waits for every shell; runs CMD in each and
/// checks that each guest sees K processors and about SIZE of memory (MemTotal at most 10%, or 128 MiB, below);
/// reports host RSS, CPU time and the time from the first launch to the last shell; then powers them all off. No VM outlives the benchmark: they are killed on a failure,
/// Ctrl-C or SIGTERM, and each runs with a `--timeout` in case the benchmark itself is killed.
/// </summary>
public static partial class Overcommit
{
    private const string ShowGuest = "grep -c processor /proc/cpuinfo; grep MemTotal /proc/meminfo";
    // Commands stay short: busybox's line editing breaks a line longer than the terminal's 80 columns when echoing it.
    private const string KernelTrouble = "dmesg | grep -E 'Oops|WARNING:|BUG:|lockup|stall|panic'";
    private const double GiB = 1 << 30, MiB = 1 << 20;

    [GeneratedRegex(@"(\d+)\s+MemTotal:\s*(\d+) kB\s*$")]
    private static partial Regex ShowGuestAnswer();

    [GeneratedRegex(@"^\[\s*[\d.]+\]\s*")]
    private static partial Regex KernelTimestamp();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();

    private sealed class Guest(int index, string name, GuestConsole console)
    {
        public int Index => index;
        public string Name => name;
        public GuestConsole Console => console;
        public string? Error { get; set; }
        public double ShellSeconds { get; set; }
        public double ReadyAt { get; set; } = double.NaN;
        public CpuSplit CpuAtShell { get; set; }
        public long RssAtShell { get; set; }
        public long InstretAtShell { get; set; } = -1;
        public double CommandSeconds { get; set; }
        public string CommandOutput { get; set; } = "";
        public int Processors { get; set; }
        public long MemTotal { get; set; }
        public List<string> KernelWarnings { get; } = [];
        public long RssAfter { get; set; }
        public long GuestResident { get; set; } = -1;
        public CpuSplit CpuAfter { get; set; }
    }

    public static int Run(string[] args)
    {
        int vms = 16, cpus = 4;
        string memoryText = "2G", command = ShowGuest;
        double timeoutMinutes = 30;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string v = args[i + 1];
            switch (args[i])
            {
                case "--vms": vms = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--cpus": cpus = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--memory": memoryText = v; break;
                case "--command": command = v; break;
                case "--timeout": timeoutMinutes = double.Parse(v, CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"overcommit: unknown option {args[i]}"); return 2;
            }
        }
        if (vms < 1 || cpus < 1 || timeoutMinutes <= 0)
        {
            Console.Error.WriteLine("overcommit: --vms, --cpus and --timeout must be positive");
            return 2;
        }
        if (!SizeText.TryParse(memoryText, out ulong memory, out string? sizeError))
        {
            Console.Error.WriteLine($"overcommit: --memory: {sizeError}");
            return 2;
        }
        string sharpvirt = BootComparison.SharpVirtDll;
        if (!File.Exists(sharpvirt))
        {
            Console.Error.WriteLine($"build first: dotnet build -c Release ({sharpvirt} is missing)");
            return 1;
        }
        DefaultGuest.EnsureAsync(null, CancellationToken.None).GetAwaiter().GetResult(); // fetch once, not N times at once

        var guests = new List<Guest>();
        void KillAll()
        {
            lock (guests)
                foreach (var g in guests)
                    g.Console.Kill();
        }
        Console.CancelKeyPress += (_, _) => KillAll();
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillAll());
        using var onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => KillAll());
        try
        {
            return Measure(guests, vms, cpus, memory, command, TimeSpan.FromMinutes(timeoutMinutes), sharpvirt);
        }
        finally
        {
            KillAll(); // no-op for the VMs that powered off
        }
    }

    private static int Measure(List<Guest> guests, int vms, int cpus, ulong memory, string command, TimeSpan timeout, string sharpvirt)
    {
        long hostMem = HostProc.MemInfo("MemTotal"), availBefore = HostProc.MemInfo("MemAvailable");
        Console.WriteLine($"host: {Environment.ProcessorCount} cores ({HostProc.CpuModel()}), {hostMem / GiB:0.0} GiB RAM, Linux {HostProc.KernelRelease()}");
        Console.WriteLine($"guests: {vms} VMs x {cpus} vCPUs x {memory / GiB:0.##} GiB = {vms * cpus} vCPUs, {vms * (double)memory / GiB:0.##} GiB of guest RAM");
        string safety = ((int)timeout.TotalSeconds + 600).ToString(CultureInfo.InvariantCulture);
        double busyBefore = HostProc.BusySeconds();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < vms; i++)
        {
            string name = $"overcommit-{Environment.ProcessId}-{i}";
            var console = GuestConsole.Start("dotnet", [sharpvirt, "run", "--name", name, "--cpus", $"{cpus}", "--memory", $"{memory >> 20}M", "--timeout", safety]);
            lock (guests)
                guests.Add(new Guest(i, name, console));
        }

        // One thread per VM waits for its shell; this one samples the host meanwhile.
        var waiters = guests.Select(g => new Thread(() => WaitForShell(g, clock)) { IsBackground = true, Name = $"wait{g.Index}" }).ToList();
        waiters.ForEach(t => t.Start());
        long availMin = availBefore, rssPeak = 0;
        int lastReady = -1;
        while (waiters.Any(t => t.IsAlive) && clock.Elapsed < timeout)
        {
            Thread.Sleep(1000);
            long rss = guests.Sum(g => HostProc.Rss(g.Console.Pid));
            rssPeak = Math.Max(rssPeak, rss);
            long avail = HostProc.MemInfo("MemAvailable");
            availMin = Math.Min(availMin, avail);
            int ready = guests.Count(g => !double.IsNaN(g.ReadyAt));
            if (ready != lastReady || (int)clock.Elapsed.TotalSeconds % 30 == 0)
                Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,5:0} s] {ready}/{vms} at the shell; host RSS of the VMs {rss / GiB:0.00} GiB, MemAvailable {avail / GiB:0.00} GiB");
            lastReady = ready;
        }
        if (waiters.Any(t => t.IsAlive))
        {
            foreach (var g in guests.Where(g => double.IsNaN(g.ReadyAt)))
                g.Error ??= $"no shell after {timeout.TotalSeconds:0} s (it had used {HostProc.Cpu(g.Console.Pid).Total:0} s of CPU, {HostProc.Rss(g.Console.Pid) / MiB:0} MiB of host RSS)";
            foreach (var g in guests)
                g.Console.Kill(); // ends the waits blocked on the consoles
        }
        waiters.ForEach(t => t.Join());
        var failed = guests.Where(g => g.Error is not null).ToList();
        if (failed.Count > 0)
        {
            Console.Error.WriteLine($"overcommit: {failed.Count} of {vms} VMs did not reach their shell ({vms - failed.Count} did, the last after {guests.Where(g => g.Error is null).Select(g => g.ShellSeconds).DefaultIfEmpty(0).Max():0} s):");
            foreach (var g in failed)
                Console.Error.WriteLine($"  {g.Name} (pid {g.Console.Pid}): {g.Error}");
            return 1;
        }
        double allReady = guests.Max(g => g.ReadyAt);
        double hostBusy = HostProc.BusySeconds() - busyBefore, window = clock.Elapsed.TotalSeconds; // a second after all-ready at most
        long availReady = HostProc.MemInfo("MemAvailable");
        long rssReady = guests.Sum(g => HostProc.Rss(g.Console.Pid));
        var cpuReady = guests.Select(g => HostProc.Cpu(g.Console.Pid)).Aggregate((a, b) => a + b);

        // The command in every guest at once, then the checks, then what the host holds for each.
        Parallel.ForEach(guests, new ParallelOptions { MaxDegreeOfParallelism = guests.Count }, g => RunCommand(g, command, clock));
        availMin = Math.Min(availMin, HostProc.MemInfo("MemAvailable"));
        var cpuAfter = guests.Select(g => g.CpuAfter).Aggregate((a, b) => a + b);

        var stopClock = Stopwatch.StartNew();
        Parallel.ForEach(guests, new ParallelOptions { MaxDegreeOfParallelism = guests.Count }, g => g.Console.Dispose());
        double stopSeconds = stopClock.Elapsed.TotalSeconds;
        int leftBehind = guests.Count(g => Directory.Exists($"/proc/{g.Console.Pid}"));
        long availAfter = HostProc.MemInfo("MemAvailable");

        Console.WriteLine();
        Console.WriteLine("| VM | shell (s) | CPU to shell (s) | guest instructions to shell (G) | RSS at shell (MiB) | command (s) | processors | MemTotal (MiB) | kernel warnings | RSS after (MiB) | guest RAM touched (MiB) |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var g in guests)
        {
            string touched = g.GuestResident < 0 ? "?" : $"{g.GuestResident / MiB:0}";
            Console.WriteLine($"| {g.Index} | {g.ShellSeconds:0.0} | {g.CpuAtShell.Total:0.0} | {g.InstretAtShell / 1e9:0.00} | {g.RssAtShell / MiB:0} | {g.CommandSeconds:0.00} | {g.Processors} | {g.MemTotal / MiB:0} | {g.KernelWarnings.Count} | {g.RssAfter / MiB:0} | {touched} |");
        }
        long rssAfter = guests.Sum(g => g.RssAfter);
        long touchedTotal = guests.Sum(g => Math.Max(0, g.GuestResident));
        double guestRam = vms * (double)memory;
        var shells = guests.Select(g => g.ShellSeconds).Order().ToList();
        Console.WriteLine();
        Console.WriteLine("| total | |");
        Console.WriteLine("| --- | --- |");
        Console.WriteLine($"| guests | {vms} VMs x {cpus} vCPUs x {memory / GiB:0.##} GiB |");
        Console.WriteLine($"| vCPUs / host cores | {vms * cpus} / {Environment.ProcessorCount} ({vms * cpus / (double)Environment.ProcessorCount:0.#}x) |");
        Console.WriteLine($"| guest RAM / host RAM | {guestRam / GiB:0.##} GiB / {hostMem / GiB:0.0} GiB ({guestRam / hostMem:0.00}x) |");
        Console.WriteLine($"| time to all-ready (first launch to last shell) | {allReady:0.0} s |");
        Console.WriteLine($"| shells: first / median / last | {shells[0]:0.0} / {shells[shells.Count / 2]:0.0} / {shells[^1]:0.0} s |");
        Console.WriteLine($"| host RSS of the VMs: at all-ready / after the command / peak sampled | {rssReady / GiB:0.00} / {rssAfter / GiB:0.00} / {Math.Max(rssPeak, rssReady) / GiB:0.00} GiB ({rssAfter / guestRam * 100:0.0}% of guest RAM) |");
        Console.WriteLine($"| host RSS per VM after the command (mean) | {rssAfter / vms / MiB:0} MiB, of which guest RAM touched {touchedTotal / vms / MiB:0} MiB |");
        Console.WriteLine($"| CPU time to all-ready: total (vCPU threads / translator / rest) | {cpuReady.Total:0} s ({cpuReady.Vcpus:0} / {cpuReady.Translator:0} / {cpuReady.Other:0}) |");
        Console.WriteLine($"| per VM to its shell (mean): CPU time / guest instructions | {guests.Average(g => g.CpuAtShell.Total):0.0} s / {guests.Average(g => g.InstretAtShell) / 1e9:0.00} G |");
        Console.WriteLine($"| host CPU busy until all-ready: all / these VMs | {hostBusy / window / Environment.ProcessorCount * 100:0}% / {cpuReady.Total / window / Environment.ProcessorCount * 100:0}% of {Environment.ProcessorCount} cores |");
        Console.WriteLine($"| CPU time after the command | {cpuAfter.Total:0} s |");
        Console.WriteLine($"| command in all VMs at once: slowest | {guests.Max(g => g.CommandSeconds):0.00} s |");
        Console.WriteLine($"| host MemAvailable: before / lowest during / at all-ready / after power-off | {availBefore / GiB:0.00} / {availMin / GiB:0.00} / {availReady / GiB:0.00} / {availAfter / GiB:0.00} GiB |");
        Console.WriteLine($"| power-off of all VMs | {stopSeconds:0.0} s; processes left behind: {leftBehind} |");
        if (command != ShowGuest)
            Console.WriteLine($"command `{command}`, VM 0 printed: {guests[0].CommandOutput.Trim()}");

        // Kernel warnings are reported, not failed on: under heavy overcommit a vCPU may wait long for a descheduled sibling.
        var warnings = guests.SelectMany(g => g.KernelWarnings).GroupBy(w => Digits().Replace(KernelTimestamp().Replace(w, ""), "N")).OrderByDescending(w => w.Count()).ToList();
        if (warnings.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"kernel warnings in {guests.Count(g => g.KernelWarnings.Count > 0)} of {vms} guests (`{KernelTrouble}`, digits as N):");
            foreach (var w in warnings)
                Console.WriteLine($"- {w.Count()} x `{w.Key}`");
        }
        // MemTotal is RAM less what the kernel keeps for itself: 1949 MiB of 2 GiB, 440 MiB of 512 MiB.
        long memLow = (long)memory - Math.Max((long)memory / 10, 128L << 20);
        var wrong = guests.Where(g => g.Error is not null || g.Processors != cpus || g.MemTotal > (long)memory || g.MemTotal < memLow).ToList();
        foreach (var g in wrong)
            Console.Error.WriteLine($"overcommit: {g.Name}: {g.Error ?? $"{g.Processors} processors, MemTotal {g.MemTotal / MiB:0} MiB"}");
        return wrong.Count == 0 && leftBehind == 0 ? 0 : 1;
    }

    private static void WaitForShell(Guest g, Stopwatch clock)
    {
        try
        {
            g.ShellSeconds = g.Console.WaitForShell();
            g.ReadyAt = clock.Elapsed.TotalSeconds;
            g.CpuAtShell = HostProc.Cpu(g.Console.Pid);
            g.RssAtShell = HostProc.Rss(g.Console.Pid);
            g.InstretAtShell = Stats(g.Name)?["vcpu"]!.AsArray().Sum(v => v!["instret"]!.GetValue<long>()) ?? -1;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
        {
            g.Error ??= e.Message;
        }
    }

    private static void RunCommand(Guest g, string command, Stopwatch clock)
    {
        try
        {
            double start = clock.Elapsed.TotalSeconds;
            g.CommandOutput = g.Console.Run(command);
            g.CommandSeconds = clock.Elapsed.TotalSeconds - start;
            string shown = command == ShowGuest ? g.CommandOutput : g.Console.Run(ShowGuest);
            var m = ShowGuestAnswer().Match(shown);
            if (!m.Success)
                throw new InvalidOperationException($"unexpected answer to `{ShowGuest}`: {shown}");
            g.Processors = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            g.MemTotal = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * 1024;
            g.KernelWarnings.AddRange(g.Console.Run(KernelTrouble).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            g.RssAfter = HostProc.Rss(g.Console.Pid);
            g.CpuAfter = HostProc.Cpu(g.Console.Pid);
            g.GuestResident = Stats(g.Name)?["slots"]!.AsArray().Sum(s => s!["resident_pages"]!.GetValue<long>()) * 4096 ?? -1;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or FormatException)
        {
            g.Error = e.Message;
        }
    }

    /// <summary>The VM's `stats` from its control socket (docs/API.md), or null if it does not answer.</summary>
    private static JsonObject? Stats(string name)
    {
        try
        {
            return ControlClient.Send(ControlPaths.SocketPath(name), "stats", TimeSpan.FromSeconds(30));
        }
        catch (ControlException)
        {
            return null;
        }
    }
}
