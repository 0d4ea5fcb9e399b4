using System.Collections.Concurrent;
using SharpVirt.Cpu;
using SharpVirt.Cpu.Translation;
using SharpVirt.Cpu.Traps;
using SharpVirt.Devices.Bus;
using SharpVirt.Devices.Interrupts;
using SharpVirt.Devices.Misc;
using SharpVirt.Devices.Serial;
using SharpVirt.Devices.Timers;
using SharpVirt.Machine.BareMetal;
using SharpVirt.Machine.Board;
using SharpVirt.Machine.Console;
using SharpVirt.Machine.Sbi;
using SharpVirt.Machine.Snapshot;
using SharpVirt.Memory;

namespace SharpVirt.Machine.Vstate;

/// <summary>
/// One virtual machine: guest RAM in memory slots, the virt board's devices on an MMIO bus, and one
/// vCPU thread per hart. <see cref="Run"/> boots it and returns when the guest powers off.
/// </summary>
public sealed partial class Vm : IVmServices, IDisposable
{
    private readonly VmConfig config;
    private readonly ConsoleOutput output;
    private readonly ConcurrentQueue<byte> input = new();
    private readonly object exitGate = new();
    private readonly ManualResetEventSlim exited = new(false);
    private readonly List<Vcpu> vcpus = [];
    private readonly Plic plic;
    private readonly Uart16550 uart;
    private readonly GoldfishRtc rtc;
    private readonly Clint clint;
    private Htif? htif;
    private ulong? toHost;
    private VmExit? exit;

    public Vm(VmConfig config, ConsoleOutput output)
    {
        if (config.Cpus < 1 || config.Cpus > 64)
            throw new ArgumentException($"--cpus must be between 1 and 64, not {config.Cpus}");
        if (config.MemorySize < 16 * VmConfig.MiB || (config.MemorySize & 0xfff) != 0)
            throw new ArgumentException("--memory must be at least 16M and a whole number of pages");
        this.config = config;
        this.output = output;
        Timebase = new Timebase();
        Memory = new GuestMemory();
        Memory.AddSlot(VirtLayout.RamBase, config.MemorySize);

        Bus = new MmioBus();
        var boardBus = new BoardBus(Bus);
        var harts = new Hart[config.Cpus];
        var translations = new CompiledCode(); // one hart's compiled code serves the others
        for (int i = 0; i < harts.Length; i++)
        {
            harts[i] = new Hart(i, Memory, boardBus, Timebase)
            {
                JitEnabled = config.Engine == CpuEngine.Jit,
                HotThreshold = config.JitThreshold,
                NativeThreshold = config.Engine == CpuEngine.Jit && BaselineTranslator.HostSupported ? config.BaselineThreshold : 0,
                Translations = translations,
                SoleHart = config.Cpus == 1,
            };
        }

        plic = new Plic(config.Cpus, (context, level) =>
            harts[context / 2].SetInterruptLine(context % 2 == 0 ? Interrupt.MEIP : Interrupt.SEIP, level));
        clint = new Clint(config.Cpus, () => Timebase.Now,
            (hart, level) => harts[hart].SetInterruptLine(Interrupt.MSIP, level),
            (hart, cmp) => harts[hart].Mtimecmp = cmp);
        uart = new Uart16550(plic.GetSource(VirtLayout.Uart0Irq), b => output.Write(b));
        uart.ReceiveSpaceAvailable += FeedUart;
        rtc = new GoldfishRtc(plic.GetSource(VirtLayout.RtcIrq));
        var syscon = new SysconTest((kind, code) => RequestExit(kind switch
        {
            SystemEvent.PowerOff => new VmExit(VmExitKind.PowerOff, 0),
            SystemEvent.Reset => new VmExit(VmExitKind.Reset, 0),
            _ => new VmExit(VmExitKind.Fail, code == 0 ? 1 : code, $"guest reported failure {code}"),
        }));

        Bus.Map(VirtLayout.SysconTest, 0x1000, syscon, "test");
        Bus.Map(VirtLayout.Rtc, 0x1000, rtc, "rtc");
        Bus.Map(VirtLayout.Clint, 0x1_0000, clint, "clint");
        Bus.Map(VirtLayout.Plic, 0x60_0000, plic, "plic");
        Bus.Map(VirtLayout.Uart0, 0x100, uart, "uart0");
        Virtio = new VirtioSlots(config, Bus, Memory, plic, bytes => output.Write(bytes));
        if (config.BalloonControl is not null && Virtio.Balloon is not null)
            balloonControl = new BalloonControlFile(config.BalloonControl, Virtio.Balloon);

        var sbi = config.BareMetal || config.FirmwareBoot ? null : new SbiHandler(this);
        Quota = new CpuQuota(config.CpuShare);
        var allowed = config.CpuAffinity.Count > 0 ? HostThread.AllowedCpus() : [];
        foreach (int cpu in config.CpuAffinity)
        {
            if (!allowed.Contains(cpu))
                throw new ArgumentException($"--cpu-affinity: host CPU {cpu} is not available to this process (allowed: {string.Join(",", allowed)})");
        }
        foreach (var h in harts)
        {
            vcpus.Add(new Vcpu(h, this, sbi, Poll)
            {
                PinnedCpu = config.CpuAffinity.Count > 0 ? config.CpuAffinity[h.HartId % config.CpuAffinity.Count] : null,
                Quota = Quota,
            });
        }
    }

    public Timebase Timebase { get; }

    /// <summary>The VM's CPU share (--cpu-share, or the control API's cpu_share).</summary>
    public CpuQuota Quota { get; }
    public VirtioSlots Virtio { get; }
    private readonly BalloonControlFile? balloonControl;
    public GuestMemory Memory { get; }
    public MmioBus Bus { get; }
    public IReadOnlyList<Vcpu> Vcpus => vcpus;
    public VmConfig Config => config;
    public bool Exiting => exit.HasValue;

    /// <summary>
    /// Boots the guest, or resumes it from <paramref name="restore"/> (whose RAM the caller has loaded), and runs it
    /// until it powers off, fails or times out; reboots in between. Returns the exit.
    /// </summary>
    public VmExit Run(VmSnapshot? restore = null)
    {
        while (true)
        {
            if (restore is not null)
            {
                RestoreState(restore);
                restore = null;
            }
            else
            {
                var boot = BootLoader.Load(this, config);
                SetToHost(boot.ToHost);
                foreach (var v in vcpus)
                {
                    v.Hart.SbiInVmm = boot.SbiInVmm;
                    v.Launch(started: boot.StartAll || v.Id == 0);
                }
            }
            consoleReady = true;
            FeedUart();
            bool finished = config.Timeout is TimeSpan t ? exited.Wait(t) : exited.Wait(Timeout.Infinite);
            if (!finished)
                RequestExit(new VmExit(VmExitKind.Timeout, 124, $"timeout: the guest was still running after {config.Timeout!.Value.TotalSeconds:0.#} s"));
            foreach (var v in vcpus)
                v.Shutdown();
            output.Flush();
            var result = exit!.Value;
            if (result.Kind != VmExitKind.Reset)
                return result;
            lock (exitGate)
            {
                exit = null;
                exited.Reset();
            }
            lock (stateLock)
            {
                Virtio.Reset();
                foreach (var slot in Memory.Slots)
                    slot.Discard(slot.GuestBase, slot.Size);
            }
        }
    }

    public void RequestExit(VmExit e)
    {
        lock (exitGate)
        {
            if (exit.HasValue)
                return;
            exit = e;
        }
        foreach (var v in vcpus)
            v.Hart.RequestStop();
        exited.Set();
    }

    public void ConsoleWrite(ReadOnlySpan<byte> bytes) => output.Write(bytes);

    public int ConsoleRead() => input.TryDequeue(out byte b) ? b : -1;

    /// <summary>Queues host console input for the guest's UART.</summary>
    public void SendInput(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
            input.Enqueue(b);
        FeedUart();
    }

    /// <summary>False until the guest has been loaded or restored: input typed earlier waits in the queue
    /// (a restore would otherwise overwrite the UART that took it).</summary>
    private volatile bool consoleReady;

    private void FeedUart()
    {
        if (!consoleReady)
            return;
        lock (input)
        {
            while (input.TryPeek(out byte b) && uart.TryReceive(b))
                input.TryDequeue(out _);
        }
    }

    private void Poll(Vcpu vcpu)
    {
        if (vcpu.Id == 0 && htif?.Poll() is int status)
        {
            RequestExit(status == 0
                ? new VmExit(VmExitKind.PowerOff, 0)
                : new VmExit(VmExitKind.Fail, 1, $"FAIL test {status}"));
        }
        if (vcpu.Id == 0 && !input.IsEmpty)
            FeedUart();
    }

    private void SetToHost(ulong? address)
    {
        toHost = address;
        htif = address is ulong a ? new Htif(Memory, a, b => output.Write(b)) : null;
    }

    public void Dispose()
    {
        // A snapshot being written reads RAM and the harts: let it finish first.
        lock (stateLock)
            DisposeCore();
    }

    private void DisposeCore()
    {
        foreach (var v in vcpus)
            v.Hart.Dispose();
        rtc.Dispose();
        balloonControl?.Dispose();
        Virtio.Dispose();
        output.Flush();
        Memory.Dispose();
    }
}
