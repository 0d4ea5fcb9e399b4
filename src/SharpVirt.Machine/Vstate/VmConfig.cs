namespace SharpVirt.Machine.Vstate;

/// <summary>What to build and boot: the command line's choices.</summary>
public sealed record VmConfig
{
    public const ulong MiB = 1UL << 20, GiB = 1UL << 30;
    public const string DefaultAppend = "console=ttyS0 earlycon=sbi";

    public int Cpus { get; init; } = 2;
    public ulong MemorySize { get; init; } = 1 * GiB;
    public string? Kernel { get; init; }
    public string? Initrd { get; init; }

    /// <summary>null: the VMM implements the SBI and boots the kernel in S-mode; "none": the kernel runs bare in M-mode; else an M-mode firmware.</summary>
    public string? Bios { get; init; }
    public string Append { get; init; } = DefaultAppend;
    public TimeSpan? Timeout { get; init; }
    public string? DtbOut { get; init; }

    /// <summary>virtio-blk disks, each `PATH[,format=raw|qcow2][,readonly=on]`.</summary>
    public IReadOnlyList<string> Disks { get; init; } = [];

    /// <summary>virtio-net interfaces, each `tap,...` or `socket,listen=...|connect=...`.</summary>
    public IReadOnlyList<string> Nets { get; init; } = [];

    /// <summary>Attach virtio-rng, fed from the host's CSPRNG.</summary>
    public bool Rng { get; init; }

    /// <summary>Attach virtio-balloon.</summary>
    public bool Balloon { get; init; }

    /// <summary>A file the VMM watches for a balloon target (e.g. "512M"): the documented hook until the control API.</summary>
    public string? BalloonControl { get; init; }

    /// <summary>Attach virtio-console (hvc0); its output joins the main console.</summary>
    public bool VirtioConsole { get; init; }

    /// <summary>The CPU engine: the interpreter alone, or with the block translator (the default).</summary>
    public CpuEngine Engine { get; init; } = CpuEngine.Jit;

    /// <summary>
    /// Runs of a block before RyuJIT compiles it with its region (1 compiles everything at once, for testing).
    /// Below that it runs baseline code, so only code that stays hot is worth RyuJIT's milliseconds.
    /// </summary>
    public int JitThreshold { get; init; } = 16_000;

    /// <summary>Runs of a block before it gets baseline code, the translator's quick first tier (x86-64 hosts; 0 for never).</summary>
    public int BaselineThreshold { get; init; } = 8;

    /// <summary>Host CPUs to pin vCPU threads to (--cpu-affinity): vCPU i runs on CpuAffinity[i % Count]; empty for no pinning.</summary>
    public IReadOnlyList<int> CpuAffinity { get; init; } = [];

    /// <summary>Percent of one host CPU the VM's vCPUs may use together (--cpu-share); null for no limit.</summary>
    public int? CpuShare { get; init; }

    public bool BareMetal => Bios == "none";
    public bool FirmwareBoot => Bios is not null && Bios != "none";
}

public enum CpuEngine
{
    Interp,
    Jit,
}
