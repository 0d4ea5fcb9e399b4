namespace SharpVirt.Tests.Network;

/// <summary>Keeps the frames a backend delivers and lets a test wait for one that matches.</summary>
internal sealed class FrameCollector
{
    private readonly List<byte[]> _frames = [];
    private readonly object _lock = new();

    /// <summary>Called for each received frame before it is stored; may send replies (a tiny host).</summary>
    public Action<byte[]>? OnFrame { get; set; }

    public void Receive(ReadOnlySpan<byte> frame)
    {
        var copy = frame.ToArray();
        OnFrame?.Invoke(copy);
        lock (_lock)
        {
            _frames.Add(copy);
            Monitor.PulseAll(_lock);
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
                return _frames.Count;
        }
    }

    public byte[][] Snapshot()
    {
        lock (_lock)
            return [.. _frames];
    }

    /// <summary>The first frame matching <paramref name="match"/>, waiting up to <paramref name="timeout"/>; null if none came.</summary>
    public byte[]? WaitFor(Func<byte[], bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_lock)
        {
            while (true)
            {
                var hit = _frames.FirstOrDefault(match);
                if (hit != null)
                    return hit;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    return null;
                Monitor.Wait(_lock, left);
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> frames have arrived.</summary>
    public bool WaitForCount(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_lock)
        {
            while (_frames.Count < count)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    return false;
                Monitor.Wait(_lock, left);
            }
            return true;
        }
    }
}
