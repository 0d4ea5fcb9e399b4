using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace SharpVirt.Devices.Network;

/// <summary>
/// Frames over one TCP connection, each preceded by its length as a 4-byte big-endian integer, as
/// QEMU's <c>-netdev socket</c> and <c>-netdev stream</c> send them: two VMMs (or a VMM and QEMU)
/// joined this way share one Ethernet segment.
/// </summary>
/// <remarks>
/// <para>Listen mode serves one peer at a time and accepts the next after a disconnect (further
/// connections wait in the backlog meanwhile). Connect mode retries until <see cref="ConnectTimeout"/>
/// has passed without success, and after a disconnect starts retrying again.</para>
/// <para>While no peer is connected, <see cref="Send"/> drops frames. A peer announcing a frame
/// larger than <see cref="INetBackend.MaxFrameSize"/> breaks the framing and is disconnected.</para>
/// </remarks>
public sealed class StreamSocketBackend : INetBackend
{
    /// <summary>Pause between connection attempts.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>A send that makes no progress for this long drops the peer (it stopped reading).</summary>
    public static readonly TimeSpan SendStallTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket? _listener;
    private readonly IPEndPoint? _remote;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _sendLock = new();
    private readonly ManualResetEventSlim _connected = new(false);
    private readonly byte[] _sendBuffer = new byte[4 + INetBackend.MaxFrameSize];
    private Socket? _peer;
    private Socket? _connecting;
    private Thread? _thread;
    private NetFrameHandler? _onFrame;
    private long _sendDrops, _connections;

    private StreamSocketBackend(Socket? listener, IPEndPoint? remote, string description)
    {
        _listener = listener;
        _remote = remote;
        Description = description;
    }

    /// <summary>Listens on <paramref name="local"/> (port 0 picks a free port: see <see cref="LocalEndPoint"/>).</summary>
    /// <exception cref="IOException">The address cannot be bound (in use, not local, no permission).</exception>
    public static StreamSocketBackend Listen(IPEndPoint local)
    {
        ArgumentNullException.ThrowIfNull(local);
        var s = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            s.Bind(local);
            s.Listen(1);
        }
        catch (SocketException e)
        {
            s.Dispose();
            throw new IOException($"socket,listen={Format(local)}: cannot listen: {e.Message}", e);
        }
        return new StreamSocketBackend(s, null, $"socket listen={Format((IPEndPoint)s.LocalEndPoint!)}");
    }

    /// <summary>Connects to <paramref name="remote"/> once started, retrying as described above.</summary>
    public static StreamSocketBackend Connect(IPEndPoint remote, TimeSpan? connectTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(remote);
        return new StreamSocketBackend(null, remote, $"socket connect={Format(remote)}")
        {
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(60),
        };
    }

    public string Description { get; }

    /// <summary>How long connect mode keeps retrying before it gives up (and reports through <see cref="Message"/>).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The bound address in listen mode, else null.</summary>
    public IPEndPoint? LocalEndPoint => (IPEndPoint?)_listener?.LocalEndPoint;

    /// <summary>True while a peer is connected.</summary>
    public bool IsConnected => _connected.IsSet;

    /// <summary>Connections made so far (each reconnect counts).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Frames dropped by <see cref="Send"/>.</summary>
    public long SendDrops => Interlocked.Read(ref _sendDrops);

    /// <summary>Connection events and errors, on the backend's thread (e.g. for the VMM's log).</summary>
    public event Action<string>? Message;

    /// <summary>Waits until a peer is connected; false on timeout.</summary>
    public bool WaitForPeer(TimeSpan timeout) => _connected.Wait(timeout);

    public void Start(NetFrameHandler onFrame)
    {
        ArgumentNullException.ThrowIfNull(onFrame);
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        if (Interlocked.CompareExchange(ref _onFrame, onFrame, null) != null)
            throw new InvalidOperationException("the backend is already started");
        _thread = new Thread(_listener != null ? ListenLoop : ConnectLoop) { Name = "netsock", IsBackground = true };
        _thread.Start();
    }

    public bool Send(ReadOnlySpan<byte> frame)
    {
        if (frame.Length == 0 || frame.Length > INetBackend.MaxFrameSize)
            return Dropped();
        lock (_sendLock)
        {
            var peer = Volatile.Read(ref _peer);
            if (peer == null)
                return Dropped();
            BinaryPrimitives.WriteUInt32BigEndian(_sendBuffer, (uint)frame.Length);
            frame.CopyTo(_sendBuffer.AsSpan(4));
            try
            {
                int total = 4 + frame.Length, sent = 0;
                while (sent < total)
                    sent += peer.Send(_sendBuffer, sent, total - sent, SocketFlags.None);
                return true;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // A half-sent frame breaks the stream: drop the peer; the receive side notices and moves on.
                Drop(peer);
                return Dropped();
            }
        }
    }

    private bool Dropped()
    {
        Interlocked.Increment(ref _sendDrops);
        return false;
    }

    private void ListenLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket peer;
            try
            {
                peer = _listener!.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (_stop.IsCancellationRequested)
                    return;
                Report($"accept failed: {e.Message}");
                Pause(RetryInterval);
                continue;
            }
            Serve(peer);
        }
    }

    private void ConnectLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            var peer = ConnectWithRetry();
            if (peer == null)
            {
                if (!_stop.IsCancellationRequested)
                    Report($"giving up: no peer at {Format(_remote!)} within {ConnectTimeout.TotalSeconds:0} s");
                return;
            }
            Serve(peer);
            Pause(RetryInterval);
        }
    }

    private Socket? ConnectWithRetry()
    {
        var deadline = DateTime.UtcNow + ConnectTimeout;
        string? lastError = null;
        while (!_stop.IsCancellationRequested)
        {
            var s = new Socket(_remote!.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            Volatile.Write(ref _connecting, s);
            try
            {
                // Synchronous on this thread: no thread-pool dependence; Dispose closes the socket to abort it.
                if (!_stop.IsCancellationRequested)
                {
                    s.Connect(_remote);
                    return s;
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (e.Message != lastError && !_stop.IsCancellationRequested)
                    Report($"connecting to {Format(_remote)}: {e.Message}; retrying");
                lastError = e.Message;
            }
            finally
            {
                Volatile.Write(ref _connecting, null);
            }
            s.Dispose();
            if (DateTime.UtcNow >= deadline)
                return null;
            Pause(RetryInterval);
        }
        return null;
    }

    /// <summary>Runs one connection: receives frames until the peer leaves or the backend stops.</summary>
    private void Serve(Socket peer)
    {
        peer.NoDelay = true;
        peer.SendTimeout = (int)SendStallTimeout.TotalMilliseconds;
        string who = peer.RemoteEndPoint is { } ep ? Format(ep) : "peer";
        lock (_sendLock)
            Volatile.Write(ref _peer, peer);
        Interlocked.Increment(ref _connections);
        _connected.Set();
        if (_stop.IsCancellationRequested)
            peer.Dispose(); // Dispose ran before the peer was published: make the receive below end
        Report($"connected to {who}");
        var buffer = new byte[INetBackend.MaxFrameSize];
        Span<byte> header = stackalloc byte[4];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (!ReceiveExactly(peer, header))
                    break;
                uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
                if (length > INetBackend.MaxFrameSize)
                {
                    Report($"{who} sent a {length}-byte frame (more than {INetBackend.MaxFrameSize}): disconnecting");
                    break;
                }
                if (!ReceiveExactly(peer, buffer.AsSpan(0, (int)length)))
                    break;
                if (length > 0)
                    Deliver(buffer.AsSpan(0, (int)length));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested)
                Report($"connection to {who} failed: {e.Message}");
        }
        _connected.Reset();
        lock (_sendLock)
            Volatile.Write(ref _peer, null);
        peer.Dispose();
        if (!_stop.IsCancellationRequested)
            Report($"{who} disconnected");
    }

    private static bool ReceiveExactly(Socket s, Span<byte> destination)
    {
        int got = 0;
        while (got < destination.Length)
        {
            int n = s.Receive(destination[got..]);
            if (n == 0)
                return false;
            got += n;
        }
        return true;
    }

    private void Deliver(ReadOnlySpan<byte> frame)
    {
        try
        {
            _onFrame!(frame);
        }
        catch (Exception)
        {
            // A consumer's failure must not end the connection.
        }
    }

    private static void Drop(Socket peer)
    {
        try
        {
            peer.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private void Pause(TimeSpan delay) => _stop.Token.WaitHandle.WaitOne(delay);

    private void Report(string text)
    {
        try
        {
            Message?.Invoke($"{Description}: {text}");
        }
        catch (Exception)
        {
        }
    }

    private static string Format(EndPoint ep) => ep switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        _ => ep.ToString() ?? "?",
    };

    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
            return;
        _stop.Cancel();
        _listener?.Dispose();
        Volatile.Read(ref _connecting)?.Dispose();
        Socket? peer;
        lock (_sendLock)
            peer = Volatile.Read(ref _peer);
        if (peer != null)
        {
            Drop(peer);
            peer.Dispose();
        }
        // A connect to a silent remote host cannot always be aborted; the thread is a background one.
        if (_thread != null && _thread != Thread.CurrentThread)
            _thread.Join(TimeSpan.FromSeconds(5));
    }
}
