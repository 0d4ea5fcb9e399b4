using System.Runtime.InteropServices;

namespace SharpVirt.Machine.Vstate;

/// <summary>Host thread facts that .NET does not expose: the kernel TID.</summary>
public static partial class HostThread
{
    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    public static int CurrentTid() => OperatingSystem.IsLinux() ? GetTid() : Environment.CurrentManagedThreadId;
}
