using System.Buffers.Binary;
using System.Text;
using SharpVirt.Devices.Storage;
using SharpVirt.Memory;
using SharpVirt.Memory.Snapshot;
using Req = SharpVirt.Devices.Virtio.Block.VirtioBlockRequest;

namespace SharpVirt.Devices.Virtio.Block;

/// <summary>
/// A virtio block device (virtio 1.2, 5.2) backed by an <see cref="IDiskImage"/>: one request queue, served in
/// order on the device's own I/O thread ("virtio-blk"), moving data directly between the image and guest RAM.
/// </summary>
/// <remarks>
/// <para>
/// Requests: IN, OUT, FLUSH, GET_ID, DISCARD and WRITE_ZEROES; anything else is UNSUPP. A request beyond the
/// capacity, a write to a read-only disk, misaligned data, data in the wrong direction, or a host I/O error
/// completes with IOERR. A chain with no room for the status byte, or a malformed ring, sets
/// DEVICE_NEEDS_RESET (2.1.2). Nothing the guest sends makes an exception escape.
/// </para>
/// <para>
/// FLUSH makes every completed write durable (qcow2 metadata, then fdatasync). If the driver did not accept
/// VIRTIO_BLK_F_FLUSH, the device is write-through: each write is flushed before it completes (5.2.6.2).
/// </para>
/// </remarks>
public sealed unsafe class VirtioBlock : IVirtioDevice
{
    /// <summary>The queue size offered (QueueNumMax).</summary>
    public const ushort QueueSize = 256;

    /// <summary>size_max: the largest single segment the driver should send.</summary>
    public const uint MaxSegmentSize = 1 << 20;

    /// <summary>seg_max: the queue size less the header and status descriptors, as QEMU offers.</summary>
    public const uint MaxSegments = QueueSize - 2;

    /// <summary>max_discard_sectors and max_write_zeroes_sectors: 2 GiB less one sector per segment.</summary>
    public const uint MaxDiscardSectors = 0x3f_ffff;

    /// <summary>max_discard_seg and max_write_zeroes_seg.</summary>
    public const uint MaxDiscardSegments = 32;

    private const int IoChunk = 1 << 20; // disk I/O is done in pieces of at most this
    private const int MaxLogLines = 100; // a misbehaving guest must not flood the host's log

    private readonly IDiskImage _disk;
    private readonly byte[] _id = new byte[Req.IdLength];
    private readonly VirtioWorker _worker;
    private readonly Action<string>? _log;
    private readonly ulong _capacitySectors;
    private VirtioDeviceContext? _context;
    private long _ioErrors;
    private int _logLines;

    /// <summary>Creates a block device that owns <paramref name="disk"/> (disposing the device disposes it).</summary>
    /// <param name="disk">The image; a read-only image makes a read-only device (VIRTIO_BLK_F_RO).</param>
    /// <param name="serial">The GET_ID serial, at most 20 bytes of it are used; empty if null.</param>
    /// <param name="log">Receives one line per failed request or malformed queue (host errors, guest bugs).</param>
    public VirtioBlock(IDiskImage disk, string? serial = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(disk);
        _disk = disk;
        _log = log;
        _capacitySectors = disk.Capacity / Req.SectorSize;
        byte[] s = Encoding.ASCII.GetBytes(serial ?? "");
        s.AsSpan(0, Math.Min(s.Length, Req.IdLength)).CopyTo(_id);

        ulong features = VirtioBlockFeatures.SizeMax | VirtioBlockFeatures.SegMax | VirtioBlockFeatures.BlkSize | VirtioBlockFeatures.Flush;
        features |= disk.ReadOnly ? VirtioBlockFeatures.ReadOnly : VirtioBlockFeatures.Discard | VirtioBlockFeatures.WriteZeroes;
        DeviceFeatures = features;
        uint granularity = disk is Qcow2DiskImage q ? (uint)q.ClusterSize : 4096;
        Config = new VirtioBlockConfig
        {
            CapacitySectors = _capacitySectors,
            SizeMaxBytes = MaxSegmentSize,
            SegMaxCount = MaxSegments,
            BlkSizeBytes = Req.SectorSize,
            MaxDiscardSectorsCount = MaxDiscardSectors,
            MaxDiscardSegCount = MaxDiscardSegments,
            DiscardSectorAlignmentSectors = Math.Max(1, granularity / Req.SectorSize),
            MaxWriteZeroesSectorsCount = MaxDiscardSectors,
            MaxWriteZeroesSegCount = MaxDiscardSegments,
            WriteZeroesMayUnmapFlag = true,
        };
        _worker = new VirtioWorker("virtio-blk", Work, OnWorkerError);
    }

    /// <inheritdoc />
    public VirtioDeviceType Type => VirtioDeviceType.Block;

    /// <inheritdoc />
    public ulong DeviceFeatures { get; }

    /// <inheritdoc />
    public int QueueCount => 1;

    /// <inheritdoc />
    public ushort MaxQueueSize => QueueSize;

    /// <summary>The configuration space (5.2.4).</summary>
    public VirtioBlockConfig Config { get; }

    /// <summary>The disk image behind the device.</summary>
    public IDiskImage Disk => _disk;

    /// <summary>Requests that completed with IOERR so far.</summary>
    public long IoErrors => Interlocked.Read(ref _ioErrors);

    /// <inheritdoc />
    public uint ReadConfig(int offset, int size) => Config.Read(offset, size);

    /// <inheritdoc />
    public void WriteConfig(int offset, int size, uint value)
    {
        // Every field this device offers is read-only (writeback needs CONFIG_WCE, which is not offered).
    }

    /// <inheritdoc />
    public void Activate(VirtioDeviceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Volatile.Write(ref _context, context);
        _worker.Start();
        _worker.Kick(0); // buffers made available before DRIVER_OK
    }

    /// <inheritdoc />
    public void Notify(int queue)
    {
        if (queue == 0)
        {
            _worker.Kick(0);
        }
    }

    /// <inheritdoc />
    public void Reset()
    {
        _worker.Stop();
        Volatile.Write(ref _context, null);
    }

    /// <inheritdoc />
    public void Quiesce() => _worker.Hold();

    /// <inheritdoc />
    public void Unquiesce() => _worker.Release();

    /// <summary>
    /// No state of its own (requests complete on the I/O thread, so none is in flight once quiesced); the image is
    /// flushed so that its file holds every write the guest has seen complete. A restore needs that file unchanged.
    /// </summary>
    public void SaveState(SnapshotWriter writer) => _disk.Flush();

    /// <summary>Stops the I/O thread, then flushes and closes the disk image (a failing flush is logged).</summary>
    public void Dispose()
    {
        Reset();
        _worker.Dispose();
        try
        {
            _disk.Dispose();
        }
        catch (Exception e) when (e is IOException or DiskImageException)
        {
            Log($"virtio-blk: closing the disk image failed: {e.Message}");
        }
    }

    private void Work(ulong bits)
    {
        VirtioDeviceContext? ctx = Volatile.Read(ref _context);
        if (ctx == null || !ctx.IsValid || ctx.Queues.Count == 0)
        {
            return;
        }
        VirtQueue q = ctx.Queues[0];
        int completed = 0;
        while (ctx.IsValid && !ctx.NeedsReset)
        {
            DescriptorChain chain;
            try
            {
                if (!q.TryPop(out chain))
                {
                    break;
                }
            }
            catch (VirtQueueException e)
            {
                // A malformed chain or ring is a driver bug: return the chain if there is one, and ask for a reset.
                Log($"virtio-blk: {e.Message}");
                if (e.Head is ushort head)
                {
                    q.AddUsed(head, 0);
                    ctx.SignalUsed(0);
                }
                ctx.SetNeedsReset();
                return;
            }
            uint written = Process(ctx, chain, out bool fatal);
            q.AddUsed(chain, written);
            completed++;
            if (fatal)
            {
                ctx.SignalUsed(0);
                ctx.SetNeedsReset();
                return;
            }
            if (completed % 32 == 0)
            {
                ctx.SignalUsed(0); // don't hold back completions during a long batch
            }
        }
        if (completed % 32 != 0)
        {
            ctx.SignalUsed(0);
        }
    }

    private void OnWorkerError(Exception e)
    {
        Log($"virtio-blk: internal error: {e.Message}");
        Volatile.Read(ref _context)?.SetNeedsReset();
    }

    /// <summary>
    /// Serves one request (5.2.6) and writes its status into the chain's last writable byte. Returns the bytes
    /// written into the chain; <paramref name="fatal"/> when there was no status byte to report through.
    /// </summary>
    private uint Process(VirtioDeviceContext ctx, DescriptorChain chain, out bool fatal)
    {
        fatal = false;
        if (chain.WritableLength == 0)
        {
            Log($"virtio-blk: request {chain.Head} has no status byte");
            fatal = true;
            return 0;
        }
        ulong statusAt = chain.WritableLength - 1;
        ulong dataIn = statusAt;                              // device-writable bytes before the status
        ulong dataOut = chain.ReadableLength >= Req.HeaderSize ? chain.ReadableLength - Req.HeaderSize : 0;
        uint written = 1;
        byte status;
        Span<byte> header = stackalloc byte[Req.HeaderSize];
        if (chain.ReadableLength < Req.HeaderSize || chain.CopyFromReadable(0, header) != Req.HeaderSize)
        {
            status = Fail($"request {chain.Head}: header is {chain.ReadableLength} bytes, not {Req.HeaderSize}");
        }
        else
        {
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
            ulong sector = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
            switch (type)
            {
                case Req.TypeIn:
                    status = dataOut != 0 ? Fail("IN request with device-readable data") : Read(chain, sector, dataIn);
                    written = (uint)Math.Min(dataIn + 1, uint.MaxValue);
                    break;
                case Req.TypeOut:
                    status = dataIn != 0 ? Fail("OUT request with device-writable data") : Write(ctx, chain, sector, dataOut);
                    break;
                case Req.TypeFlush:
                    status = Flush();
                    break;
                case Req.TypeGetId:
                    int n = (int)Math.Min(dataIn, (ulong)Req.IdLength);
                    chain.CopyToWritable(0, _id.AsSpan(0, n));
                    written = (uint)n + 1;
                    status = Req.StatusOk;
                    break;
                case Req.TypeDiscard:
                case Req.TypeWriteZeroes:
                    bool discard = type == Req.TypeDiscard;
                    ulong feature = discard ? VirtioBlockFeatures.Discard : VirtioBlockFeatures.WriteZeroes;
                    if ((DeviceFeatures & feature) == 0 || !ctx.HasFeature(feature))
                    {
                        status = Req.StatusUnsupp;
                    }
                    else
                    {
                        status = dataIn != 0 ? Fail("discard/write-zeroes request with device-writable data") : DiscardOrZero(ctx, chain, dataOut, discard);
                    }
                    break;
                default:
                    status = Req.StatusUnsupp;
                    break;
            }
        }
        chain.CopyToWritable(statusAt, [status]);
        return written;
    }

    /// <summary>True when [sector, sector + bytes/512) lies inside the disk.</summary>
    private bool InRange(ulong sector, ulong bytes) =>
        sector <= _capacitySectors && bytes / Req.SectorSize <= _capacitySectors - sector;

    /// <summary>VIRTIO_BLK_T_IN: disk to the writable data (5.2.6.1: a multiple of 512 bytes).</summary>
    private byte Read(DescriptorChain chain, ulong sector, ulong length)
    {
        if (length % Req.SectorSize != 0)
        {
            return Fail($"read of {length} bytes is not a whole number of sectors");
        }
        if (!InRange(sector, length))
        {
            return Fail($"read of sector {sector} (+{length / Req.SectorSize}) is beyond the capacity of {_capacitySectors}");
        }
        try
        {
            ulong offset = sector * Req.SectorSize;
            var cursor = new SegmentCursor(chain.Writable, 0, length);
            while (cursor.Next(IoChunk, out ulong gpa, out int n))
            {
                _disk.ReadAt(offset, GuestSpan(chain.Memory, gpa, n));
                chain.Memory.NoteWritten(gpa, (ulong)n);
                offset += (ulong)n;
            }
            return Req.StatusOk;
        }
        catch (Exception e)
        {
            return Fail($"read at sector {sector}: {e.Message}");
        }
    }

    /// <summary>VIRTIO_BLK_T_OUT: readable data to the disk; IOERR on a read-only device (5.2.6.2).</summary>
    private byte Write(VirtioDeviceContext ctx, DescriptorChain chain, ulong sector, ulong length)
    {
        if (_disk.ReadOnly)
        {
            return Fail($"write to sector {sector} of a read-only disk");
        }
        if (length % Req.SectorSize != 0)
        {
            return Fail($"write of {length} bytes is not a whole number of sectors");
        }
        if (!InRange(sector, length))
        {
            return Fail($"write of sector {sector} (+{length / Req.SectorSize}) is beyond the capacity of {_capacitySectors}");
        }
        try
        {
            ulong offset = sector * Req.SectorSize;
            var cursor = new SegmentCursor(chain.Readable, Req.HeaderSize, length);
            while (cursor.Next(IoChunk, out ulong gpa, out int n))
            {
                _disk.WriteAt(offset, GuestSpan(chain.Memory, gpa, n));
                offset += (ulong)n;
            }
            FlushIfWriteThrough(ctx);
            return Req.StatusOk;
        }
        catch (Exception e)
        {
            return Fail($"write at sector {sector}: {e.Message}");
        }
    }

    /// <summary>VIRTIO_BLK_T_FLUSH: every completed write reaches stable storage.</summary>
    private byte Flush()
    {
        try
        {
            if (!_disk.ReadOnly)
            {
                _disk.Flush();
            }
            return Req.StatusOk;
        }
        catch (Exception e)
        {
            return Fail($"flush: {e.Message}");
        }
    }

    /// <summary>
    /// VIRTIO_BLK_T_DISCARD and VIRTIO_BLK_T_WRITE_ZEROES: the data is an array of
    /// <c>struct virtio_blk_discard_write_zeroes</c> { le64 sector; le32 num_sectors; le32 flags } (5.2.6).
    /// Every segment is checked before any is done.
    /// </summary>
    private byte DiscardOrZero(VirtioDeviceContext ctx, DescriptorChain chain, ulong length, bool discard)
    {
        string what = discard ? "discard" : "write-zeroes";
        if (_disk.ReadOnly)
        {
            return Fail($"{what} on a read-only disk");
        }
        if (length == 0 || length % Req.DiscardSegmentSize != 0 || length / Req.DiscardSegmentSize > MaxDiscardSegments)
        {
            return Fail($"{what} data of {length} bytes is not 1 to {MaxDiscardSegments} segments");
        }
        int count = (int)(length / Req.DiscardSegmentSize);
        Span<byte> raw = stackalloc byte[count * Req.DiscardSegmentSize];
        if (chain.CopyFromReadable(Req.HeaderSize, raw) != raw.Length)
        {
            return Fail($"{what} segments could not be read");
        }
        for (int i = 0; i < count; i++)
        {
            var seg = raw.Slice(i * Req.DiscardSegmentSize, Req.DiscardSegmentSize);
            ulong sector = BinaryPrimitives.ReadUInt64LittleEndian(seg);
            uint sectors = BinaryPrimitives.ReadUInt32LittleEndian(seg[8..]);
            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(seg[12..]);
            // Unknown flags, and unmap on a discard, are UNSUPP (5.2.6.2).
            if ((flags & ~Req.FlagUnmap) != 0 || (discard && flags != 0))
            {
                return Req.StatusUnsupp;
            }
            if (sectors > MaxDiscardSectors || !InRange(sector, (ulong)sectors * Req.SectorSize))
            {
                return Fail($"{what} of sector {sector} (+{sectors}) is beyond the capacity or the limit");
            }
        }
        try
        {
            for (int i = 0; i < count; i++)
            {
                var seg = raw.Slice(i * Req.DiscardSegmentSize, Req.DiscardSegmentSize);
                ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(seg) * Req.SectorSize;
                ulong bytes = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(seg[8..]) * Req.SectorSize;
                bool unmap = (BinaryPrimitives.ReadUInt32LittleEndian(seg[12..]) & Req.FlagUnmap) != 0;
                if (discard)
                {
                    _disk.Discard(offset, bytes);
                }
                else
                {
                    _disk.WriteZeroes(offset, bytes, unmap);
                }
            }
            FlushIfWriteThrough(ctx);
            return Req.StatusOk;
        }
        catch (Exception e)
        {
            return Fail($"{what}: {e.Message}");
        }
    }

    /// <summary>
    /// Without a negotiated FLUSH the driver expects a write-through device. With it, a completed write must still
    /// survive the VMM being killed, as it would on a raw image: cached image metadata (qcow2 L2/L1 tables) goes
    /// to the host file before the request completes; only durability on the host disk waits for FLUSH.
    /// </summary>
    private void FlushIfWriteThrough(VirtioDeviceContext ctx)
    {
        if (!ctx.HasFeature(VirtioBlockFeatures.Flush))
        {
            _disk.Flush();
        }
        else
        {
            _disk.WriteBack();
        }
    }

    /// <summary>A guest buffer that the queue checked lies inside one RAM slot.</summary>
    private static Span<byte> GuestSpan(GuestMemory memory, ulong gpa, int length)
    {
        byte* p = memory.GetHostPointer(gpa, (ulong)length);
        if (p == null)
        {
            throw new InvalidOperationException($"guest buffer 0x{gpa:x}+0x{length:x} is not RAM");
        }
        return new Span<byte>(p, length);
    }

    private byte Fail(string why)
    {
        Interlocked.Increment(ref _ioErrors);
        Log($"virtio-blk: {why}");
        return Req.StatusIoErr;
    }

    private void Log(string message)
    {
        if (_log == null)
        {
            return;
        }
        int n = Interlocked.Increment(ref _logLines);
        if (n > MaxLogLines + 1)
        {
            return;
        }
        try
        {
            _log(n <= MaxLogLines ? message : "virtio-blk: further messages suppressed");
        }
        catch (Exception)
        {
            // A failing logger must not fail the request.
        }
    }
}
