using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SharpVirt.Devices.Network;

/// <summary>Which kind of host side a <see cref="NetOption"/> asks for.</summary>
public enum NetBackendKind
{
    Tap,
    SocketListen,
    SocketConnect,
}

/// <summary>
/// One <c>--net</c> option: <c>tap[,ifname=NAME][,mac=MAC]</c>, <c>socket,listen=[HOST]:PORT[,mac=MAC]</c>
/// or <c>socket,connect=HOST:PORT[,mac=MAC]</c>. HOST is an IPv4 address, a bracketed IPv6 address or
/// a host name; an empty listen HOST means every local address.
/// </summary>
public sealed record NetOption(NetBackendKind Kind, MacAddress Mac, string? IfName = null, IPEndPoint? EndPoint = null)
{
    /// <summary>The syntax, for usage text.</summary>
    public const string Syntax = "tap[,ifname=NAME][,mac=MAC] | socket,listen=[HOST]:PORT[,mac=MAC] | socket,connect=HOST:PORT[,mac=MAC]";

    /// <summary>Parses <paramref name="text"/>; the MAC defaults to <see cref="MacAddress.Default"/>(<paramref name="index"/>).</summary>
    /// <exception cref="FormatException">With a message naming what is wrong.</exception>
    public static NetOption Parse(string text, int index = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(',');
        string kind = parts[0].Trim();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in parts.Skip(1))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0)
                throw Error(text, $"'{part}' is not KEY=VALUE");
            string key = part[..eq].Trim();
            if (!values.TryAdd(key, part[(eq + 1)..].Trim()))
                throw Error(text, $"'{key}' is given twice");
        }

        var mac = MacAddress.Default(index);
        if (values.Remove("mac", out string? macText))
        {
            if (!MacAddress.TryParse(macText, out mac))
                throw Error(text, $"mac '{macText}' is not a MAC address (e.g. 52:54:00:12:34:56)");
            if (mac.IsMulticast)
                throw Error(text, $"mac {mac} is a multicast address (the first octet must be even)");
        }

        NetOption option;
        switch (kind)
        {
            case "tap":
                string? ifName = values.Remove("ifname", out string? n) ? n : null;
                if (ifName is "")
                    throw Error(text, "ifname is empty");
                if (ifName != null && (ifName.Length > 15 || ifName.Contains('/') || ifName.Any(char.IsWhiteSpace)))
                    throw Error(text, $"ifname '{ifName}' is not a valid interface name (at most 15 characters, no '/' or spaces)");
                option = new NetOption(NetBackendKind.Tap, mac, IfName: ifName ?? "tap%d");
                break;
            case "socket" or "stream":
                bool listen = values.Remove("listen", out string? listenAt);
                bool connect = values.Remove("connect", out string? connectTo);
                if (listen == connect)
                    throw Error(text, "give exactly one of listen=[HOST]:PORT or connect=HOST:PORT");
                option = listen
                    ? new NetOption(NetBackendKind.SocketListen, mac, EndPoint: ParseEndPoint(text, listenAt!, listen: true))
                    : new NetOption(NetBackendKind.SocketConnect, mac, EndPoint: ParseEndPoint(text, connectTo!, listen: false));
                break;
            case "":
                throw Error(text, "the backend is missing (tap or socket)");
            default:
                throw Error(text, $"unknown backend '{kind}' (tap or socket)");
        }
        if (values.Count > 0)
            throw Error(text, $"unknown option '{values.Keys.First()}' for {kind}");
        return option;
    }

    /// <summary>Opens the backend this option describes (not yet started).</summary>
    /// <exception cref="IOException">The host side cannot be set up (no /dev/net/tun, port in use...).</exception>
    public INetBackend CreateBackend() => Kind switch
    {
        NetBackendKind.Tap => new TapBackend(IfName!),
        NetBackendKind.SocketListen => StreamSocketBackend.Listen(EndPoint!),
        _ => StreamSocketBackend.Connect(EndPoint!),
    };

    public override string ToString() => Kind switch
    {
        NetBackendKind.Tap => $"tap,ifname={IfName},mac={Mac}",
        NetBackendKind.SocketListen => $"socket,listen={FormatEndPoint(EndPoint!)},mac={Mac}",
        _ => $"socket,connect={FormatEndPoint(EndPoint!)},mac={Mac}",
    };

    private static string FormatEndPoint(IPEndPoint ep) =>
        ep.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ep.Address}]:{ep.Port}" : $"{ep.Address}:{ep.Port}";

    private static IPEndPoint ParseEndPoint(string text, string value, bool listen)
    {
        string what = listen ? "listen" : "connect";
        int colon = value.LastIndexOf(':');
        if (colon < 0)
            throw Error(text, $"{what}={value} has no port (expected HOST:PORT)");
        string host = value[..colon], portText = value[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535
            || (port == 0 && !listen))
            throw Error(text, $"'{portText}' is not a port number (1-65535)");
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        if (host.Length == 0)
        {
            if (!listen)
                throw Error(text, "connect= needs a host (e.g. 127.0.0.1:PORT)");
            return new IPEndPoint(IPAddress.Any, port);
        }
        if (IPAddress.TryParse(host, out var address))
            return new IPEndPoint(address, port);
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            if (chosen == null)
                throw Error(text, $"host '{host}' has no address");
            return new IPEndPoint(chosen, port);
        }
        catch (SocketException e)
        {
            throw Error(text, $"cannot resolve host '{host}': {e.Message}");
        }
    }

    private static FormatException Error(string text, string problem) =>
        new($"--net {text}: {problem}; expected {Syntax}");
}
