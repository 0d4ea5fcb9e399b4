using System.Security.Cryptography;

namespace SharpVirt.Devices.Virtio.Entropy;

/// <summary>
/// virtio-rng, the entropy device (virtio 1.2, 5.4): one request queue whose device-writable buffers the device
/// fills with random bytes from the host's CSPRNG (<see cref="RandomNumberGenerator"/>), on its own I/O thread.
/// </summary>
public sealed unsafe class VirtioRng : IVirtioDevice
{
    /// <summary>The most bytes written per request, so one huge buffer cannot monopolize the I/O thread.</summary>
    public const int MaxBytesPerRequest = 64 * 1024;

    private const int RequestQueue = 0;

    private readonly VirtioWorker _worker;
    private volatile VirtioDeviceContext? _context;
    private long _bytesProvided;

    /// <summary>Creates the device.</summary>
    /// <param name="maxQueueSize">QueueNumMax: a power of two.</param>
    public VirtioRng(ushort maxQueueSize = 64)
    {
        MaxQueueSize = maxQueueSize;
        _worker = new VirtioWorker("virtio-rng", Work, _ => _context?.SetNeedsReset());
    }

    public VirtioDeviceType Type => VirtioDeviceType.Entropy;

    /// <summary>No device-specific features (5.4.3).</summary>
    public ulong DeviceFeatures => 0;

    public int QueueCount => 1;

    public ushort MaxQueueSize { get; }

    /// <summary>Random bytes handed to the guest so far.</summary>
    public long BytesProvided => Interlocked.Read(ref _bytesProvided);

    /// <summary>No configuration space (5.4.4).</summary>
    public uint ReadConfig(int offset, int size) => 0;

    public void WriteConfig(int offset, int size, uint value)
    {
    }

    public void Activate(VirtioDeviceContext context)
    {
        _context = context;
        _worker.Start();
        _worker.Kick(RequestQueue);
    }

    public void Notify(int queue) => _worker.Kick(queue);

    public void Reset()
    {
        _worker.Stop();
        _context = null;
    }

    public void Dispose() => _worker.Dispose();

    /// <summary>No state of its own besides the queue: snapshots only quiesce it.</summary>
    public void Quiesce() => _worker.Hold();

    public void Unquiesce() => _worker.Release();

    internal VirtioWorker Worker => _worker;

    private void Work(ulong bits)
    {
        VirtioDeviceContext? ctx = _context;
        if (ctx == null)
        {
            return;
        }
        VirtQueue q = ctx.Queues[RequestQueue];
        bool used = false;
        while (ctx.TryPop(RequestQueue, out DescriptorChain chain))
        {
            q.AddUsed(chain, Fill(ctx, chain));
            used = true;
        }
        if (used)
        {
            ctx.SignalUsed(RequestQueue);
        }
    }

    /// <summary>Fills the writable part (5.4.6: "the device MUST place one or more random bytes into the buffer").</summary>
    private uint Fill(VirtioDeviceContext ctx, DescriptorChain chain)
    {
        int done = 0;
        foreach (BufferSegment s in chain.Writable)
        {
            int n = (int)Math.Min(s.Length, (uint)(MaxBytesPerRequest - done));
            byte* p = ctx.Memory.GetHostPointer(s.Address, (ulong)n);
            if (n == 0 || p == null)
            {
                break;
            }
            RandomNumberGenerator.Fill(new Span<byte>(p, n));
            ctx.Memory.NoteWritten(s.Address, (ulong)n);
            done += n;
        }
        Interlocked.Add(ref _bytesProvided, done);
        return (uint)done;
    }
}
