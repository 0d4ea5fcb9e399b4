using System.Runtime.InteropServices;
using System.Text;

namespace SharpVirt.Devices.Network;

/// <summary>
/// A Linux TAP interface (<c>/dev/net/tun</c>, <c>TUNSETIFF</c> with <c>IFF_TAP | IFF_NO_PI</c>): each
/// read or write is one bare Ethernet frame. The interface is configured on the host as usual
/// (<c>ip link set NAME up</c>, an address or a bridge); a persistent TAP made with
/// <c>ip tuntap add mode tap NAME user USER</c> lets a non-root user attach to it.
/// </summary>
/// <remarks>
/// The descriptor is non-blocking; a reader thread waits in poll() on it and on an eventfd that
/// <see cref="Dispose"/> signals. <see cref="Send"/> writes directly and drops the frame when the
/// interface's queue is full or the interface is down.
/// </remarks>
public sealed unsafe class TapBackend : INetBackend
{
    private const string TunPath = "/dev/net/tun";

    private readonly int _fd;
    private readonly int _wakeFd;
    private readonly Lock _sendLock = new(); // keeps Dispose from closing the fd under a write
    private Thread? _reader;
    private NetFrameHandler? _onFrame;
    private volatile bool _disposed;

    /// <summary>Opens or creates TAP interface <paramref name="ifName"/> (a kernel pattern like <c>tap%d</c> works too).</summary>
    /// <exception cref="IOException">With a message saying what to fix: no /dev/net/tun, no permission, name in use.</exception>
    public TapBackend(string ifName)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifName);
        if (Encoding.UTF8.GetByteCount(ifName) >= TunNative.IfNameSize || ifName.Contains('/') || ifName.Any(char.IsWhiteSpace))
            throw new ArgumentException($"'{ifName}' is not a valid interface name (at most {TunNative.IfNameSize - 1} bytes, no '/' or spaces)", nameof(ifName));

        _fd = TunNative.Open(TunPath, TunNative.ORdWr | TunNative.ONonBlock | TunNative.OCloExec);
        if (_fd < 0)
            throw OpenError(Marshal.GetLastPInvokeError());

        var req = default(TunNative.IfReq);
        Encoding.UTF8.GetBytes(ifName, new Span<byte>(req.Name, TunNative.IfNameSize - 1));
        req.Flags = TunNative.IffTap | TunNative.IffNoPi;
        if (TunNative.Ioctl(_fd, TunNative.TunSetIff, &req) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            TunNative.Close(_fd);
            throw SetIffError(ifName, errno);
        }
        InterfaceName = Encoding.UTF8.GetString(new ReadOnlySpan<byte>(req.Name, TunNative.IfNameSize)).TrimEnd('\0');

        _wakeFd = TunNative.EventFd(0, TunNative.EfdCloExec | TunNative.EfdNonBlock);
        if (_wakeFd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            TunNative.Close(_fd);
            throw new IOException($"tap {InterfaceName}: eventfd failed: {TunNative.ErrorText(errno)}");
        }
    }

    /// <summary>The interface's name as the kernel has it (the pattern filled in).</summary>
    public string InterfaceName { get; }

    public string Description => $"tap ifname={InterfaceName}";

    /// <summary>Frames that could not be written to the interface.</summary>
    public long SendDrops => Interlocked.Read(ref _sendDrops);

    private long _sendDrops;

    public void Start(NetFrameHandler onFrame)
    {
        ArgumentNullException.ThrowIfNull(onFrame);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.CompareExchange(ref _onFrame, onFrame, null) != null)
            throw new InvalidOperationException("the backend is already started");
        _reader = new Thread(ReadLoop) { Name = "tap-rx", IsBackground = true };
        _reader.Start();
    }

    public bool Send(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > INetBackend.MaxFrameSize)
            return Dropped();
        lock (_sendLock)
        {
            fixed (byte* p = frame)
            {
                while (!_disposed)
                {
                    nint n = TunNative.Write(_fd, p, (nuint)frame.Length);
                    if (n == frame.Length)
                        return true;
                    if (n < 0 && Marshal.GetLastPInvokeError() == TunNative.EIntr)
                        continue;
                    break; // EAGAIN (queue full), EIO (interface down), EINVAL (runt)
                }
            }
        }
        return Dropped();
    }

    private bool Dropped()
    {
        Interlocked.Increment(ref _sendDrops);
        return false;
    }

    private void ReadLoop()
    {
        var buffer = new byte[INetBackend.MaxFrameSize];
        var fds = stackalloc TunNative.PollFd[2];
        fds[0] = new TunNative.PollFd { Fd = _fd, Events = TunNative.PollIn };
        fds[1] = new TunNative.PollFd { Fd = _wakeFd, Events = TunNative.PollIn };
        fixed (byte* p = buffer)
        {
            while (!_disposed)
            {
                fds[0].REvents = fds[1].REvents = 0;
                if (TunNative.Poll(fds, 2, -1) < 0)
                {
                    if (Marshal.GetLastPInvokeError() == TunNative.EIntr)
                        continue;
                    return;
                }
                if (_disposed || fds[1].REvents != 0)
                    return;
                if ((fds[0].REvents & (TunNative.PollErr | TunNative.PollNval)) != 0)
                    return;
                // Drain what is queued, then poll again.
                while (!_disposed)
                {
                    nint n = TunNative.Read(_fd, p, (nuint)buffer.Length);
                    if (n > 0)
                    {
                        Deliver(buffer.AsSpan(0, (int)n));
                        continue;
                    }
                    int errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                    if (errno == TunNative.EIntr)
                        continue;
                    if (errno == TunNative.EAgain || errno == TunNative.EIo)
                        break; // nothing queued, or the interface is down for a moment
                    return; // EBADF and the like: the descriptor is gone
                }
                if ((fds[0].REvents & TunNative.PollHup) != 0)
                    Thread.Sleep(10); // interface down: poll reports hangup until it comes back
            }
        }
    }

    private void Deliver(ReadOnlySpan<byte> frame)
    {
        try
        {
            _onFrame!(frame);
        }
        catch (Exception)
        {
            // A consumer's failure must not end the reader thread.
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        ulong one = 1;
        TunNative.Write(_wakeFd, (byte*)&one, sizeof(ulong));
        if (_reader != null && _reader != Thread.CurrentThread)
            _reader.Join();
        lock (_sendLock)
            TunNative.Close(_fd);
        TunNative.Close(_wakeFd);
    }

    private static IOException OpenError(int errno) => errno switch
    {
        TunNative.ENoEnt or TunNative.ENoDev or TunNative.ENxIo => new IOException(
            $"tap: {TunPath} is missing ({TunNative.ErrorText(errno)}): load the tun module (modprobe tun) "
            + "or, in a container, pass the device in (e.g. --device /dev/net/tun)"),
        TunNative.EAcces or TunNative.EPerm => new IOException(
            $"tap: permission denied opening {TunPath}: run as root, or give the user access to {TunPath} "
            + "and attach to a persistent TAP made with 'ip tuntap add mode tap NAME user USER'"),
        _ => new IOException($"tap: cannot open {TunPath}: {TunNative.ErrorText(errno)}"),
    };

    private static IOException SetIffError(string ifName, int errno) => errno switch
    {
        TunNative.EPerm or TunNative.EAcces => new IOException(
            $"tap {ifName}: permission denied creating or attaching the interface (TUNSETIFF needs CAP_NET_ADMIN, "
            + "or a persistent TAP owned by this user: 'ip tuntap add mode tap " + ifName + " user USER')"),
        TunNative.EBusy => new IOException(
            $"tap {ifName}: the interface is in use (another process has it open, or it is not a TAP with IFF_NO_PI)"),
        TunNative.EInval => new IOException(
            $"tap {ifName}: the kernel refused the request (the name may belong to a TUN device or another kind of interface)"),
        _ => new IOException($"tap {ifName}: TUNSETIFF failed: {TunNative.ErrorText(errno)}"),
    };
}
