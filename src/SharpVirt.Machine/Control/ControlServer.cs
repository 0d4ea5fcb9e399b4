using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using SharpVirt.Machine.Vstate;

namespace SharpVirt.Machine.Control;

/// <summary>
/// The per-VM control socket: a Unix stream socket at <c>DIR/NAME.sock</c> (directory 0700, socket 0600)
/// that answers one JSON request per line with one JSON response per line (docs/API.md). It accepts on a
/// thread of its own and serves each client on another, as a VMM's control plane must answer even while
/// .NET's thread pool is busy or starved; the socket file is removed on dispose and at process exit.
/// </summary>
public sealed class ControlServer : IDisposable
{
    private readonly Socket listener;
    private volatile bool stopping;
    private readonly Thread acceptThread;
    /// <summary>Connected clients, closed on dispose (which ends their threads' reads).</summary>
    private readonly HashSet<Socket> clients = [];
    private readonly PosixSignalRegistration[] signals;
    private int disposed;
    /// <summary>Requests being handled or answered; Dispose waits up to <see cref="ReplyGrace"/> for them.</summary>
    private int replying;
    private static readonly TimeSpan ReplyGrace = TimeSpan.FromSeconds(2);

    private ControlServer(ControlOps ops, string path, Socket listener)
    {
        Ops = ops;
        SocketPath = path;
        this.listener = listener;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        // A signal that ends the process skips the using blocks (and System.CommandLine handles SIGTERM
        // itself), so remove the socket file from the handler; the signal's default action then proceeds.
        signals = [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
            .Select(sig => PosixSignalRegistration.Create(sig, _ => RemoveSocketFile()))];
        acceptThread = new Thread(AcceptLoop) { IsBackground = true, Name = "control" };
        acceptThread.Start();
    }

    public ControlOps Ops { get; }
    public string SocketPath { get; }

    /// <summary>
    /// Binds <c>DIR/NAME.sock</c> for <paramref name="vm"/>. Throws <see cref="ControlException"/> if the
    /// name is invalid or another live VM owns it; a stale socket file (nobody listening) is replaced.
    /// </summary>
    public static ControlServer Start(Vm vm, string name, string? directory = null)
    {
        if (OperatingSystem.IsWindows())
            throw new ControlException("the control API needs a Unix host");
        if (!ControlPaths.IsValidName(name))
            throw new ControlException($"--name '{name}' is not a valid VM name (letters, digits, '.', '_', '-'; at most 64)");
        string dir = directory ?? ControlPaths.DefaultDirectory;
        const UnixFileMode dirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        try
        {
            if (!Directory.Exists(dir))
                Directory.CreateDirectory(dir, dirMode);
            File.SetUnixFileMode(dir, dirMode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ControlException($"cannot create the control socket directory {dir}: {e.Message}", e);
        }
        string path = ControlPaths.SocketPath(name, dir);
        if (File.Exists(path) || Directory.Exists(path))
        {
            if (IsLive(path))
                throw new ControlException($"a VM named '{name}' is already running (its socket is {path})");
            File.Delete(path);
        }
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(16);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            socket.Dispose();
            throw new ControlException($"cannot listen on {path}: {e.Message}", e);
        }
        return new ControlServer(new ControlOps(vm, name), path, socket);
    }

    private static bool IsLive(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void AcceptLoop()
    {
        while (!stopping)
        {
            Socket client;
            try
            {
                client = listener.Accept();
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                if (stopping)
                    return;
                continue;
            }
            lock (clients)
            {
                if (stopping)
                {
                    client.Dispose();
                    return;
                }
                clients.Add(client);
            }
            new Thread(() => Serve(client)) { IsBackground = true, Name = "control-client" }.Start();
        }
    }

    private void Serve(Socket client)
    {
        try
        {
            // A client that stops reading must not hold a reply (and Dispose) for longer than the grace.
            client.SendTimeout = (int)ReplyGrace.TotalMilliseconds;
            using var stream = new NetworkStream(client, ownsSocket: true);
            using var reader = new StreamReader(stream, new UTF8Encoding(false));
            using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
            while (!stopping)
            {
                string? line = reader.ReadLine();
                if (line is null)
                    return;
                if (line.Trim().Length == 0)
                    continue;
                // Operations block briefly (pause waits for the vCPUs) and touch the VM from this thread. A reply
                // in flight holds off Dispose: after "stop" the VM may end before the reply is written.
                Interlocked.Increment(ref replying);
                try
                {
                    writer.WriteLine(Ops.Handle(line));
                }
                finally
                {
                    Interlocked.Decrement(ref replying);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The client went away or the server is stopping.
        }
        finally
        {
            lock (clients)
                clients.Remove(client);
            client.Dispose();
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => RemoveSocketFile();

    private void RemoveSocketFile()
    {
        try
        {
            File.Delete(SocketPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var registration in signals)
            registration.Dispose();
        SpinWait.SpinUntil(() => Volatile.Read(ref replying) == 0, ReplyGrace);
        stopping = true;
        listener.Dispose(); // ends the blocked Accept
        lock (clients)
        {
            foreach (var client in clients)
                client.Dispose(); // ends a blocked read
        }
        acceptThread.Join(TimeSpan.FromSeconds(1));
        RemoveSocketFile();
    }
}
