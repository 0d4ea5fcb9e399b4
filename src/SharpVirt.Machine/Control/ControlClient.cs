using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpVirt.Machine.Control;

/// <summary>A client for a VM's control socket: one request line out, one response line back.</summary>
public static class ControlClient
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Sends <paramref name="request"/> (one JSON object) and returns the raw response line.</summary>
    public static string SendRaw(string socketPath, string request, TimeSpan? timeout = null)
    {
        int ms = (int)(timeout ?? DefaultTimeout).TotalMilliseconds;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = ms, SendTimeout = ms };
        if (!File.Exists(socketPath))
            throw new ControlException($"no VM there: {socketPath} does not exist (see `sharpvirt ps`)");
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            using var stream = new NetworkStream(socket, ownsSocket: false);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            writer.WriteLine(request.ReplaceLineEndings(" "));
            writer.Flush();
            using var reader = new StreamReader(stream, new UTF8Encoding(false), leaveOpen: true);
            return reader.ReadLine() ?? throw new ControlException($"{socketPath}: the VM closed the connection without a reply");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            throw new ControlException($"{socketPath}: nobody is listening (a stale socket from a VM that was killed?)", e);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            throw new ControlException($"{socketPath}: {e.Message}", e);
        }
    }

    /// <summary>Sends a request object and parses the response object.</summary>
    public static JsonObject Send(string socketPath, JsonObject request, TimeSpan? timeout = null)
    {
        string line = SendRaw(socketPath, request.ToJsonString(), timeout);
        try
        {
            return JsonNode.Parse(line) as JsonObject ?? throw new ControlException($"{socketPath}: the reply is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ControlException($"{socketPath}: malformed reply: {e.Message}", e);
        }
    }

    public static JsonObject Send(string socketPath, string op, TimeSpan? timeout = null) =>
        Send(socketPath, new JsonObject { ["op"] = op }, timeout);
}
