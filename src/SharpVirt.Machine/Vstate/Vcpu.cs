using SharpVirt.Cpu;
using SharpVirt.Machine.Sbi;

namespace SharpVirt.Machine.Vstate;

/// <summary>
/// One vCPU: a hart and the host thread (named vcpuN) that runs it. The loop is KVM_RUN's contract in
/// process: run guest code until an exit, handle the exit, repeat. WFI blocks the thread.
/// </summary>
public sealed class Vcpu
{
    public const long SliceBudget = 50_000;

    private readonly IVmServices vm;
    private readonly SbiHandler? sbi;
    private readonly Action<Vcpu>? poll;
    private readonly ManualResetEventSlim startSignal = new(false);
    private readonly object hsmLock = new();
    private Thread? thread;
    private volatile HsmState state = HsmState.Stopped; // until Launch
    private ulong startAddress, startOpaque;

    public Vcpu(Hart hart, IVmServices vm, SbiHandler? sbi, Action<Vcpu>? poll)
    {
        Hart = hart;
        this.vm = vm;
        this.sbi = sbi;
        this.poll = poll;
    }

    public Hart Hart { get; }
    public int Id => Hart.HartId;
    public HsmState State => state;

    /// <summary>Host thread ID (TID) once the thread runs, for `ps -T`.</summary>
    public int HostThreadId { get; private set; }

    /// <summary>The host CPU this vCPU's thread is pinned to (--cpu-affinity), or null to let the host schedule it anywhere.</summary>
    public int? PinnedCpu { get; init; }

    /// <summary>The VM's CPU share (--cpu-share), charged after every slice while it is limited.</summary>
    public CpuQuota? Quota { get; init; }

    /// <summary>True while the thread is blocked in WFI.</summary>
    public bool Halted { get; private set; }

    /// <summary>Starts the host thread; the hart runs now if <paramref name="started"/>, else waits for HSM hart_start.</summary>
    public void Launch(bool started) => Launch(started ? HsmState.Started : HsmState.Stopped, 0, 0);

    /// <summary>
    /// Starts the host thread in a given HSM state (snapshot restore): Started runs the hart as it is, Stopped waits
    /// for hart_start, StartPending completes a hart_start to <paramref name="address"/> that was under way.
    /// </summary>
    public void Launch(HsmState hsm, ulong address, ulong opaque)
    {
        if (hsm is not (HsmState.Started or HsmState.Stopped or HsmState.StartPending))
            throw new ArgumentException($"a vCPU cannot be launched {hsm}", nameof(hsm));
        state = hsm;
        startAddress = address;
        startOpaque = opaque;
        startSignal.Reset();
        if (hsm == HsmState.StartPending)
            startSignal.Set();
        Hart.ClearStop();
        thread = new Thread(Loop) { Name = $"vcpu{Id}", IsBackground = true };
        thread.Start();
    }

    /// <summary>Asks the thread to leave and waits for it.</summary>
    public void Shutdown()
    {
        Hart.RequestStop();
        startSignal.Set();
        thread?.Join();
        thread = null;
    }

    /// <summary>HSM hart_start from another hart: begin at <paramref name="address"/> in S-mode with a0 = hartid, a1 = opaque.</summary>
    public bool TryStart(ulong address, ulong opaque)
    {
        lock (hsmLock)
        {
            if (state != HsmState.Stopped)
                return false;
            startAddress = address;
            startOpaque = opaque;
            state = HsmState.StartPending;
        }
        startSignal.Set();
        return true;
    }

    /// <summary>HSM hart_stop on this hart's own thread.</summary>
    public void StopSelf()
    {
        lock (hsmLock)
        {
            state = HsmState.Stopped;
            startSignal.Reset();
        }
    }

    /// <summary>HSM default retentive suspend: wait like WFI, then continue after the ECALL.</summary>
    public void SuspendRetentive()
    {
        state = HsmState.Suspended;
        WaitForInterrupt();
        state = HsmState.Started;
    }

    private void WaitForInterrupt()
    {
        Halted = true;
        Hart.ServiceRemoteRequests();
        Hart.WaitForInterrupt(TimeSpan.FromSeconds(1));
        Halted = false;
    }

    private void Loop()
    {
        HostThreadId = HostThread.CurrentTid();
        if (PinnedCpu is int cpu && !HostThread.PinCurrent(cpu))
            global::System.Console.Error.WriteLine($"sharpvirt: warning: could not pin vcpu{Id} to host CPU {cpu}");
        long cpuTime = -1; // thread CPU time at the last charge; -1 while the share is unlimited
        try
        {
            while (!vm.Exiting)
            {
                WaitWhilePaused();
                if (state != HsmState.Started && !WaitForStart())
                    continue;
                ExitReason reason = Hart.Run(SliceBudget);
                switch (reason)
                {
                    case ExitReason.Wfi:
                        WaitForInterrupt();
                        break;
                    case ExitReason.Sbi when sbi != null:
                        sbi.Handle(this);
                        break;
                    case ExitReason.Stop:
                        return;
                    case ExitReason.Pause:
                        Thread.Yield(); // a spinning guest lets other threads (maybe the lock holder) run
                        break;
                }
                poll?.Invoke(this);
                if (Quota is { Limited: true })
                {
                    long now = HostThread.CurrentCpuTimeNs();
                    if (cpuTime >= 0)
                        Quota.Charge(now - cpuTime); // may sleep, which uses no thread CPU time
                    cpuTime = now;
                }
                else
                {
                    cpuTime = -1;
                }
            }
        }
        catch (Exception e)
        {
            vm.RequestExit(new VmExit(VmExitKind.InternalError, 2, $"internal error on vcpu{Id}: {e.GetType().Name}: {e.Message}"));
        }
    }

    // --- Control API: the pause gate (checked once per loop turn, so a pause takes effect within one slice or WFI wait). ---
    private readonly ManualResetEventSlim runGate = new(true);

    /// <summary>True once <see cref="Pause"/> was asked and not yet undone by <see cref="Resume"/>.</summary>
    public bool PauseRequested => !runGate.IsSet;

    /// <summary>True while the thread is blocked at the pause gate.</summary>
    public bool Paused => paused;
    private volatile bool paused;

    /// <summary>Stops the thread at its next poll and keeps it blocked until <see cref="Resume"/> (or the VM exits).</summary>
    public void Pause()
    {
        runGate.Reset();
        Hart.Kick(); // leave a WFI wait now rather than at its timeout
    }

    public void Resume() => runGate.Set();

    private void WaitWhilePaused()
    {
        if (runGate.IsSet)
            return;
        paused = true;
        // Keep serving remote TLB flushes: a hart that shot this one down before the pause waits for it, and
        // must reach the gate too.
        do
            Hart.ServiceRemoteRequests();
        while (!runGate.Wait(10) && !vm.Exiting);
        paused = false;
    }

    /// <summary>The HSM state and a pending hart_start's address and opaque (snapshot; the thread is paused).</summary>
    public (HsmState State, ulong StartAddress, ulong StartOpaque) SaveHsm()
    {
        lock (hsmLock)
            return (state, startAddress, startOpaque);
    }
    // --- end pause gate ---

    /// <summary>Blocks a stopped hart until hart_start; returns true once it is running.</summary>
    private bool WaitForStart()
    {
        Hart.ServiceRemoteRequests();
        startSignal.Wait(100);
        lock (hsmLock)
        {
            if (state != HsmState.StartPending)
                return false;
            Hart.StartSupervisor(startAddress, (ulong)Id, startOpaque);
            state = HsmState.Started;
            return true;
        }
    }
}
