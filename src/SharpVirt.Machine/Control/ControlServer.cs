using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using SharpVirt.Machine.Vstate;

namespace SharpVirt.Machine.Control;

/// <summary>
/// The per-VM control socket: a Unix stream socket at <c>DIR/NAME.sock</c> (directory 0700, socket 0600)
/// that answers one JSON request per line with one JSON response per line (docs/API.md). Each client is
/// served on its own task; the socket file is removed on dispose and at process exit.
/// </summary>
public sealed class ControlServer : IDisposable
{
    private readonly Socket listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task acceptLoop;
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
        acceptLoop = Task.Run(AcceptLoop);
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

    private async Task AcceptLoop()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (stopping.IsCancellationRequested)
                    return;
                continue;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(Socket client)
    {
        try
        {
            using var stream = new NetworkStream(client, ownsSocket: true);
            using var reader = new StreamReader(stream, new UTF8Encoding(false));
            using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
            while (!stopping.IsCancellationRequested)
            {
                string? line = await reader.ReadLineAsync(stopping.Token).ConfigureAwait(false);
                if (line is null)
                    return;
                if (line.Trim().Length == 0)
                    continue;
                // Operations block briefly (pause waits for the vCPUs) and touch the VM from this thread. A reply
                // in flight holds off Dispose: after "stop" the VM may end before the reply is written.
                Interlocked.Increment(ref replying);
                try
                {
                    string reply = Ops.Handle(line);
                    await writer.WriteLineAsync(reply.AsMemory(), CancellationToken.None).WaitAsync(ReplyGrace).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref replying);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or TimeoutException)
        {
            // The client went away or the server is stopping.
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
        stopping.Cancel();
        listener.Dispose();
        try
        {
            acceptLoop.Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
        }
        RemoveSocketFile();
        stopping.Dispose();
    }
}
