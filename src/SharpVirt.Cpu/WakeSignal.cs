using System.Runtime.InteropServices;

namespace SharpVirt.Cpu;

/// <summary>
/// What a hart in WFI sleeps on: a manual-reset signal whose wait ends at the guest timer's deadline
/// to the microsecond. .NET's waits count whole milliseconds, so each timer interrupt came up to a
/// millisecond late. On Linux it is a futex word, and a set costs one atomic exchange unless the
/// hart is asleep; elsewhere it falls back to <see cref="ManualResetEventSlim"/>.
/// </summary>
internal sealed unsafe partial class WakeSignal
{
    private const int Clear = 0, Signaled = 1, Sleeping = 2;
    private const int FutexWaitPrivate = 128, FutexWakePrivate = 129;

    private static readonly long SysFutex = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 when OperatingSystem.IsLinux() => 202,
        Architecture.Arm64 when OperatingSystem.IsLinux() => 98,
        _ => -1,
    };

    /// <summary>
    /// Whether the futex system call serves this process, probed once with a wake of no one: a seccomp filter
    /// (a container's) may refuse it, and a wait that fails at once would make an idle hart spin.
    /// </summary>
    internal static readonly bool FutexUsable = SysFutex >= 0 && Probe();

    // Pinned: the kernel keys a futex by its address, which must not move while a thread sleeps on it.
    private readonly int[] word = GC.AllocateArray<int>(1, pinned: true);
    private readonly ManualResetEventSlim? fallback;

    public WakeSignal() : this(FutexUsable)
    {
    }

    /// <param name="futex">Sleep on a futex word (Linux, <see cref="FutexUsable"/>), else on the fallback.</param>
    internal WakeSignal(bool futex) => fallback = futex ? null : new(false, spinCount: 0);

    private static bool Probe()
    {
        int probe = 0;
        return Syscall(SysFutex, &probe, FutexWakePrivate, 1, null) >= 0;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int* address, int op, int value, long* timeout);

    /// <summary>Clears the signal. A waiter resets, then checks for work, then waits, so a set after the reset is not lost.</summary>
    public void Reset()
    {
        if (fallback != null)
            fallback.Reset();
        else
            Interlocked.Exchange(ref word[0], Clear); // a full fence: the caller's checks after it must not read early
    }

    /// <summary>Signals the hart; wakes it if it sleeps. Callable from any thread.</summary>
    public void Set()
    {
        if (fallback != null)
            fallback.Set();
        else if (Interlocked.Exchange(ref word[0], Signaled) == Sleeping)
        {
            fixed (int* w = word)
                Syscall(SysFutex, w, FutexWakePrivate, 1, null);
        }
    }

    /// <summary>Sleeps until <see cref="Set"/> or for <paramref name="limit"/>; true if signaled.
    /// May return false early (a signal to the thread); callers recompute their deadline and wait again.</summary>
    public bool Wait(TimeSpan limit)
    {
        if (fallback != null)
            return fallback.Wait((int)Math.Min(int.MaxValue, Math.Ceiling(limit.TotalMilliseconds)));
        if (Interlocked.CompareExchange(ref word[0], Sleeping, Clear) == Signaled)
            return true;
        long* timeout = stackalloc long[2];
        timeout[0] = limit.Ticks / TimeSpan.TicksPerSecond;
        timeout[1] = limit.Ticks % TimeSpan.TicksPerSecond * 100;
        fixed (int* w = word)
            Syscall(SysFutex, w, FutexWaitPrivate, Sleeping, timeout); // returns at once if no longer Sleeping
        return Interlocked.CompareExchange(ref word[0], Clear, Sleeping) == Signaled;
    }
}
