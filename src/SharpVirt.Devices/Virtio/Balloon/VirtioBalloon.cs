using System.Runtime.InteropServices;
using SharpVirt.Memory;
using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Devices.Virtio.Balloon;

/// <summary>
/// The traditional memory balloon (virtio 1.2, 5.5). The host sets a target with <see cref="SetTargetPages"/>;
/// the driver inflates by handing pages over (which the device returns to the host with the memory slot's
/// Discard, i.e. madvise(MADV_DONTNEED)) and deflates by taking them back. Also: memory statistics
/// (VIRTIO_BALLOON_F_STATS_VQ), free page reporting (VIRTIO_BALLOON_F_REPORTING: reported ranges are discarded
/// too) and VIRTIO_BALLOON_F_DEFLATE_ON_OOM. Queue work runs on the device's I/O thread.
/// </summary>
public sealed class VirtioBalloon : IVirtioDevice
{
    /// <summary>VIRTIO_BALLOON_F_MUST_TELL_HOST (0). Not offered: deflated pages need no host action.</summary>
    public const ulong FeatureMustTellHost = 1UL << 0;

    /// <summary>VIRTIO_BALLOON_F_STATS_VQ (1): a statistics virtqueue.</summary>
    public const ulong FeatureStatsVq = 1UL << 1;

    /// <summary>VIRTIO_BALLOON_F_DEFLATE_ON_OOM (2): the guest may deflate when it runs out of memory.</summary>
    public const ulong FeatureDeflateOnOom = 1UL << 2;

    /// <summary>VIRTIO_BALLOON_F_FREE_PAGE_HINT (3). Not offered (it serves migration).</summary>
    public const ulong FeatureFreePageHint = 1UL << 3;

    /// <summary>VIRTIO_BALLOON_F_PAGE_POISON (4). Not offered.</summary>
    public const ulong FeaturePagePoison = 1UL << 4;

    /// <summary>VIRTIO_BALLOON_F_REPORTING (5): free page reporting virtqueue.</summary>
    public const ulong FeatureReporting = 1UL << 5;

    /// <summary>The balloon's page size: PFNs are in 4 KiB units whatever the guest's page size (5.5.6).</summary>
    public const int PageSize = 4096;

    private const int PageShift = 12;
    private const int NumPagesOffset = 0;
    private const int ActualOffset = 4;
    private const int ConfigSize = 16; // num_pages, actual, free_page_hint_cmd_id, poison_val (5.5.4)
    private const int MaxStats = 64;
    private const int StatSize = 10; // struct virtio_balloon_stat { le16 tag; le64 val; } packed

    private readonly Lock _configLock = new();
    private readonly byte[] _config = new byte[ConfigSize];
    private readonly VirtioWorker _worker;
    private readonly Dictionary<MemorySlot, ulong[]> _inflated = [];
    private readonly int[] _queueOfRole = new int[RoleCount];
    private readonly byte[] _statsBuffer = new byte[MaxStats * StatSize];
    private volatile VirtioDeviceContext? _context;
    private Role[] _roles = [];
    private DescriptorChain? _statsChain;
    private long _inflatedPages;
    private long _reportedBytes;
    private volatile BalloonStats? _latestStats;

    /// <summary>Creates the balloon with the given optional features.</summary>
    public VirtioBalloon(bool statsQueue = true, bool freePageReporting = true, bool deflateOnOom = true, ushort maxQueueSize = 128)
    {
        DeviceFeatures = (statsQueue ? FeatureStatsVq : 0) | (freePageReporting ? FeatureReporting : 0) | (deflateOnOom ? FeatureDeflateOnOom : 0);
        QueueCount = 2 + (statsQueue ? 1 : 0) + (freePageReporting ? 1 : 0);
        MaxQueueSize = maxQueueSize;
        _worker = new VirtioWorker("virtio-balloon", Work, _ => _context?.SetNeedsReset());
    }

    private enum Role
    {
        Inflate,
        Deflate,
        Stats,
        Reporting,
        StatsRequest, // not a queue: the host asked for fresh statistics
    }

    private const int RoleCount = 5;

    /// <summary>Raised on the I/O thread when the driver delivered new statistics.</summary>
    public event Action<BalloonStats>? StatsUpdated;

    /// <summary>Raised on a vCPU thread when the driver wrote <c>actual</c>.</summary>
    public event Action<uint>? ActualPagesChanged;

    public VirtioDeviceType Type => VirtioDeviceType.Balloon;

    public ulong DeviceFeatures { get; }

    /// <summary>inflateq, deflateq, then statsq and reporting_vq when offered (5.5.2).</summary>
    public int QueueCount { get; }

    public ushort MaxQueueSize { get; }

    /// <summary>The target balloon size in 4 KiB pages (<c>num_pages</c>).</summary>
    public uint TargetPages => ReadConfigField(NumPagesOffset);

    /// <summary>The target balloon size in bytes; setting it rounds down to whole pages.</summary>
    public ulong TargetBytes
    {
        get => (ulong)TargetPages << PageShift;
        set => SetTargetPages((uint)Math.Min(value >> PageShift, uint.MaxValue));
    }

    /// <summary>The balloon size the driver reports in <c>actual</c>, in 4 KiB pages.</summary>
    public uint ActualPages => ReadConfigField(ActualOffset);

    /// <summary>Distinct pages currently inflated (given to the host and not deflated since).</summary>
    public long InflatedPages => Interlocked.Read(ref _inflatedPages);

    /// <summary>Bytes discarded because free page reporting reported them, in total.</summary>
    public long ReportedBytes => Interlocked.Read(ref _reportedBytes);

    /// <summary>The statistics the driver sent last, or null.</summary>
    public BalloonStats? LatestStats => _latestStats;

    /// <summary>Asks the balloon to hold <paramref name="pages"/> 4 KiB pages, and tells the driver (5.5.6.1).</summary>
    public void SetTargetPages(uint pages)
    {
        lock (_configLock)
        {
            if (ReadConfigField(NumPagesOffset) == pages)
            {
                return;
            }
            VirtioConfigSpace.Write(_config, NumPagesOffset, 4, pages);
        }
        _context?.SignalConfigChange();
    }

    /// <summary>
    /// Asks the driver for fresh statistics by returning the stats buffer it left with the device (5.5.6.3).
    /// Returns false when no stats queue is active; the answer arrives later in <see cref="LatestStats"/>.
    /// </summary>
    public bool RequestStats()
    {
        VirtioDeviceContext? ctx = _context;
        if (ctx == null || !ctx.HasFeature(FeatureStatsVq))
        {
            return false;
        }
        _worker.Kick((int)Role.StatsRequest);
        return true;
    }

    public uint ReadConfig(int offset, int size)
    {
        lock (_configLock)
        {
            return VirtioConfigSpace.Read(_config, offset, size);
        }
    }

    public void WriteConfig(int offset, int size, uint value)
    {
        // Only actual is driver-writable (5.5.4); num_pages and the optional fields ignore writes.
        uint actual;
        lock (_configLock)
        {
            if (!VirtioConfigSpace.Overlaps(offset, size, ActualOffset, 4))
            {
                return;
            }
            Span<byte> scratch = stackalloc byte[ConfigSize];
            _config.CopyTo(scratch);
            VirtioConfigSpace.Write(scratch, offset, size, value);
            scratch.Slice(ActualOffset, 4).CopyTo(_config.AsSpan(ActualOffset));
            actual = VirtioConfigSpace.Read(_config, ActualOffset, 4);
        }
        ActualPagesChanged?.Invoke(actual);
    }

    public void Activate(VirtioDeviceContext context)
    {
        // Queues are numbered in order, skipping those whose feature was not negotiated (as Linux's find_vqs).
        var roles = new List<Role> { Role.Inflate, Role.Deflate };
        if (context.HasFeature(FeatureStatsVq))
        {
            roles.Add(Role.Stats);
        }
        if (context.HasFeature(FeatureReporting))
        {
            roles.Add(Role.Reporting);
        }
        Array.Fill(_queueOfRole, -1);
        for (int i = 0; i < roles.Count; i++)
        {
            _queueOfRole[(int)roles[i]] = i;
        }
        _roles = [.. roles];
        _context = context;
        _worker.Start();
        foreach (Role r in roles)
        {
            _worker.Kick((int)r);
        }
    }

    public void Notify(int queue)
    {
        Role[] roles = _roles;
        if ((uint)queue < (uint)roles.Length)
        {
            _worker.Kick((int)roles[queue]);
        }
    }

    /// <summary>Stops the I/O thread. The guest gets all its memory back, so the inflated count drops to zero.</summary>
    public void Reset()
    {
        _worker.Stop();
        _context = null;
        _roles = [];
        _statsChain = null;
        _inflated.Clear();
        Interlocked.Exchange(ref _inflatedPages, 0);
        lock (_configLock)
        {
            VirtioConfigSpace.Write(_config, ActualOffset, 4, 0);
        }
    }

    public void Dispose() => _worker.Dispose();

    public void Quiesce() => _worker.Hold();

    public void Unquiesce() => _worker.Release();

    /// <summary>The config (target and actual), which pages are inflated, and the statistics buffer the device holds.</summary>
    public void SaveState(SnapshotWriter writer)
    {
        uint target, actual;
        lock (_configLock)
        {
            target = VirtioConfigSpace.Read(_config, NumPagesOffset, 4);
            actual = VirtioConfigSpace.Read(_config, ActualOffset, 4);
        }
        var inflated = _inflated.Select(kv => new BalloonInflatedMap(kv.Key.GuestBase, (ulong[])kv.Value.Clone())).ToArray();
        new VirtioBalloonState(target, actual, _statsChain?.Head, inflated).Write(writer);
    }

    public void RestoreState(SnapshotReader reader)
    {
        var state = VirtioBalloonState.Read(reader);
        lock (_configLock)
        {
            VirtioConfigSpace.Write(_config, NumPagesOffset, 4, state.TargetPages);
            VirtioConfigSpace.Write(_config, ActualOffset, 4, state.ActualPages);
        }
        VirtioDeviceContext? ctx = _context;
        _inflated.Clear();
        _statsChain = null;
        long pages = 0;
        if ((state.Inflated.Length > 0 || state.StatsHead is not null) && ctx == null)
        {
            throw reader.Bad("inflated pages or a held statistics buffer on a balloon the driver has not started");
        }
        foreach (var map in state.Inflated)
        {
            MemorySlot? slot = ctx!.Memory.FindSlot(map.SlotBase);
            if (slot == null || slot.GuestBase != map.SlotBase || map.Bitmap.Length != (int)((slot.Size / PageSize + 63) / 64))
            {
                throw reader.Bad($"inflated pages for a memory slot at 0x{map.SlotBase:x} that this VM does not have");
            }
            _inflated[slot] = map.Bitmap;
            pages += map.Bitmap.Sum(w => (long)ulong.PopCount(w));
        }
        Interlocked.Exchange(ref _inflatedPages, pages);
        if (state.StatsHead is ushort head)
        {
            int queue = _queueOfRole[(int)Role.Stats];
            if (queue < 0)
            {
                throw reader.Bad("a held statistics buffer without a statistics queue");
            }
            _statsChain = ctx!.Queues[queue].Reclaim(head);
        }
    }

    internal VirtioWorker Worker => _worker;

    private uint ReadConfigField(int offset)
    {
        lock (_configLock)
        {
            return VirtioConfigSpace.Read(_config, offset, 4);
        }
    }

    private void Work(ulong bits)
    {
        VirtioDeviceContext? ctx = _context;
        if (ctx == null)
        {
            return;
        }
        if ((bits & (1UL << (int)Role.Inflate)) != 0)
        {
            ProcessPfnQueue(ctx, _queueOfRole[(int)Role.Inflate], inflate: true);
        }
        if ((bits & (1UL << (int)Role.Deflate)) != 0)
        {
            ProcessPfnQueue(ctx, _queueOfRole[(int)Role.Deflate], inflate: false);
        }
        if ((bits & (1UL << (int)Role.Stats)) != 0)
        {
            ReceiveStats(ctx);
        }
        if ((bits & (1UL << (int)Role.StatsRequest)) != 0)
        {
            ReturnStatsBuffer(ctx);
        }
        if ((bits & (1UL << (int)Role.Reporting)) != 0)
        {
            ProcessReports(ctx);
        }
    }

    /// <summary>inflateq / deflateq buffers are arrays of le32 page frame numbers (5.5.6.1, 5.5.6.2).</summary>
    private void ProcessPfnQueue(VirtioDeviceContext ctx, int queue, bool inflate)
    {
        if (queue < 0)
        {
            return;
        }
        VirtQueue q = ctx.Queues[queue];
        Span<uint> pfns = stackalloc uint[256];
        Span<byte> bytes = MemoryMarshal.AsBytes(pfns);
        bool used = false;
        while (ctx.TryPop(queue, out DescriptorChain chain))
        {
            var run = default(DiscardRun);
            for (ulong off = 0; off < chain.ReadableLength;)
            {
                int n = chain.CopyFromReadable(off, bytes) / sizeof(uint);
                if (n == 0)
                {
                    break;
                }
                off += (ulong)n * sizeof(uint);
                foreach (uint pfn in pfns[..n])
                {
                    ulong gpa = (ulong)pfn << PageShift;
                    MemorySlot? slot = ctx.Memory.FindSlot(gpa);
                    if (slot == null || !slot.Contains(gpa, PageSize))
                    {
                        continue; // not RAM: nothing to give back
                    }
                    if (inflate)
                    {
                        if (SetBit(slot, gpa, true))
                        {
                            Interlocked.Increment(ref _inflatedPages);
                        }
                        run = run.Extend(slot, gpa);
                    }
                    else if (SetBit(slot, gpa, false))
                    {
                        Interlocked.Decrement(ref _inflatedPages);
                    }
                }
            }
            run.Flush();
            // Pages are given back before the buffer is used: the driver may rely on it (5.5.6.1).
            q.AddUsed(chain, 0);
            used = true;
        }
        if (used)
        {
            ctx.SignalUsed(queue);
        }
    }

    /// <summary>Records <paramref name="gpa"/>'s page as inflated or not; returns true when that changed it.</summary>
    private bool SetBit(MemorySlot slot, ulong gpa, bool inflated)
    {
        if (!_inflated.TryGetValue(slot, out ulong[]? map))
        {
            if (!inflated)
            {
                return false;
            }
            map = new ulong[(slot.Size / PageSize + 63) / 64];
            _inflated[slot] = map;
        }
        ulong page = (gpa - slot.GuestBase) >> PageShift;
        ulong mask = 1UL << (int)(page & 63);
        ref ulong word = ref map[page >> 6];
        bool was = (word & mask) != 0;
        word = inflated ? word | mask : word & ~mask;
        return was != inflated;
    }

    /// <summary>The driver (re)filled its stats buffer: read it and keep the buffer for the next request (5.5.6.3).</summary>
    private void ReceiveStats(VirtioDeviceContext ctx)
    {
        int queue = _queueOfRole[(int)Role.Stats];
        if (queue < 0)
        {
            return;
        }
        while (ctx.TryPop(queue, out DescriptorChain chain))
        {
            if (_statsChain != null)
            {
                // A driver should not queue a second buffer; give the older one back rather than leak it.
                ctx.Queues[queue].AddUsed(_statsChain, 0);
                ctx.SignalUsed(queue);
            }
            _statsChain = chain;
            int n = chain.CopyFromReadable(0, _statsBuffer) / StatSize;
            var values = new Dictionary<BalloonStatTag, ulong>(n);
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<byte> e = _statsBuffer.AsSpan(i * StatSize, StatSize);
                values[(BalloonStatTag)BitConverter.ToUInt16(e)] = BitConverter.ToUInt64(e[2..]);
            }
            var stats = new BalloonStats(DateTimeOffset.UtcNow, values);
            _latestStats = stats;
            StatsUpdated?.Invoke(stats);
        }
    }

    private void ReturnStatsBuffer(VirtioDeviceContext ctx)
    {
        int queue = _queueOfRole[(int)Role.Stats];
        if (queue < 0 || _statsChain == null)
        {
            return;
        }
        ctx.Queues[queue].AddUsed(_statsChain, 0);
        _statsChain = null;
        ctx.SignalUsed(queue);
    }

    /// <summary>Each reporting_vq buffer element is a free guest range to discard (5.5.6.6).</summary>
    private void ProcessReports(VirtioDeviceContext ctx)
    {
        int queue = _queueOfRole[(int)Role.Reporting];
        if (queue < 0)
        {
            return;
        }
        bool used = false;
        while (ctx.TryPop(queue, out DescriptorChain chain))
        {
            Report(ctx, chain.Readable);
            Report(ctx, chain.Writable);
            ctx.Queues[queue].AddUsed(chain, 0);
            used = true;
        }
        if (used)
        {
            ctx.SignalUsed(queue);
        }
    }

    private void Report(VirtioDeviceContext ctx, ReadOnlySpan<BufferSegment> segments)
    {
        foreach (BufferSegment s in segments)
        {
            // Only whole pages inside the range can go; the chain check put the range inside one slot.
            ulong start = (s.Address + PageSize - 1) & ~(ulong)(PageSize - 1);
            ulong end = (s.Address + s.Length) & ~(ulong)(PageSize - 1);
            if (end <= start)
            {
                continue;
            }
            MemorySlot? slot = ctx.Memory.FindSlot(start);
            if (slot != null && slot.Discard(start, end - start))
            {
                Interlocked.Add(ref _reportedBytes, (long)(end - start));
            }
        }
    }

    /// <summary>A run of contiguous pages in one slot, discarded with one madvise.</summary>
    private readonly struct DiscardRun
    {
        private readonly MemorySlot? _slot;
        private readonly ulong _start;
        private readonly ulong _length;

        private DiscardRun(MemorySlot slot, ulong start, ulong length)
        {
            _slot = slot;
            _start = start;
            _length = length;
        }

        public DiscardRun Extend(MemorySlot slot, ulong gpa)
        {
            if (_slot == slot && gpa == _start + _length)
            {
                return new DiscardRun(slot, _start, _length + PageSize);
            }
            Flush();
            return new DiscardRun(slot, gpa, PageSize);
        }

        public void Flush() => _slot?.Discard(_start, _length);
    }
}
