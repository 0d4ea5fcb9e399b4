using SharpVirt.Devices.Interrupts;
using SharpVirt.Devices.Virtio;
using SharpVirt.Memory;
using R = SharpVirt.Devices.Virtio.VirtioMmioRegisters;

namespace SharpVirt.Tests.Virtio;

/// <summary>
/// Drives a <see cref="VirtioMmioTransport"/> the way Linux's virtio_mmio driver does (reset, ACKNOWLEDGE,
/// DRIVER, features, FEATURES_OK, queue setup, DRIVER_OK), over guest RAM built for the test.
/// </summary>
internal sealed class VirtioTestDriver : IDisposable
{
    public const ulong RamBase = 0x8000_0000;

    private ulong _next;

    public VirtioTestDriver(Func<GuestMemory, IVirtioDevice> createDevice, ulong ramSize = 16 << 20)
    {
        Memory = new GuestMemory();
        Ram = Memory.AddSlot(RamBase, ramSize);
        _next = RamBase + 0x10_0000; // the first MiB is left for the test's own use
        Irq = new IrqLine(high =>
        {
            if (high)
            {
                Interlocked.Increment(ref _irqRaised);
            }
        });
        Device = createDevice(Memory);
        Transport = new VirtioMmioTransport(Device, Memory, Irq);
    }

    private int _irqRaised;

    public GuestMemory Memory { get; }

    public MemorySlot Ram { get; }

    public IrqLine Irq { get; }

    public IVirtioDevice Device { get; private set; }

    public VirtioMmioTransport Transport { get; private set; }

    /// <summary>
    /// Snapshot and restore in place: quiesces the device, saves the transport's state, throws the transport and
    /// device away, and restores the state into a new device (over the same guest RAM, as a restored VM has it).
    /// The driver side (queues in RAM) carries on unchanged. Returns the state that was saved.
    /// </summary>
    public VirtioTransportState SnapshotAndRestore(Func<GuestMemory, IVirtioDevice> createDevice)
    {
        Device.Quiesce();
        VirtioTransportState state = Transport.SaveState();
        Transport.Dispose();
        Device = createDevice(Memory);
        Transport = new VirtioMmioTransport(Device, Memory, Irq);
        Device.Quiesce();
        Transport.RestoreState(state, "test");
        Device.Unquiesce();
        return state;
    }

    public List<TestVirtQueue> Queues { get; } = [];

    /// <summary>How many times the interrupt line went high.</summary>
    public int IrqRaised => Volatile.Read(ref _irqRaised);

    public uint Reg(int offset) => (uint)Transport.Read((ulong)offset, 4);

    public void Reg(int offset, uint value) => Transport.Write((ulong)offset, 4, value);

    public DeviceStatus Status => (DeviceStatus)Reg(R.Status);

    public ulong DeviceFeatures
    {
        get
        {
            Reg(R.DeviceFeaturesSel, 1);
            ulong hi = Reg(R.DeviceFeatures);
            Reg(R.DeviceFeaturesSel, 0);
            return (hi << 32) | Reg(R.DeviceFeatures);
        }
    }

    /// <summary>Bump-allocates zeroed guest RAM.</summary>
    public ulong Alloc(ulong size, ulong align = 16)
    {
        ulong a = (_next + align - 1) & ~(align - 1);
        _next = a + size;
        if (_next > Ram.GuestEnd)
        {
            throw new InvalidOperationException("test guest RAM exhausted");
        }
        return a;
    }

    /// <summary>Reset, ACKNOWLEDGE, DRIVER, feature negotiation and FEATURES_OK (3.1.1 steps 1-6).</summary>
    /// <returns>The negotiated features, or null when the device refused FEATURES_OK.</returns>
    public ulong? Negotiate(Func<ulong, ulong>? choose = null)
    {
        Assert.Equal(0x7472_6976u, Reg(R.MagicValue));
        Assert.Equal(2u, Reg(R.Version));
        Assert.Equal((uint)Device.Type, Reg(R.DeviceId));
        Reg(R.Status, 0);
        Assert.Equal(0u, Reg(R.Status));
        Reg(R.Status, (uint)DeviceStatus.Acknowledge);
        Reg(R.Status, (uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver));
        ulong offered = DeviceFeatures;
        ulong features = choose?.Invoke(offered) ?? offered;
        Reg(R.DriverFeaturesSel, 1);
        Reg(R.DriverFeatures, (uint)(features >> 32));
        Reg(R.DriverFeaturesSel, 0);
        Reg(R.DriverFeatures, (uint)features);
        Reg(R.Status, (uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk));
        return (Status & DeviceStatus.FeaturesOk) != 0 ? features : null;
    }

    /// <summary>Sets up queue <paramref name="index"/> as vm_setup_vq does, with rings in fresh guest RAM.</summary>
    public TestVirtQueue SetupQueue(int index, ushort size, bool eventIdx)
    {
        Reg(R.QueueSel, (uint)index);
        Assert.Equal(0u, Reg(R.QueueReady));
        Assert.True(Reg(R.QueueNumMax) >= size);
        var q = new TestVirtQueue(this, index, size, eventIdx);
        Reg(R.QueueNum, size);
        Reg(R.QueueDescLow, (uint)q.Desc);
        Reg(R.QueueDescHigh, (uint)(q.Desc >> 32));
        Reg(R.QueueDriverLow, (uint)q.Avail);
        Reg(R.QueueDriverHigh, (uint)(q.Avail >> 32));
        Reg(R.QueueDeviceLow, (uint)q.Used);
        Reg(R.QueueDeviceHigh, (uint)(q.Used >> 32));
        Reg(R.QueueReady, 1);
        Assert.Equal(1u, Reg(R.QueueReady));
        Queues.Add(q);
        return q;
    }

    public void DriverOk() =>
        Reg(R.Status, (uint)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk));

    /// <summary>Negotiates all offered features (or <paramref name="choose"/>), sets up queues of <paramref name="size"/>, DRIVER_OK.</summary>
    public void Start(ushort size = 64, Func<ulong, ulong>? choose = null, int? queueCount = null)
    {
        ulong features = Negotiate(choose) ?? throw new InvalidOperationException("FEATURES_OK refused");
        bool eventIdx = (features & VirtioFeatures.RingEventIdx) != 0;
        for (int i = 0; i < (queueCount ?? Device.QueueCount); i++)
        {
            SetupQueue(i, size, eventIdx);
        }
        DriverOk();
        Assert.Equal(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk, Status);
    }

    /// <summary>
    /// Waits for DEVICE_NEEDS_RESET and the configuration-change interrupt that follows it
    /// (the device sets the status bit first, so the status alone can be seen before the interrupt).
    /// </summary>
    public void WaitNeedsResetInterrupt() => WaitUntil(() =>
        (Status & DeviceStatus.DeviceNeedsReset) != 0 && (Reg(R.InterruptStatus) & R.InterruptConfigChange) != 0);

    /// <summary>Reads InterruptStatus and acknowledges it, as vm_interrupt does.</summary>
    public uint AckInterrupt()
    {
        uint s = Reg(R.InterruptStatus);
        Reg(R.InterruptAck, s);
        return s;
    }

    public byte[] ReadRam(ulong gpa, int length)
    {
        var b = new byte[length];
        Assert.True(Memory.TryRead(gpa, b));
        return b;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (the device works on its own thread).</summary>
    public static void WaitUntil(Func<bool> condition, int timeoutMs = 5000)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.ElapsedMilliseconds > timeoutMs)
            {
                throw new TimeoutException("condition not met in time");
            }
            Thread.Sleep(1);
        }
    }

    public void Dispose()
    {
        Transport.Dispose();
        Memory.Dispose();
    }
}

/// <summary>The driver side of a split virtqueue in test guest RAM (virtio 1.2, 2.7).</summary>
internal sealed class TestVirtQueue
{
    private readonly VirtioTestDriver _driver;
    private ushort _nextDesc;
    private ushort _availIdx;
    private ushort _lastUsed;

    public TestVirtQueue(VirtioTestDriver driver, int index, ushort size, bool eventIdx)
    {
        _driver = driver;
        Index = index;
        Size = size;
        Desc = driver.Alloc(16UL * size, 16);
        Avail = driver.Alloc(6UL + (2UL * size), 2);
        Used = driver.Alloc(6UL + (8UL * size), 4);
        EventIdx = eventIdx;
    }

    public int Index { get; }
    public ushort Size { get; }
    public ulong Desc { get; }
    public ulong Avail { get; }
    public ulong Used { get; }
    public bool EventIdx { get; }
    public ushort AvailIdx => _availIdx;

    private GuestMemory M => _driver.Memory;

    public void WriteDescriptor(ushort i, ulong addr, uint len, ushort flags, ushort next) =>
        WriteDescriptorAt(Desc + (16UL * i), addr, len, flags, next);

    public void WriteDescriptorAt(ulong at, ulong addr, uint len, ushort flags, ushort next)
    {
        Assert.True(M.TryWrite(at, addr));
        Assert.True(M.TryWrite(at + 8, len));
        Assert.True(M.TryWrite(at + 12, flags));
        Assert.True(M.TryWrite(at + 14, next));
    }

    /// <summary>Writes a chain of fresh descriptors and returns its head (without making it available).</summary>
    public ushort WriteChain(params (ulong Addr, uint Len, bool Write)[] segments)
    {
        ushort head = _nextDesc;
        for (int i = 0; i < segments.Length; i++)
        {
            ushort d = (ushort)((_nextDesc + i) % Size);
            bool last = i == segments.Length - 1;
            WriteDescriptor(d, segments[i].Addr, segments[i].Len,
                (ushort)((segments[i].Write ? Descriptor.FlagWrite : 0) | (last ? 0 : Descriptor.FlagNext)),
                (ushort)((d + 1) % Size));
        }
        _nextDesc = (ushort)((_nextDesc + segments.Length) % Size);
        return head;
    }

    /// <summary>Puts <paramref name="head"/> in the available ring and publishes the new idx (2.7.13).</summary>
    public void MakeAvailable(ushort head)
    {
        Assert.True(M.TryWrite(Avail + 4 + (2UL * (ulong)(_availIdx % Size)), head));
        _availIdx++;
        Assert.True(M.TryWrite(Avail + 2, _availIdx));
    }

    /// <summary>Sets avail idx directly (hostile tests).</summary>
    public void SetAvailIdx(ushort idx)
    {
        _availIdx = idx;
        Assert.True(M.TryWrite(Avail + 2, idx));
    }

    public ushort Add(params (ulong Addr, uint Len, bool Write)[] segments)
    {
        ushort head = WriteChain(segments);
        MakeAvailable(head);
        return head;
    }

    public void Kick() => _driver.Reg(VirtioMmioRegisters.QueueNotify, (uint)Index);

    public ushort AvailFlags
    {
        set => Assert.True(M.TryWrite(Avail, value));
    }

    /// <summary>used_event, after the available ring (2.7.6).</summary>
    public ushort UsedEvent
    {
        set => Assert.True(M.TryWrite(Avail + 4 + (2UL * Size), value));
    }

    /// <summary>avail_event, after the used ring (2.7.8).</summary>
    public ushort AvailEvent => Read16(Used + 4 + (8UL * Size));

    public ushort UsedFlags => Read16(Used);

    public ushort UsedIdx => Read16(Used + 2);

    public bool TryGetUsed(out uint id, out uint len)
    {
        id = len = 0;
        if (UsedIdx == _lastUsed)
        {
            return false;
        }
        ulong e = Used + 4 + (8UL * (ulong)(_lastUsed % Size));
        Assert.True(M.TryRead(e, out id));
        Assert.True(M.TryRead(e + 4, out len));
        _lastUsed++;
        return true;
    }

    /// <summary>Waits for the next used element.</summary>
    public (uint Id, uint Len) WaitUsed(int timeoutMs = 5000)
    {
        uint id = 0, len = 0;
        VirtioTestDriver.WaitUntil(() => TryGetUsed(out id, out len), timeoutMs);
        return (id, len);
    }

    private ushort Read16(ulong gpa)
    {
        Assert.True(M.TryRead(gpa, out ushort v));
        return v;
    }
}
