using System.CommandLine;
using SharpVirt.Cli.Terminal;
using SharpVirt.Devices.Storage;
using SharpVirt.Machine.Board;
using SharpVirt.Machine.Boot;
using SharpVirt.Machine.Console;
using SharpVirt.Machine.Control;
using SharpVirt.Machine.Guest;
using SharpVirt.Machine.Snapshot;
using SharpVirt.Memory.Snapshot;
using SharpVirt.Machine.Vstate;

namespace SharpVirt.Cli.Commands;

/// <summary>`sharpvirt run`: boot a guest (the default guest when no kernel is given).</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var kernel = new Option<string?>("--kernel") { Description = "Kernel Image or ELF (default: the Debian guest)" };
        var initrd = new Option<string?>("--initrd") { Description = "Initial ramdisk" };
        var append = new Option<string?>("--append") { Description = "Kernel command line" };
        var cpus = new Option<int>("--cpus") { Description = "Number of vCPUs", DefaultValueFactory = _ => 2 };
        var memory = new Option<string>("--memory", "-m") { Description = "Guest RAM, e.g. 1G or 512M", DefaultValueFactory = _ => "1G" };
        var bios = new Option<string?>("--bios") { Description = "M-mode firmware file, or 'none' to run --kernel bare in M-mode (default: the VMM implements the SBI)" };
        var timeout = new Option<double?>("--timeout") { Description = "Stop the guest after SECONDS (exit code 124)" };
        var dtbOut = new Option<string?>("--dtb-out") { Description = "Write the generated device tree blob to FILE" };
        var disk = new Option<string[]>("--disk") { Description = "virtio-blk disk: PATH[,format=raw|qcow2][,readonly=on][,serial=ID] (repeatable)" };
        var net = new Option<string[]>("--net") { Description = "virtio-net: tap[,ifname=NAME] | socket,listen=ADDR | socket,connect=ADDR, with [,mac=MAC] (repeatable)" };
        var rng = new Option<bool>("--rng") { Description = "Attach virtio-rng (default for the default guest)" };
        var balloon = new Option<bool>("--balloon") { Description = "Attach virtio-balloon (default for the default guest)" };
        var balloonControl = new Option<string?>("--balloon-control") { Description = "File to watch for the balloon target, e.g. 'echo 512M > FILE'" };
        var hvc = new Option<bool>("--virtio-console") { Description = "Attach virtio-console (hvc0) as a second console" };
        var name = new Option<string?>("--name") { Description = "VM name for the control socket and `sharpvirt ps` (default: vm-PID)" };
        var affinity = new Option<string?>("--cpu-affinity") { Description = "Pin vCPU threads to host CPUs, e.g. 0,1 or 0-3: vCPU i runs on the i-th CPU of the list (round robin)" };
        var share = new Option<int?>("--cpu-share") { Description = "Limit the VM's vCPUs together to PERCENT of one host CPU, e.g. 50 or 150" };
        var engine = new Option<CpuEngine>("--engine") { Description = "CPU engine: jit (interpreter plus block translator) or interp", DefaultValueFactory = _ => CpuEngine.Jit };
        var restore = new Option<string?>("--restore") { Description = "Resume a VM from a snapshot FILE (`sharpvirt snapshot`); only --name, --timeout, --engine, --cpu-affinity and --cpu-share may go with it" };

        var command = new Command("run", "Boot a virtual machine")
        {
            kernel, initrd, append, cpus, memory, bios, timeout, dtbOut, engine, disk, net, rng, balloon, balloonControl, hvc, name, affinity, share, restore,
        };
        Option[] machineShaping = [kernel, initrd, append, cpus, memory, bios, dtbOut, disk, net, rng, balloon, balloonControl, hvc];
        command.SetAction(parse =>
        {
            try
            {
                double? seconds = parse.GetValue(timeout);
                if (seconds is <= 0)
                    return Fail("--timeout must be a positive number of seconds");
                TimeSpan? limit = seconds is double s ? TimeSpan.FromSeconds(s) : null;
                if (parse.GetValue(restore) is string snapshot)
                {
                    // The machine comes from the snapshot; only host-side choices may be given.
                    var given = machineShaping.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false });
                    if (given is not null)
                        return Fail($"{given.Name} cannot be given with --restore: the VM's configuration comes from the snapshot (only --name, --timeout, --engine, --cpu-affinity and --cpu-share may)");
                    CpuEngine? engineChoice = parse.GetResult(engine) is { Implicit: false } ? parse.GetValue(engine) : null;
                    return RestoreVm(snapshot, parse.GetValue(name) ?? ControlPaths.DefaultName, config => config with
                    {
                        Timeout = limit,
                        Engine = engineChoice ?? config.Engine,
                        CpuAffinity = parse.GetValue(affinity) is string list ? CpuList.Parse(list, "--cpu-affinity") : [],
                        CpuShare = parse.GetValue(share),
                    });
                }
                if (!SizeText.TryParse(parse.GetValue(memory)!, out ulong memoryBytes, out string? sizeError))
                    return Fail($"--memory: {sizeError}");
                var config = new VmConfig
                {
                    Cpus = parse.GetValue(cpus),
                    MemorySize = memoryBytes,
                    Kernel = parse.GetValue(kernel),
                    Initrd = parse.GetValue(initrd),
                    Bios = parse.GetValue(bios),
                    Append = parse.GetValue(append) ?? VmConfig.DefaultAppend,
                    Timeout = limit,
                    DtbOut = parse.GetValue(dtbOut),
                    Engine = parse.GetValue(engine),
                    Disks = parse.GetValue(disk) ?? [],
                    Nets = parse.GetValue(net) ?? [],
                    Rng = parse.GetValue(rng),
                    Balloon = parse.GetValue(balloon) || parse.GetValue(balloonControl) is not null,
                    BalloonControl = parse.GetValue(balloonControl),
                    VirtioConsole = parse.GetValue(hvc),
                    CpuAffinity = parse.GetValue(affinity) is string list ? CpuList.Parse(list, "--cpu-affinity") : [],
                    CpuShare = parse.GetValue(share),
                };
                if (config.Kernel is null && !config.BareMetal)
                {
                    var guest = GuestProgress.Ensure();
                    config = config with
                    {
                        Kernel = guest.KernelPath,
                        Initrd = config.Initrd ?? guest.InitrdPath,
                        Append = parse.GetValue(append) ?? guest.BootArgs,
                        Rng = true,
                        Balloon = true,
                    };
                }
                return RunVm(config, parse.GetValue(name) ?? ControlPaths.DefaultName);
            }
            catch (Exception e) when (e is BootImageException or GuestImageException or ArgumentException or IOException or FormatException or DiskImageException or ControlException or SnapshotFormatException)
            {
                return Fail(e.Message);
            }
        });
        return command;
    }

    /// <summary>`run --restore FILE`: builds the VM the snapshot describes, loads its RAM and state, and resumes it.</summary>
    /// <summary>Runs a snapshot; <paramref name="hostSide"/> applies the host-side flags (timeout, engine, pinning, share).</summary>
    private static int RestoreVm(string path, string name, Func<VmConfig, VmConfig> hostSide)
    {
        using var file = SnapshotFileReader.Open(path);
        return RunVm(hostSide(file.Snapshot.Config), name, vm => file.LoadMemory(vm.Memory), file.Snapshot);
    }

    private static int RunVm(VmConfig config, string name, Action<Vm>? load = null, VmSnapshot? restore = null)
    {
        using var output = new ConsoleOutput(System.Console.OpenStandardOutput());
        using var vm = new Vm(config, output);
        load?.Invoke(vm);
        using var control = ControlServer.Start(vm, name); // control API (docs/API.md)
        using var terminal = HostTerminal.Attach(vm);
        var exit = vm.Run(restore);
        terminal.Dispose();
        output.Flush();
        if (exit.Message is not null)
            System.Console.Error.WriteLine($"sharpvirt: {exit.Message}");
        return exit.Code;
    }

    internal static int Fail(string message)
    {
        System.Console.Error.WriteLine($"sharpvirt: error: {message}");
        return 1;
    }
}
