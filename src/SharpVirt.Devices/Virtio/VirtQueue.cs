using System.Runtime.CompilerServices;
using SharpVirt.Memory;

namespace SharpVirt.Devices.Virtio;

/// <summary>
/// The device side of a split virtqueue (virtio 1.2, 2.7): the descriptor table, the available ring (driver
/// area) and the used ring (device area), all in guest memory.
/// </summary>
/// <remarks>
/// <para>
/// The rings are checked once, when the transport enables the queue: each must lie inside one RAM slot and be
/// aligned (2.7 "Alignment requirements"). Descriptors are copied out of guest memory once and then checked, so
/// a driver rewriting them concurrently cannot change what was validated.
/// </para>
/// <para>
/// Thread-safe: one I/O thread pops and completes chains while vCPU threads enable, disable or reset the queue.
/// Pop, completion and the notification decision are serialized by a lock that is never held across I/O.
/// </para>
/// </remarks>
public sealed unsafe class VirtQueue
{
    /// <summary>The largest queue size a split virtqueue may have (2.7).</summary>
    public const ushort MaxSize = 32768;

    /// <summary>VIRTQ_AVAIL_F_NO_INTERRUPT (2.7.6).</summary>
    public const ushort AvailFlagNoInterrupt = 1;

    /// <summary>VIRTQ_USED_F_NO_NOTIFY (2.7.8).</summary>
    public const ushort UsedFlagNoNotify = 1;

    /// <summary>The fewest descriptors an indirect table may be limited to, whatever the queue size (QEMU allows 1024).</summary>
    public const uint MinIndirectLimit = 1024;

    private readonly Lock _lock = new();
    private readonly Stack<DescriptorChain> _pool = new();
    private bool _ready;
    private bool _broken;
    private bool _eventIdx;
    private bool _indirect;
    private byte* _desc;
    private byte* _avail;
    private byte* _used;
    private ushort _lastAvail;
    private ushort _nextUsed;
    private ushort _signalledUsed;

    internal VirtQueue(GuestMemory memory, int index)
    {
        Memory = memory;
        Index = index;
    }

    /// <summary>The queue index (QueueSel).</summary>
    public int Index { get; }

    /// <summary>Guest memory the rings live in.</summary>
    public GuestMemory Memory { get; }

    /// <summary>The queue size negotiated with QueueNum (zero until enabled).</summary>
    public ushort Size { get; private set; }

    /// <summary>Guest-physical address of the descriptor table.</summary>
    public ulong DescriptorTable { get; private set; }

    /// <summary>Guest-physical address of the available ring (driver area).</summary>
    public ulong DriverArea { get; private set; }

    /// <summary>Guest-physical address of the used ring (device area).</summary>
    public ulong DeviceArea { get; private set; }

    /// <summary>True while the queue is enabled and its rings valid.</summary>
    public bool IsReady
    {
        get
        {
            lock (_lock)
            {
                return _ready;
            }
        }
    }

    /// <summary>True once the ring state was found corrupt; the queue then returns nothing until reset.</summary>
    public bool IsBroken
    {
        get
        {
            lock (_lock)
            {
                return _broken;
            }
        }
    }

    /// <summary>
    /// Pops the next available descriptor chain (2.7.13.2 reversed: the device side of "supplying buffers").
    /// Returns false when the driver has made nothing new available, or the queue is not ready.
    /// </summary>
    /// <exception cref="VirtQueueException">
    /// The chain or the ring is malformed: a descriptor outside guest RAM, a loop or a chain longer than allowed,
    /// a bad or nested indirect table, a readable descriptor after a writable one, an out-of-range head or index.
    /// When <see cref="VirtQueueException.Head"/> is set, the chain was consumed and may be failed with
    /// <see cref="AddUsed(ushort, uint)"/>.
    /// </exception>
    public bool TryPop(out DescriptorChain chain)
    {
        chain = null!;
        lock (_lock)
        {
            if (!_ready || _broken)
            {
                return false;
            }
            ushort availIdx = AvailIdx();
            if (availIdx == _lastAvail)
            {
                if (!_eventIdx)
                {
                    return false;
                }
                // Ask to be notified at the next index, then look again so a buffer made available while the
                // driver still saw the old avail_event is not missed (2.7.10).
                SetAvailEvent(_lastAvail);
                Interlocked.MemoryBarrier();
                availIdx = AvailIdx();
                if (availIdx == _lastAvail)
                {
                    return false;
                }
            }
            if ((ushort)(availIdx - _lastAvail) > Size)
            {
                _broken = true;
                throw new VirtQueueException($"queue {Index}: avail idx {availIdx} is more than {Size} ahead of {_lastAvail}");
            }
            // Volatile.Read of idx above is an acquire: the ring entry and descriptors are read after it (2.7.13.3).
            ushort head = Unsafe.ReadUnaligned<ushort>(_avail + 4 + (2 * (_lastAvail & (Size - 1))));
            _lastAvail++;
            if (_eventIdx)
            {
                SetAvailEvent(_lastAvail);
            }
            if (head >= Size)
            {
                _broken = true;
                throw new VirtQueueException($"queue {Index}: head {head} is not below the queue size {Size}");
            }
            DescriptorChain c = _pool.Count > 0 ? _pool.Pop() : new DescriptorChain(Memory);
            c.Pooled = false;
            string? error = Walk(head, c);
            if (error != null)
            {
                c.Pooled = true;
                _pool.Push(c);
                throw new VirtQueueException($"queue {Index}, head {head}: {error}", head);
            }
            chain = c;
            return true;
        }
    }

    /// <summary>
    /// Puts <paramref name="head"/> in the used ring with <paramref name="writtenBytes"/> written (2.7.8), then
    /// publishes the new used idx. Call <see cref="VirtioDeviceContext.SignalUsed"/> afterwards (once per batch).
    /// Ignored when the queue is not ready or the head is out of range.
    /// </summary>
    public void AddUsed(ushort head, uint writtenBytes)
    {
        lock (_lock)
        {
            if (!_ready || head >= Size)
            {
                return;
            }
            byte* e = _used + 4 + (8 * (_nextUsed & (Size - 1)));
            Unsafe.WriteUnaligned(e, (uint)head);
            Unsafe.WriteUnaligned(e + 4, writtenBytes);
            _nextUsed++;
            // Release: the element is visible before the idx that publishes it (2.7.8.2).
            Volatile.Write(ref *(ushort*)(_used + 2), _nextUsed);
        }
    }

    /// <summary>
    /// Like <see cref="AddUsed(ushort, uint)"/> for a popped chain, which goes back to the queue's pool and
    /// must not be used afterwards. <paramref name="writtenBytes"/> is clamped to the writable length.
    /// </summary>
    public void AddUsed(DescriptorChain chain, uint writtenBytes)
    {
        ArgumentNullException.ThrowIfNull(chain);
        AddUsed(chain.Head, (uint)Math.Min(writtenBytes, chain.WritableLength));
        lock (_lock)
        {
            if (!chain.Pooled && _pool.Count < 64 && chain.Memory == Memory)
            {
                chain.Pooled = true;
                _pool.Push(chain);
            }
        }
    }

    /// <summary>
    /// Sets VIRTQ_USED_F_NO_NOTIFY (without EVENT_IDX) to tell the driver not to kick while the device polls.
    /// With EVENT_IDX, <see cref="TryPop"/> manages avail_event and this does nothing (2.7.10).
    /// </summary>
    public void SetNotificationsSuppressed(bool suppressed)
    {
        lock (_lock)
        {
            if (_ready && !_eventIdx)
            {
                Volatile.Write(ref *(ushort*)_used, suppressed ? UsedFlagNoNotify : (ushort)0);
                Interlocked.MemoryBarrier();
            }
        }
    }

    /// <summary>Decides whether the used buffers added since the last notification need one (2.7.10).</summary>
    internal bool NeedsInterrupt()
    {
        lock (_lock)
        {
            if (!_ready)
            {
                return false;
            }
            // The used idx store must be visible before the driver's suppression state is read.
            Interlocked.MemoryBarrier();
            ushort old = _signalledUsed;
            ushort now = _nextUsed;
            _signalledUsed = now;
            if (_eventIdx)
            {
                ushort usedEvent = Volatile.Read(ref *(ushort*)(_avail + 4 + (2 * Size)));
                return (ushort)(now - usedEvent - 1) < (ushort)(now - old);
            }
            return (Volatile.Read(ref *(ushort*)_avail) & AvailFlagNoInterrupt) == 0;
        }
    }

    /// <summary>
    /// Enables the queue with the driver's QueueNum and ring addresses. Returns null on success, else why the
    /// configuration is invalid (the queue then stays disabled).
    /// </summary>
    internal string? Enable(ushort size, ulong desc, ulong driver, ulong device, ulong features)
    {
        if (size == 0 || size > MaxSize || (size & (size - 1)) != 0)
        {
            return $"queue size {size} is not a power of two up to {MaxSize}";
        }
        bool eventIdx = (features & VirtioFeatures.RingEventIdx) != 0;
        ulong descBytes = (ulong)Descriptor.Size * size;
        ulong availBytes = 4 + (2UL * size) + (eventIdx ? 2UL : 0);
        ulong usedBytes = 4 + (8UL * size) + (eventIdx ? 2UL : 0);
        if ((desc & 15) != 0 || (driver & 1) != 0 || (device & 3) != 0)
        {
            return "misaligned ring";
        }
        byte* d = Memory.GetHostPointer(desc, descBytes);
        byte* a = Memory.GetHostPointer(driver, availBytes);
        byte* u = Memory.GetHostPointer(device, usedBytes);
        if (d == null || a == null || u == null)
        {
            return "ring outside guest RAM";
        }
        lock (_lock)
        {
            Size = size;
            DescriptorTable = desc;
            DriverArea = driver;
            DeviceArea = device;
            _desc = d;
            _avail = a;
            _used = u;
            _eventIdx = eventIdx;
            _indirect = (features & VirtioFeatures.RingIndirectDesc) != 0;
            _lastAvail = 0;
            _nextUsed = 0;
            _signalledUsed = 0;
            _broken = false;
            _ready = true;
        }
        return null;
    }

    /// <summary>Disables the queue and forgets its rings (device reset, or QueueReady = 0).</summary>
    internal void Disable()
    {
        lock (_lock)
        {
            _ready = false;
            _broken = false;
            _desc = _avail = _used = null;
            Size = 0;
            DescriptorTable = DriverArea = DeviceArea = 0;
            _lastAvail = _nextUsed = _signalledUsed = 0;
        }
    }

    /// <summary>The device's ring indices (snapshot): next avail entry to pop, next used idx, last used idx signalled.</summary>
    internal VirtQueueIndices SaveIndices()
    {
        lock (_lock)
        {
            return new VirtQueueIndices(_lastAvail, _nextUsed, _signalledUsed, _broken);
        }
    }

    /// <summary>Puts back the indices of an enabled queue (snapshot restore), after <see cref="Enable"/>.</summary>
    internal void RestoreIndices(VirtQueueIndices indices)
    {
        lock (_lock)
        {
            _lastAvail = indices.LastAvail;
            _nextUsed = indices.NextUsed;
            _signalledUsed = indices.SignalledUsed;
            _broken = indices.Broken;
        }
    }

    /// <summary>
    /// Walks the chain at <paramref name="head"/> again without touching the available ring: for a chain the device
    /// had popped and still held when a snapshot was taken (e.g. the balloon's statistics buffer).
    /// </summary>
    /// <exception cref="VirtQueueException">The queue is not ready, or the chain is malformed.</exception>
    internal DescriptorChain Reclaim(ushort head)
    {
        lock (_lock)
        {
            if (!_ready || head >= Size)
            {
                throw new VirtQueueException($"queue {Index}: cannot reclaim head {head} (queue size {Size}, ready {_ready})");
            }
            var c = new DescriptorChain(Memory);
            string? error = Walk(head, c);
            if (error != null)
            {
                throw new VirtQueueException($"queue {Index}, head {head}: {error}", head);
            }
            return c;
        }
    }

    private ushort AvailIdx() => Volatile.Read(ref *(ushort*)(_avail + 2));

    private void SetAvailEvent(ushort value) => Volatile.Write(ref *(ushort*)(_used + 4 + (8 * Size)), value);

    /// <summary>
    /// Follows the chain from <paramref name="head"/> into <paramref name="chain"/>. Returns null, or what is
    /// wrong with it (2.7.5.3.1, 2.7.13.3.1 and 2.7.4.2 driver requirements the device must not trust).
    /// </summary>
    private string? Walk(ushort head, DescriptorChain chain)
    {
        chain.Start(head);
        byte* table = _desc;
        uint tableCount = Size;
        uint limit = Size;
        uint walked = 0;
        bool inIndirect = false;
        bool sawWritable = false;
        uint i = head;
        while (true)
        {
            if (++walked > limit)
            {
                return inIndirect ? "indirect chain loops or is too long" : "chain loops or is longer than the queue";
            }
            Descriptor d = Unsafe.ReadUnaligned<Descriptor>(table + (i * (uint)Descriptor.Size));
            if (d.IsIndirect)
            {
                if (inIndirect)
                {
                    return "nested indirect table";
                }
                if (!_indirect)
                {
                    return "indirect descriptor without VIRTIO_F_INDIRECT_DESC";
                }
                if (d.HasNext)
                {
                    return "indirect descriptor with VIRTQ_DESC_F_NEXT";
                }
                uint count = d.Length / Descriptor.Size;
                if (d.Length == 0 || d.Length % Descriptor.Size != 0 || count > Math.Max((uint)Size, MinIndirectLimit))
                {
                    return $"bad indirect table length {d.Length}";
                }
                byte* t = Memory.GetHostPointer(d.Address, d.Length);
                if (t == null)
                {
                    return $"indirect table 0x{d.Address:x}+0x{d.Length:x} outside guest RAM";
                }
                table = t;
                tableCount = count;
                limit = count;
                walked = 0;
                inIndirect = true;
                i = 0;
                continue;
            }
            if (d.Length != 0)
            {
                if (Memory.GetHostPointer(d.Address, d.Length) == null)
                {
                    return $"buffer 0x{d.Address:x}+0x{d.Length:x} outside guest RAM";
                }
                if (d.IsWriteOnly)
                {
                    sawWritable = true;
                }
                else if (sawWritable)
                {
                    return "readable descriptor after a writable one";
                }
                chain.Add(d.Address, d.Length, d.IsWriteOnly);
            }
            if (!d.HasNext)
            {
                return null;
            }
            i = d.Next;
            if (i >= tableCount)
            {
                return $"next index {i} out of range";
            }
        }
    }
}
