namespace SharpVirt.Cpu;

/// <summary>Why <see cref="Hart.Run"/> returned to the VMM, in the spirit of KVM_RUN's exit reasons.</summary>
public enum ExitReason
{
    /// <summary>The instruction budget ran out; the VMM polls and calls Run again.</summary>
    Budget,
    /// <summary>WFI with no interrupt pending: block the vCPU thread until one is.</summary>
    Wfi,
    /// <summary>ECALL from S-mode while the VMM implements the SBI: a0..a7 hold the call.</summary>
    Sbi,
    /// <summary>Another thread asked the hart to stop (pause, shutdown).</summary>
    Stop,
    /// <summary>
    /// PAUSE (Zihintpause): the guest is spinning, e.g. on a lock held by a vCPU the host has preempted. The VMM
    /// yields the thread, as KVM does on a pause-loop exit, so an overcommitted host runs the lock holder.
    /// </summary>
    Pause,
}
