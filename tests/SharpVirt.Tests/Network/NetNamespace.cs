namespace SharpVirt.Tests.Network;

/// <summary>
/// A network namespace the test creates (<c>ip netns add</c>) and deletes again: traffic to addresses
/// inside it never leaves this host. Interfaces moved into it die with it.
/// </summary>
internal sealed class NetNamespace : IDisposable
{
    public NetNamespace()
    {
        Name = $"svtest{Environment.ProcessId % 10000}x{Random.Shared.Next(100000)}";
        HostCommand.Run("ip", "netns", "add", Name);
        Ip("link", "set", "lo", "up");
    }

    public string Name { get; }

    /// <summary>Runs <c>ip -n NAME ARGS</c>.</summary>
    public string Ip(params string[] args) => HostCommand.Run("ip", ["-n", Name, .. args]);

    /// <summary>Runs a command inside the namespace.</summary>
    public string Exec(params string[] args) => HostCommand.Run("ip", ["netns", "exec", Name, .. args]);

    /// <summary>Moves interface <paramref name="ifName"/> from the host's namespace into this one.</summary>
    public void MoveIn(string ifName) => HostCommand.Run("ip", "link", "set", "dev", ifName, "netns", Name);

    public void Dispose()
    {
        try
        {
            HostCommand.Run("ip", "netns", "del", Name);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
