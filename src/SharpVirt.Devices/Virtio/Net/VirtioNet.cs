using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using SharpVirt.Devices.Network;
using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Devices.Virtio.Net;

/// <summary>
/// A virtio network card (virtio 1.2, 5.1) with one receive/transmit queue pair, joined to an
/// <see cref="INetBackend"/>. It offers MAC (the address in config), STATUS (link state, LINK_UP) and,
/// unless turned off, MRG_RXBUF; no checksum or segmentation offloads, so frames are complete on both sides.
/// </summary>
/// <remarks>
/// <para>All queue work runs on the device's <see cref="VirtioWorker"/> thread: vCPU notifications only kick
/// it, and the backend's receive thread only queues a copy of the frame (up to <see cref="RxBacklogLimit"/>
/// while the driver has no receive buffers; then frames are dropped, as a NIC does when its ring is full).</para>
/// <para>Transmit strips the header and sends the frame; receive writes the header (num_buffers set) and the
/// frame into the driver's buffers. A malformed chain whose head is known is returned unused with nothing
/// written; a broken ring sets DEVICE_NEEDS_RESET. No exception escapes to the transport.</para>
/// </remarks>
public sealed class VirtioNet : IVirtioDevice
{
    /// <summary>receiveq1 and transmitq1 (5.1.2).</summary>
    public const int ReceiveQueue = 0, TransmitQueue = 1;

    /// <summary>QueueNumMax, as QEMU's default rx/tx queue size.</summary>
    public const ushort QueueSize = 256;

    /// <summary>Received frames held while the driver has no buffers; more are dropped.</summary>
    public const int RxBacklogLimit = 256;

    /// <summary>Most buffers one received frame may be merged over before it is dropped.</summary>
    public const int MaxMergedBuffers = 64;

    private const int TxBatch = 256; // transmit chains handled before receive gets a turn
    private const int KickRx = 0, KickTx = 1, KickBackend = 2;

    private readonly INetBackend _backend;
    private readonly bool _ownsBackend;
    private readonly VirtioWorker _worker;
    private readonly MacAddress _mac;
    private readonly bool _offerMergeable;
    private readonly ConcurrentQueue<(byte[] Buffer, int Length)> _rxBacklog = new();
    private readonly List<DescriptorChain> _rxReserved = [];
    private readonly byte[] _txBuffer = new byte[INetBackend.MaxFrameSize];
    private readonly byte[] _header = new byte[VirtioNetHeader.Size];
    private volatile VirtioDeviceContext? _context;
    private volatile bool _linkUp = true;
    private volatile bool _broken;
    private volatile bool _disposed;
    private int _rxBacklogCount;
    private ulong _rxReservedCapacity;
    private int _headerSize = VirtioNetHeader.Size;
    private bool _mergeable;
    private long _rxFrames, _rxDropped, _txFrames, _txDropped, _malformed;

    /// <summary>Creates the card and starts <paramref name="backend"/>, whose frames it then receives.</summary>
    /// <param name="backend">The host side; disposed with the card when <paramref name="ownsBackend"/>.</param>
    /// <param name="mac">The card's address, reported in config (e.g. <see cref="MacAddress.Default"/>).</param>
    /// <param name="mergeableRxBuffers">Offer VIRTIO_NET_F_MRG_RXBUF.</param>
    public VirtioNet(INetBackend backend, MacAddress mac, bool mergeableRxBuffers = true, bool ownsBackend = true)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (mac.IsMulticast)
            throw new ArgumentException($"{mac} is a multicast address", nameof(mac));
        _backend = backend;
        _ownsBackend = ownsBackend;
        _mac = mac;
        _offerMergeable = mergeableRxBuffers;
        _worker = new VirtioWorker("virtio-net", Work, Failed);
        backend.Start(OnBackendFrame);
    }

    public VirtioDeviceType Type => VirtioDeviceType.Net;

    public ulong DeviceFeatures =>
        VirtioNetFeatures.Mac | VirtioNetFeatures.Status | (_offerMergeable ? VirtioNetFeatures.MrgRxBuf : 0);

    public int QueueCount => 2;

    public ushort MaxQueueSize => QueueSize;

    public MacAddress Mac => _mac;

    public INetBackend Backend => _backend;

    /// <summary>
    /// The link state in the status field. Changing it sends a configuration change notification; while the
    /// link is down, transmitted frames are consumed and dropped and received ones are dropped.
    /// </summary>
    public bool LinkUp
    {
        get => _linkUp;
        set
        {
            if (_linkUp == value || _disposed)
                return;
            _linkUp = value;
            var ctx = _context;
            if (ctx != null && ctx.HasFeature(VirtioNetFeatures.Status))
                ctx.SignalConfigChange();
            if (value)
                _worker.Kick(KickRx);
        }
    }

    /// <summary>Frames written into the driver's receive buffers.</summary>
    public long RxFrames => Interlocked.Read(ref _rxFrames);

    /// <summary>Received frames dropped: device not active, link down, backlog full, buffer too small.</summary>
    public long RxDropped => Interlocked.Read(ref _rxDropped);

    /// <summary>Transmitted frames the backend accepted.</summary>
    public long TxFrames => Interlocked.Read(ref _txFrames);

    /// <summary>Transmitted frames dropped: bad length, link down, backend refused.</summary>
    public long TxDropped => Interlocked.Read(ref _txDropped);

    /// <summary>Malformed chains returned unused, and broken rings.</summary>
    public long MalformedChains => Interlocked.Read(ref _malformed);

    public uint ReadConfig(int offset, int size)
    {
        Span<byte> config = stackalloc byte[VirtioNetConfig.Size];
        config.Clear();
        _mac.CopyTo(config[VirtioNetConfig.MacOffset..]);
        BinaryPrimitives.WriteUInt16LittleEndian(config[VirtioNetConfig.StatusOffset..], _linkUp ? VirtioNetConfig.StatusLinkUp : (ushort)0);
        BinaryPrimitives.WriteUInt16LittleEndian(config[VirtioNetConfig.MaxVirtqueuePairsOffset..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(config[VirtioNetConfig.MtuOffset..], VirtioNetConfig.DefaultMtu);
        return VirtioConfigSpace.Read(config, offset, size);
    }

    /// <summary>The config is read-only for a VERSION_1 driver (5.1.4.2); writes are ignored.</summary>
    public void WriteConfig(int offset, int size, uint value)
    {
    }

    public void Activate(VirtioDeviceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_disposed)
            return;
        _mergeable = context.HasFeature(VirtioNetFeatures.MrgRxBuf);
        _headerSize = _mergeable || context.HasFeature(VirtioFeatures.Version1) ? VirtioNetHeader.Size : VirtioNetHeader.LegacySize;
        _broken = false;
        _context = context;
        _worker.Start();
        _worker.Kick(KickRx);
        _worker.Kick(KickTx);
    }

    public void Notify(int queue)
    {
        if (_disposed)
            return;
        if (queue == ReceiveQueue)
            _worker.Kick(KickRx);
        else if (queue == TransmitQueue)
            _worker.Kick(KickTx);
    }

    public void Reset()
    {
        _context = null;
        if (!_worker.IsCurrentThread)
            _worker.Stop();
        _rxReserved.Clear();
        _rxReservedCapacity = 0;
        DropBacklog();
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Reset();
        if (_ownsBackend)
            _backend.Dispose();
        _worker.Dispose();
        DropBacklog();
    }

    public void Quiesce() => _worker.Hold();

    public void Unquiesce() => _worker.Release();

    /// <summary>
    /// The link state and the receive buffers reserved for a frame that did not fit yet. Frames waiting in the
    /// host-side backlog are not saved: a restored VM has lost them, as a network may.
    /// </summary>
    public void SaveState(SnapshotWriter writer) =>
        new VirtioNetState(_linkUp, [.. _rxReserved.Select(c => c.Head)]).Write(writer);

    public void RestoreState(SnapshotReader reader)
    {
        var state = VirtioNetState.Read(reader);
        _linkUp = state.LinkUp;
        _rxReserved.Clear();
        _rxReservedCapacity = 0;
        if (state.ReservedHeads.Length == 0)
            return;
        var ctx = _context ?? throw reader.Bad("reserved receive buffers on a card the driver has not started");
        foreach (ushort head in state.ReservedHeads)
        {
            var chain = ctx.Queues[ReceiveQueue].Reclaim(head);
            _rxReserved.Add(chain);
            _rxReservedCapacity += chain.WritableLength;
        }
    }

    /// <summary>On the backend's thread: keep a copy for the worker, or drop it.</summary>
    private void OnBackendFrame(ReadOnlySpan<byte> frame)
    {
        if (_context == null || !_linkUp || _disposed || frame.Length == 0 || frame.Length > INetBackend.MaxFrameSize)
        {
            Interlocked.Increment(ref _rxDropped);
            return;
        }
        if (Interlocked.Increment(ref _rxBacklogCount) > RxBacklogLimit)
        {
            Interlocked.Decrement(ref _rxBacklogCount);
            Interlocked.Increment(ref _rxDropped);
            return;
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(frame.Length);
        frame.CopyTo(buffer);
        _rxBacklog.Enqueue((buffer, frame.Length));
        _worker.Kick(KickBackend);
    }

    private void Work(ulong bits)
    {
        var ctx = _context;
        if (ctx == null || !ctx.IsValid || _broken)
            return;
        if ((bits & (1UL << KickTx)) != 0)
            Transmit(ctx);
        if (!_broken && !_rxBacklog.IsEmpty)
            Receive(ctx);
    }

    /// <summary>An unexpected failure on the worker: the device stops until the driver resets it.</summary>
    private void Failed(Exception e)
    {
        Interlocked.Increment(ref _malformed);
        Break(_context);
    }

    private void Break(VirtioDeviceContext? ctx)
    {
        _broken = true;
        ctx?.SetNeedsReset();
    }

    /// <summary>Handles a <see cref="VirtQueueException"/>: fails the request if its head is known; false if the ring is broken.</summary>
    private bool Reject(VirtioDeviceContext ctx, VirtQueue queue, VirtQueueException e)
    {
        Interlocked.Increment(ref _malformed);
        if (e.Head is ushort head)
        {
            queue.AddUsed(head, 0);
            return true;
        }
        Break(ctx);
        return false;
    }

    private void Transmit(VirtioDeviceContext ctx)
    {
        var queue = ctx.Queues[TransmitQueue];
        int handled = 0;
        while (handled < TxBatch)
        {
            DescriptorChain chain;
            try
            {
                if (!queue.TryPop(out chain))
                    break;
            }
            catch (VirtQueueException e)
            {
                handled++;
                if (!Reject(ctx, queue, e))
                    break;
                continue;
            }
            handled++;
            int length = ReadTxFrame(chain);
            queue.AddUsed(chain, 0);
            if (length > 0 && _linkUp && _backend.Send(_txBuffer.AsSpan(0, length)))
                Interlocked.Increment(ref _txFrames);
            else
                Interlocked.Increment(ref _txDropped);
        }
        if (handled > 0)
            ctx.SignalUsed(TransmitQueue);
        if (handled == TxBatch)
            _worker.Kick(KickTx); // more may be waiting: come back after receive had its turn
    }

    /// <summary>Copies the frame after the header into the transmit buffer; its length, or -1 if unusable.</summary>
    private int ReadTxFrame(DescriptorChain chain)
    {
        ulong total = chain.ReadableLength;
        if (total <= (ulong)_headerSize || total - (ulong)_headerSize > INetBackend.MaxFrameSize)
            return -1;
        int length = (int)(total - (ulong)_headerSize);
        return chain.CopyFromReadable((ulong)_headerSize, _txBuffer.AsSpan(0, length)) == length ? length : -1;
    }

    private enum RxResult
    {
        Delivered,
        Dropped,
        NoBuffers,
        Broken,
    }

    private void Receive(VirtioDeviceContext ctx)
    {
        var queue = ctx.Queues[ReceiveQueue];
        int used = 0;
        while (_rxBacklog.TryPeek(out var frame))
        {
            RxResult result = !_linkUp ? RxResult.Dropped
                : _mergeable ? DeliverMerged(ctx, queue, frame.Buffer.AsSpan(0, frame.Length), ref used)
                : DeliverSingle(ctx, queue, frame.Buffer.AsSpan(0, frame.Length), ref used);
            if (result is RxResult.NoBuffers or RxResult.Broken)
                break; // keep the frame until the driver adds buffers (it kicks the queue)
            Interlocked.Increment(ref result == RxResult.Delivered ? ref _rxFrames : ref _rxDropped);
            Dequeue();
        }
        if (used > 0)
            ctx.SignalUsed(ReceiveQueue);
    }

    /// <summary>Pops a receive buffer, returning malformed ones; false when none is left or the ring broke.</summary>
    private bool TryPopRx(VirtioDeviceContext ctx, VirtQueue queue, ref int used, out DescriptorChain chain, out bool broken)
    {
        broken = false;
        while (true)
        {
            try
            {
                return queue.TryPop(out chain);
            }
            catch (VirtQueueException e)
            {
                chain = null!;
                if (!Reject(ctx, queue, e))
                {
                    broken = true;
                    return false;
                }
                used++;
            }
        }
    }

    /// <summary>Without MRG_RXBUF: header and frame in one buffer (5.1.6.3.1), else the frame is dropped.</summary>
    private RxResult DeliverSingle(VirtioDeviceContext ctx, VirtQueue queue, ReadOnlySpan<byte> frame, ref int used)
    {
        if (!TryPopRx(ctx, queue, ref used, out var chain, out bool broken))
            return broken ? RxResult.Broken : RxResult.NoBuffers;
        used++;
        int need = _headerSize + frame.Length;
        if (chain.WritableLength < (ulong)need)
        {
            queue.AddUsed(chain, 0);
            return RxResult.Dropped;
        }
        VirtioNetHeader.ForReceive(1).Write(_header.AsSpan(0, _headerSize));
        bool ok = chain.CopyToWritable(0, _header.AsSpan(0, _headerSize)) == _headerSize
            && chain.CopyToWritable((ulong)_headerSize, frame) == frame.Length;
        queue.AddUsed(chain, ok ? (uint)need : 0);
        return ok ? RxResult.Delivered : RxResult.Dropped;
    }

    /// <summary>
    /// With MRG_RXBUF: as many buffers as the frame needs, num_buffers in the first header (5.1.6.4). Buffers
    /// popped before the driver ran out stay reserved for this frame until it adds more.
    /// </summary>
    private RxResult DeliverMerged(VirtioDeviceContext ctx, VirtQueue queue, ReadOnlySpan<byte> frame, ref int used)
    {
        ulong need = (ulong)(_headerSize + frame.Length);
        while (_rxReservedCapacity < need)
        {
            if (_rxReserved.Count == MaxMergedBuffers)
            {
                ReturnReserved(queue, ref used);
                return RxResult.Dropped;
            }
            if (!TryPopRx(ctx, queue, ref used, out var chain, out bool broken))
                return broken ? RxResult.Broken : RxResult.NoBuffers;
            if (chain.WritableLength == 0 || (_rxReserved.Count == 0 && chain.WritableLength < (ulong)_headerSize))
            {
                // The first buffer must hold the whole header (5.1.6.3.1); an empty one holds nothing.
                Interlocked.Increment(ref _malformed);
                queue.AddUsed(chain, 0);
                used++;
                continue;
            }
            _rxReserved.Add(chain);
            _rxReservedCapacity += chain.WritableLength;
        }

        VirtioNetHeader.ForReceive((ushort)_rxReserved.Count).Write(_header.AsSpan(0, _headerSize));
        bool ok = true;
        int done = 0;
        for (int i = 0; i < _rxReserved.Count; i++)
        {
            var chain = _rxReserved[i];
            int offset = 0;
            if (i == 0)
            {
                ok &= chain.CopyToWritable(0, _header.AsSpan(0, _headerSize)) == _headerSize;
                offset = _headerSize;
            }
            int take = (int)Math.Min(chain.WritableLength - (ulong)offset, (ulong)(frame.Length - done));
            ok &= chain.CopyToWritable((ulong)offset, frame.Slice(done, take)) == take;
            done += take;
            queue.AddUsed(chain, (uint)(offset + take));
            used++;
        }
        _rxReserved.Clear();
        _rxReservedCapacity = 0;
        return ok ? RxResult.Delivered : RxResult.Dropped;
    }

    private void ReturnReserved(VirtQueue queue, ref int used)
    {
        foreach (var chain in _rxReserved)
        {
            queue.AddUsed(chain, 0);
            used++;
        }
        _rxReserved.Clear();
        _rxReservedCapacity = 0;
    }

    private void Dequeue()
    {
        if (_rxBacklog.TryDequeue(out var frame))
        {
            Interlocked.Decrement(ref _rxBacklogCount);
            ArrayPool<byte>.Shared.Return(frame.Buffer);
        }
    }

    private void DropBacklog()
    {
        while (_rxBacklog.TryDequeue(out var frame))
        {
            Interlocked.Decrement(ref _rxBacklogCount);
            Interlocked.Increment(ref _rxDropped);
            ArrayPool<byte>.Shared.Return(frame.Buffer);
        }
    }
}
