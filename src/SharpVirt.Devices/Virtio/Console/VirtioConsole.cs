using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Devices.Virtio.Console;

/// <summary>
/// virtio-console with a single port and no multiport (virtio 1.2, 5.3): Linux's hvc0. Port 0's transmitq
/// carries guest output to a host callback; input fed with <see cref="EnqueueInput"/> is buffered and copied
/// into the driver's receiveq buffers. All queue work runs on the device's I/O thread.
/// </summary>
public sealed class VirtioConsole : IVirtioDevice
{
    /// <summary>VIRTIO_CONSOLE_F_SIZE (5.3.3): cols and rows are valid. Not offered.</summary>
    public const ulong FeatureSize = 1UL << 0;

    /// <summary>VIRTIO_CONSOLE_F_MULTIPORT (5.3.3). Not offered.</summary>
    public const ulong FeatureMultiport = 1UL << 1;

    /// <summary>VIRTIO_CONSOLE_F_EMERG_WRITE (5.3.3): emerg_wr in the config space writes one character.</summary>
    public const ulong FeatureEmergWrite = 1UL << 2;

    /// <summary>Bytes of input buffered while the driver has no receive buffers.</summary>
    public const int InputCapacity = 64 * 1024;

    /// <summary>receiveq(port0) (5.3.2).</summary>
    public const int ReceiveQueue = 0;

    /// <summary>transmitq(port0) (5.3.2).</summary>
    public const int TransmitQueue = 1;

    // struct virtio_console_config (5.3.4): le16 cols; le16 rows; le32 max_nr_ports; le32 emerg_wr.
    private const int EmergWrOffset = 8;
    private const int ConfigSize = 12;

    private readonly Action<ReadOnlySpan<byte>> _output;
    private readonly Lock _outputLock = new();
    private readonly Lock _inputLock = new();
    private readonly byte[] _input = new byte[InputCapacity];
    private readonly byte[] _txBuffer = new byte[4096];
    private readonly VirtioWorker _worker;
    private int _inputStart;
    private int _inputEnd;
    private volatile VirtioDeviceContext? _context;

    /// <summary>Creates the console.</summary>
    /// <param name="output">Receives guest output; called on the I/O thread (or a vCPU for emerg_wr), never concurrently.</param>
    /// <param name="maxQueueSize">QueueNumMax: a power of two.</param>
    public VirtioConsole(Action<ReadOnlySpan<byte>> output, ushort maxQueueSize = 128)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        MaxQueueSize = maxQueueSize;
        _worker = new VirtioWorker("virtio-console", Work, _ => _context?.SetNeedsReset());
    }

    public VirtioDeviceType Type => VirtioDeviceType.Console;

    public ulong DeviceFeatures => FeatureEmergWrite;

    public int QueueCount => 2;

    public ushort MaxQueueSize { get; }

    /// <summary>Bytes of input waiting for receive buffers.</summary>
    public int PendingInput
    {
        get
        {
            lock (_inputLock)
            {
                return _inputEnd - _inputStart;
            }
        }
    }

    /// <summary>
    /// Queues input for the guest and returns how many bytes were accepted (fewer than offered when
    /// <see cref="InputCapacity"/> bytes are already waiting). Thread-safe; never blocks on the guest.
    /// </summary>
    public int EnqueueInput(ReadOnlySpan<byte> data)
    {
        int n;
        lock (_inputLock)
        {
            if (_inputStart > 0 && _input.Length - _inputEnd < data.Length)
            {
                // Compact rather than wrap, so the I/O thread always copies one contiguous run.
                Buffer.BlockCopy(_input, _inputStart, _input, 0, _inputEnd - _inputStart);
                _inputEnd -= _inputStart;
                _inputStart = 0;
            }
            n = Math.Min(data.Length, _input.Length - _inputEnd);
            data[..n].CopyTo(_input.AsSpan(_inputEnd));
            _inputEnd += n;
        }
        if (n > 0)
        {
            _worker.Kick(ReceiveQueue);
        }
        return n;
    }

    public uint ReadConfig(int offset, int size)
    {
        // cols/rows and max_nr_ports are only valid with F_SIZE / F_MULTIPORT; they read as zero.
        return 0;
    }

    public void WriteConfig(int offset, int size, uint value)
    {
        // emerg_wr (5.3.6: the device writes the character to the console). Only a write at its start counts.
        if (offset == EmergWrOffset && size >= 1 && offset < ConfigSize)
        {
            Span<byte> b = [(byte)value];
            lock (_outputLock)
            {
                _output(b);
            }
        }
    }

    public void Activate(VirtioDeviceContext context)
    {
        _context = context;
        _worker.Start();
        _worker.Kick(ReceiveQueue);
        _worker.Kick(TransmitQueue);
    }

    public void Notify(int queue) => _worker.Kick(queue);

    /// <summary>Stops the I/O thread. Buffered input is kept for the next driver.</summary>
    public void Reset()
    {
        _worker.Stop();
        _context = null;
    }

    public void Dispose() => _worker.Dispose();

    public void Quiesce() => _worker.Hold();

    public void Unquiesce() => _worker.Release();

    /// <summary>The input still waiting for receive buffers (output is never buffered).</summary>
    public void SaveState(SnapshotWriter writer)
    {
        lock (_inputLock)
        {
            new VirtioConsoleState(_input.AsSpan(_inputStart, _inputEnd - _inputStart).ToArray()).Write(writer);
        }
    }

    public void RestoreState(SnapshotReader reader)
    {
        var state = VirtioConsoleState.Read(reader);
        lock (_inputLock)
        {
            state.PendingInput.CopyTo(_input, 0);
            _inputStart = 0;
            _inputEnd = state.PendingInput.Length;
        }
        if (state.PendingInput.Length > 0)
        {
            _worker.Kick(ReceiveQueue);
        }
    }

    internal VirtioWorker Worker => _worker;

    private void Work(ulong bits)
    {
        VirtioDeviceContext? ctx = _context;
        if (ctx == null)
        {
            return;
        }
        if ((bits & (1UL << TransmitQueue)) != 0)
        {
            Transmit(ctx);
        }
        if ((bits & (1UL << ReceiveQueue)) != 0)
        {
            Receive(ctx);
        }
    }

    /// <summary>Sends every transmitq buffer's readable bytes to the output (5.3.6.1).</summary>
    private void Transmit(VirtioDeviceContext ctx)
    {
        VirtQueue q = ctx.Queues[TransmitQueue];
        bool used = false;
        while (ctx.TryPop(TransmitQueue, out DescriptorChain chain))
        {
            for (ulong off = 0; off < chain.ReadableLength;)
            {
                int n = chain.CopyFromReadable(off, _txBuffer);
                if (n == 0)
                {
                    break;
                }
                lock (_outputLock)
                {
                    _output(_txBuffer.AsSpan(0, n));
                }
                off += (ulong)n;
            }
            q.AddUsed(chain, 0);
            used = true;
        }
        if (used)
        {
            ctx.SignalUsed(TransmitQueue);
        }
    }

    /// <summary>Moves buffered input into receiveq buffers while both exist (5.3.6.1).</summary>
    private void Receive(VirtioDeviceContext ctx)
    {
        VirtQueue q = ctx.Queues[ReceiveQueue];
        bool used = false;
        while (true)
        {
            lock (_inputLock)
            {
                if (_inputEnd == _inputStart)
                {
                    break;
                }
            }
            if (!ctx.TryPop(ReceiveQueue, out DescriptorChain chain))
            {
                break; // the driver's next kick (or more input) brings us back
            }
            int n;
            lock (_inputLock)
            {
                n = chain.CopyToWritable(0, _input.AsSpan(_inputStart, _inputEnd - _inputStart));
                _inputStart += n;
                if (_inputStart == _inputEnd)
                {
                    _inputStart = _inputEnd = 0;
                }
            }
            q.AddUsed(chain, (uint)n);
            used = true;
        }
        if (used)
        {
            ctx.SignalUsed(ReceiveQueue);
        }
    }
}
