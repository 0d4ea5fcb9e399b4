using System.Runtime.InteropServices;

namespace SharpVirt.Devices.Network;

/// <summary>The Linux calls a TAP interface needs: open, TUNSETIFF, read/write, poll, eventfd.</summary>
internal static unsafe partial class TunNative
{
    public const int ORdWr = 0x2, ONonBlock = 0x800, OCloExec = 0x80000;
    public const int EfdCloExec = 0x80000, EfdNonBlock = 0x800;
    public const short PollIn = 0x1, PollErr = 0x8, PollHup = 0x10, PollNval = 0x20;

    // errno values (Linux, all architectures .NET runs on)
    public const int EPerm = 1, ENoEnt = 2, EIntr = 4, EIo = 5, ENxIo = 6, EAgain = 11, EAcces = 13, EBusy = 16,
        ENoDev = 19, EInval = 22;

    /// <summary>_IOW('T', 202, int): attach the fd to a TUN/TAP interface (linux/if_tun.h).</summary>
    public const uint TunSetIff = 0x400454ca;
    public const short IffTap = 0x0002, IffNoPi = 0x1000;

    /// <summary>IFNAMSIZ, the interface name buffer including its NUL.</summary>
    public const int IfNameSize = 16;

    /// <summary>struct ifreq: the name, then a union whose first member here is ifr_flags.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 40)]
    public struct IfReq
    {
        public fixed byte Name[IfNameSize];
        public short Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* arg);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    public static string ErrorText(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
