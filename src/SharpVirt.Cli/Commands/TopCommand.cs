using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using SharpVirt.Machine.Control;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SharpVirt.Cli.Commands;

/// <summary>
/// `sharpvirt top`: a live view of every running VM and where its vCPU threads run. vCPUs are grouped by
/// the host CPU they last ran on, so CPU overcommit (more vCPUs than cores) is visible at a glance.
/// </summary>
public static class TopCommand
{
    public static Command Create()
    {
        var interval = new Option<double>("--interval", "-d") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 1.0 };
        var iterations = new Option<int?>("--iterations", "-n") { Description = "Refresh N times, then exit (default: until Ctrl-C; one frame per refresh when output is not a terminal)" };
        var command = new Command("top", "Live view of running VMs: vCPU threads per host CPU, CPU use, memory") { interval, iterations };
        command.SetAction((parse, ct) =>
        {
            double seconds = parse.GetValue(interval);
            if (seconds is < 0.1 or > 3600)
                return Task.FromResult(RunCommand.Fail("--interval must be between 0.1 and 3600 seconds"));
            int? n = parse.GetValue(iterations);
            if (n is < 1)
                return Task.FromResult(RunCommand.Fail("--iterations must be at least 1"));
            return Task.FromResult(Run(ControlPaths.DefaultDirectory, AnsiConsole.Console, TimeSpan.FromSeconds(seconds), n, ct));
        });
        return command;
    }

    /// <summary>Samples every VM each <paramref name="interval"/> and renders a frame; returns the exit code.</summary>
    internal static int Run(string directory, IAnsiConsole console, TimeSpan interval, int? iterations, CancellationToken ct)
    {
        var sampler = new Sampler(directory);
        sampler.Sample();
        bool live = iterations is null && !System.Console.IsOutputRedirected;
        if (!live)
        {
            for (int i = 0; i < (iterations ?? 1) && !ct.IsCancellationRequested; i++)
            {
                ct.WaitHandle.WaitOne(interval);
                console.Write(Render(sampler.Sample(), interval));
            }
            return 0;
        }
        console.Live(Render([], interval)).Start(ctx =>
        {
            while (!ct.IsCancellationRequested)
            {
                ct.WaitHandle.WaitOne(interval);
                ctx.UpdateTarget(Render(sampler.Sample(), interval));
            }
        });
        return 0;
    }

    /// <summary>One VM in one frame, with its CPU use since the previous frame.</summary>
    internal sealed record VmSample(JsonObject Stats, double CpuPercent, IReadOnlyList<VcpuSample> Vcpus);

    internal sealed record VcpuSample(JsonObject Stats, double CpuPercent);

    /// <summary>Keeps the previous CPU times, so each frame shows the use over the last interval.</summary>
    internal sealed class Sampler(string directory)
    {
        private readonly Dictionary<string, long> previous = [];
        private long lastTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();

        public IReadOnlyList<VmSample> Sample()
        {
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            double elapsedMs = Math.Max(1, System.Diagnostics.Stopwatch.GetElapsedTime(lastTimestamp, now).TotalMilliseconds);
            lastTimestamp = now;
            var samples = new List<VmSample>();
            foreach (string socket in ControlPaths.List(directory))
            {
                JsonObject stats;
                try
                {
                    stats = ControlClient.Send(socket, "stats", TimeSpan.FromSeconds(2));
                }
                catch (ControlException)
                {
                    continue; // a stale socket, or a VM that just exited
                }
                if (stats["error"] is not null)
                    continue;
                string vmKey = $"{stats["pid"]}";
                var vcpus = new List<VcpuSample>();
                foreach (var v in stats["vcpu"]?.AsArray() ?? [])
                    vcpus.Add(new VcpuSample(v!.AsObject(), Percent($"{vmKey}/{v["tid"]}", v["cpu_ms"], elapsedMs)));
                samples.Add(new VmSample(stats, Percent(vmKey, stats["cpu_ms"], elapsedMs), vcpus));
            }
            return samples;
        }

        private double Percent(string key, JsonNode? cpuMs, double elapsedMs)
        {
            if (cpuMs is not JsonValue value || !value.TryGetValue(out long ms))
                return double.NaN;
            bool seen = previous.TryGetValue(key, out long before);
            previous[key] = ms;
            return seen ? Math.Max(0, ms - before) * 100.0 / elapsedMs : double.NaN;
        }
    }

    /// <summary>A frame: the VMs, then one row per host CPU listing the vCPU threads that last ran there.</summary>
    internal static IRenderable Render(IReadOnlyList<VmSample> vms, TimeSpan interval)
    {
        int hostCpus = Environment.ProcessorCount;
        int totalVcpus = vms.Sum(v => v.Vcpus.Count);
        long guestRam = vms.Sum(v => v.Stats["guest_ram"]?.GetValue<long>() ?? 0);
        long rss = vms.Sum(v => v.Stats["host_rss"]?.GetValue<long>() ?? 0);
        var header = new Markup(Markup.Escape(
            $"{vms.Count} VMs, {totalVcpus} vCPUs on {hostCpus} host CPUs ({(hostCpus == 0 ? 0 : (double)totalVcpus / hostCpus):0.#} vCPUs per CPU); " +
            $"guest RAM {PsCommand.FormatSize(guestRam)}, host RSS {PsCommand.FormatSize(rss)}; every {interval.TotalSeconds:0.#} s"));

        var machines = new Table().Border(TableBorder.Rounded).Title("virtual machines")
            .AddColumn("NAME").AddColumn(new TableColumn("PID").RightAligned()).AddColumn(new TableColumn("vCPUs").RightAligned())
            .AddColumn(new TableColumn("CPU %").RightAligned()).AddColumn(new TableColumn("GUEST RAM").RightAligned())
            .AddColumn(new TableColumn("HOST RSS").RightAligned()).AddColumn("STATE");
        foreach (var vm in vms)
        {
            machines.AddRow(PsCommand.Text(vm.Stats["name"]), PsCommand.Text(vm.Stats["pid"]), PsCommand.Text(vm.Stats["vcpus"]), Percent(vm.CpuPercent),
                PsCommand.Size(vm.Stats["guest_ram"]), PsCommand.Size(vm.Stats["host_rss"]), PsCommand.Text(vm.Stats["state"]));
        }

        var perCpu = new Table().Border(TableBorder.Rounded).Title("vCPU threads by the host CPU they last ran on")
            .AddColumn(new TableColumn("HOST CPU").RightAligned()).AddColumn(new TableColumn("vCPUs").RightAligned())
            .AddColumn(new TableColumn("CPU %").RightAligned()).AddColumn("THREADS (VM/vCPU TID state CPU%)");
        var byCpu = vms.SelectMany(vm => vm.Vcpus.Select(v => (Vm: vm, Vcpu: v)))
            .GroupBy(x => x.Vcpu.Stats["last_cpu"] is JsonValue c && c.TryGetValue(out int cpu) ? cpu : -1)
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (int cpu in Enumerable.Range(0, hostCpus).Concat(byCpu.Keys.Where(k => k < 0 || k >= hostCpus)).Distinct())
        {
            var threads = byCpu.GetValueOrDefault(cpu) ?? [];
            double sum = threads.Sum(t => double.IsNaN(t.Vcpu.CpuPercent) ? 0 : t.Vcpu.CpuPercent);
            string list = string.Join("\n", threads.Select(t =>
                $"{t.Vm.Stats["name"]}/{t.Vcpu.Stats["thread"]} {t.Vcpu.Stats["tid"]} {t.Vcpu.Stats["state"]} {Percent(t.Vcpu.CpuPercent)}"));
            perCpu.AddRow(cpu < 0 ? "?" : cpu.ToString(CultureInfo.InvariantCulture), threads.Count.ToString(CultureInfo.InvariantCulture),
                Percent(sum), Markup.Escape(list.Length == 0 ? "-" : list));
        }
        return new Rows(header, machines, perCpu);
    }

    private static string Percent(double p) => double.IsNaN(p) ? "-" : p.ToString("0.0", CultureInfo.InvariantCulture);
}
