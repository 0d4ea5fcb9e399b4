using SharpVirt.Devices.Bus;
using SharpVirt.Devices.Interrupts;
using SharpVirt.Memory;
using SharpVirt.Memory.Snapshot;
using R = SharpVirt.Devices.Virtio.VirtioMmioRegisters;

namespace SharpVirt.Devices.Virtio;

/// <summary>
/// The virtio-mmio transport, version 2 (virtio 1.2, 4.2): the register file through which a driver finds,
/// negotiates with, configures and notifies an <see cref="IVirtioDevice"/>, and the interrupt line it uses.
/// </summary>
/// <remarks>
/// <para>
/// Status and reset follow 2.1 and 3.1: FEATURES_OK sticks only for an acceptable feature subset that includes
/// VERSION_1; DRIVER_OK enables the queues (each checked to be a power of two inside guest RAM, else
/// DEVICE_NEEDS_RESET) and activates the device; writing 0 resets everything. Writes in the wrong state, of
/// the wrong width, or to read-only registers are ignored, and nothing the guest writes makes Read or Write
/// throw.
/// </para>
/// <para>
/// Thread-safe: vCPU threads access registers under one lock; the device's I/O thread raises interrupts and
/// DEVICE_NEEDS_RESET without taking it, so <see cref="IVirtioDevice.Reset"/> may wait for that thread.
/// </para>
/// </remarks>
public sealed class VirtioMmioTransport : IMmioDevice, IDisposable, IVirtioTransport
{
    /// <summary>Size of the register window (QEMU maps 0x200 per virtio-mmio device).</summary>
    public const ulong WindowSize = 0x200;

    private readonly Lock _lock = new();
    private readonly Lock _irqLock = new();
    private readonly IVirtioDevice _device;
    private readonly GuestMemory _memory;
    private readonly IIrqLine _irq;
    private readonly VirtQueue[] _queues;
    private readonly QueueRegisters[] _queueRegs;
    private readonly ulong _offeredFeatures;
    private VirtioDeviceContext? _context;
    private uint _deviceFeaturesSel;
    private uint _driverFeaturesSel;
    private ulong _driverFeatures;
    private uint _queueSel;
    private uint _status;
    private uint _interruptStatus;
    private uint _configGeneration;
    private bool _disposed;

    /// <summary>Creates a transport for <paramref name="device"/>, which it then owns (and disposes).</summary>
    public VirtioMmioTransport(IVirtioDevice device, GuestMemory memory, IIrqLine irq)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(irq);
        int count = device.QueueCount;
        if (count < 0 || count > 1024)
        {
            throw new ArgumentException($"unsupported queue count {count}", nameof(device));
        }
        _device = device;
        _memory = memory;
        _irq = irq;
        _offeredFeatures = device.DeviceFeatures | VirtioFeatures.Transport;
        _queues = new VirtQueue[count];
        _queueRegs = new QueueRegisters[count];
        for (int i = 0; i < count; i++)
        {
            _queues[i] = new VirtQueue(memory, i);
        }
    }

    /// <summary>The device behind this transport.</summary>
    public IVirtioDevice Device => _device;

    /// <summary>The features offered to the driver: the device's plus <see cref="VirtioFeatures.Transport"/>.</summary>
    public ulong OfferedFeatures => _offeredFeatures;

    /// <summary>The device status register.</summary>
    public DeviceStatus Status => (DeviceStatus)Volatile.Read(ref _status);

    /// <summary>The InterruptStatus register.</summary>
    public uint InterruptStatus => Volatile.Read(ref _interruptStatus);

    /// <summary>The queues, for inspection (their state is driven by the registers).</summary>
    public IReadOnlyList<VirtQueue> Queues => _queues;

    /// <inheritdoc />
    public ulong Read(ulong offset, int size)
    {
        if (offset >= R.Config)
        {
            return offset < WindowSize ? ReadConfig((int)(offset - R.Config), size) : 0;
        }
        if (size != 4 || (offset & 3) != 0)
        {
            return 0;
        }
        lock (_lock)
        {
            return ReadRegister((int)offset);
        }
    }

    /// <inheritdoc />
    public void Write(ulong offset, int size, ulong value)
    {
        if (offset >= R.Config)
        {
            if (offset < WindowSize)
            {
                WriteConfig((int)(offset - R.Config), size, value);
            }
            return;
        }
        if (size != 4 || (offset & 3) != 0)
        {
            return;
        }
        lock (_lock)
        {
            if (!_disposed)
            {
                WriteRegister((int)offset, (uint)value);
            }
        }
    }

    /// <summary>
    /// Resets the transport and device as a driver writing 0 to Status does (2.4); for a machine reset or
    /// reboot, so the device stops using the old guest's rings before the new guest starts.
    /// </summary>
    public void Reset()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                ResetLocked();
            }
        }
    }

    /// <summary>
    /// Captures the registers, the queues and the device's own state (snapshot). The device must be quiesced
    /// (<see cref="IVirtioDevice.Quiesce"/>) and the vCPUs stopped, so that nothing moves the rings meanwhile.
    /// </summary>
    public VirtioTransportState SaveState()
    {
        lock (_lock)
        {
            var queues = new VirtioQueueState[_queues.Length];
            for (int i = 0; i < queues.Length; i++)
            {
                QueueRegisters q = _queueRegs[i];
                queues[i] = new VirtioQueueState(q.Num, q.Ready, q.Desc, q.Driver, q.Device, _queues[i].SaveIndices());
            }
            var device = new SnapshotWriter();
            _device.SaveState(device);
            return new VirtioTransportState(_device.Type, _deviceFeaturesSel, _driverFeaturesSel, _driverFeatures, _queueSel,
                Volatile.Read(ref _status), Volatile.Read(ref _interruptStatus), Volatile.Read(ref _configGeneration), queues, device.ToArray());
        }
    }

    /// <summary>
    /// Loads a snapshot's state into this (freshly built, quiesced) transport: registers, queues with their
    /// indices, the device activated again if the driver had set DRIVER_OK, the device's own state, and the
    /// interrupt line. A state that does not fit this device throws <see cref="SnapshotFormatException"/>.
    /// </summary>
    public void RestoreState(VirtioTransportState state, string slotName)
    {
        ArgumentNullException.ThrowIfNull(state);
        string where = $"section {slotName}";
        if (state.DeviceType != _device.Type)
        {
            throw new SnapshotFormatException($"{where}: it holds a {state.DeviceType} device where this VM has {_device.Type}");
        }
        if (state.Queues.Length != _queues.Length)
        {
            throw new SnapshotFormatException($"{where}: {state.Queues.Length} queues where the device has {_queues.Length}");
        }
        if ((state.DriverFeatures & ~_offeredFeatures) != 0)
        {
            throw new SnapshotFormatException($"{where}: the driver's features 0x{state.DriverFeatures:x} are not all offered (0x{_offeredFeatures:x})");
        }
        lock (_lock)
        {
            ResetLocked();
            _deviceFeaturesSel = state.DeviceFeaturesSel;
            _driverFeaturesSel = state.DriverFeaturesSel;
            _driverFeatures = state.DriverFeatures;
            _queueSel = state.QueueSel;
            for (int i = 0; i < _queues.Length; i++)
            {
                VirtioQueueState q = state.Queues[i];
                _queueRegs[i] = new QueueRegisters { Num = q.Num, Ready = q.Ready, Desc = q.Desc, Driver = q.Driver, Device = q.Device };
            }
            var status = (DeviceStatus)(state.Status & 0xff);
            Volatile.Write(ref _status, (uint)status);
            Volatile.Write(ref _configGeneration, state.ConfigGeneration);
            if ((status & (DeviceStatus.DriverOk | DeviceStatus.DeviceNeedsReset | DeviceStatus.Failed)) == DeviceStatus.DriverOk)
            {
                for (int i = 0; i < _queues.Length; i++)
                {
                    ref QueueRegisters q = ref _queueRegs[i];
                    if (!q.Ready)
                    {
                        continue;
                    }
                    string? error = q.Num > _device.MaxQueueSize ? $"queue size {q.Num} above {_device.MaxQueueSize}"
                        : _queues[i].Enable((ushort)q.Num, q.Desc, q.Driver, q.Device, _driverFeatures);
                    if (error != null)
                    {
                        throw new SnapshotFormatException($"{where}: queue {i}: {error}");
                    }
                    _queues[i].RestoreIndices(state.Queues[i].Indices);
                }
                var context = new VirtioDeviceContext(this, _memory, _driverFeatures, _queues);
                _context = context;
                _device.Activate(context);
            }
            var reader = new SnapshotReader(state.DeviceState, slotName);
            try
            {
                _device.RestoreState(reader);
            }
            catch (VirtQueueException e)
            {
                throw new SnapshotFormatException($"{where}: {e.Message}", e);
            }
            reader.ExpectEnd();
            lock (_irqLock)
            {
                _interruptStatus = state.InterruptStatus & (R.InterruptUsedBuffer | R.InterruptConfigChange);
                _irq.SetLevel(_interruptStatus != 0);
            }
        }
    }

    /// <summary>Resets the device and releases it.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            ResetLocked();
            _disposed = true;
        }
        _device.Dispose();
    }

    private uint ReadRegister(int offset)
    {
        switch (offset)
        {
            case R.MagicValue:
                return VirtioMmioEmptySlot.MagicValue;
            case R.Version:
                return VirtioMmioEmptySlot.Version;
            case R.DeviceId:
                return (uint)_device.Type;
            case R.VendorId:
                return VirtioMmioEmptySlot.VendorId;
            case R.DeviceFeatures:
                return _deviceFeaturesSel switch
                {
                    0 => (uint)_offeredFeatures,
                    1 => (uint)(_offeredFeatures >> 32),
                    _ => 0,
                };
            case R.QueueNumMax:
                return _queueSel < (uint)_queues.Length ? _device.MaxQueueSize : 0u;
            case R.QueueReady:
                return _queueSel < (uint)_queues.Length && _queueRegs[_queueSel].Ready ? 1u : 0u;
            case R.InterruptStatus:
                return Volatile.Read(ref _interruptStatus);
            case R.Status:
                return Volatile.Read(ref _status);
            case R.ShmLenLow:
            case R.ShmLenHigh:
            case R.ShmBaseLow:
            case R.ShmBaseHigh:
                return uint.MaxValue; // no shared memory regions: length reads as -1 (4.2.2)
            case R.ConfigGeneration:
                return Volatile.Read(ref _configGeneration);
            default:
                return 0;
        }
    }

    private void WriteRegister(int offset, uint value)
    {
        var status = (DeviceStatus)Volatile.Read(ref _status);
        switch (offset)
        {
            case R.DeviceFeaturesSel:
                _deviceFeaturesSel = value;
                break;
            case R.DriverFeaturesSel:
                _driverFeaturesSel = value;
                break;
            case R.DriverFeatures:
                // Features are accepted between DRIVER and FEATURES_OK (3.1.1 steps 4-5).
                if ((status & (DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.Failed)) == DeviceStatus.Driver)
                {
                    if (_driverFeaturesSel == 0)
                    {
                        _driverFeatures = (_driverFeatures & ~0xffff_ffffUL) | value;
                    }
                    else if (_driverFeaturesSel == 1)
                    {
                        _driverFeatures = (_driverFeatures & 0xffff_ffffUL) | ((ulong)value << 32);
                    }
                }
                break;
            case R.QueueSel:
                _queueSel = value;
                break;
            case R.QueueNum:
            case R.QueueDescLow:
            case R.QueueDescHigh:
            case R.QueueDriverLow:
            case R.QueueDriverHigh:
            case R.QueueDeviceLow:
            case R.QueueDeviceHigh:
                if (CanConfigureQueue(status))
                {
                    WriteQueueRegister(ref _queueRegs[_queueSel], offset, value);
                }
                break;
            case R.QueueReady:
                WriteQueueReady(status, value);
                break;
            case R.QueueNotify:
                if ((status & (DeviceStatus.DriverOk | DeviceStatus.DeviceNeedsReset | DeviceStatus.Failed)) == DeviceStatus.DriverOk
                    && value < (uint)_queues.Length && _queueRegs[value].Ready)
                {
                    _device.Notify((int)value);
                }
                break;
            case R.InterruptAck:
                lock (_irqLock)
                {
                    _interruptStatus &= ~value;
                    _irq.SetLevel(_interruptStatus != 0);
                }
                break;
            case R.Status:
                WriteStatus(status, (DeviceStatus)(value & 0xff));
                break;
            default:
                break; // read-only or unimplemented: ignored
        }
    }

    /// <summary>Queue registers may be written after FEATURES_OK, before DRIVER_OK, while the queue is not ready (4.2.3.2).</summary>
    private bool CanConfigureQueue(DeviceStatus status) =>
        (status & (DeviceStatus.FeaturesOk | DeviceStatus.DriverOk | DeviceStatus.Failed | DeviceStatus.DeviceNeedsReset)) == DeviceStatus.FeaturesOk
        && _queueSel < (uint)_queues.Length
        && !_queueRegs[_queueSel].Ready;

    private static void WriteQueueRegister(ref QueueRegisters q, int offset, uint value)
    {
        switch (offset)
        {
            case R.QueueNum:
                q.Num = value;
                break;
            case R.QueueDescLow:
                q.Desc = SetLow(q.Desc, value);
                break;
            case R.QueueDescHigh:
                q.Desc = SetHigh(q.Desc, value);
                break;
            case R.QueueDriverLow:
                q.Driver = SetLow(q.Driver, value);
                break;
            case R.QueueDriverHigh:
                q.Driver = SetHigh(q.Driver, value);
                break;
            case R.QueueDeviceLow:
                q.Device = SetLow(q.Device, value);
                break;
            case R.QueueDeviceHigh:
                q.Device = SetHigh(q.Device, value);
                break;
        }
    }

    private void WriteQueueReady(DeviceStatus status, uint value)
    {
        if (_queueSel >= (uint)_queues.Length)
        {
            return;
        }
        if ((value & 1) == 0)
        {
            // Stopping a queue (4.2.2: the driver writes 0 and reads it back).
            _queueRegs[_queueSel].Ready = false;
            _queues[_queueSel].Disable();
        }
        else if (CanConfigureQueue(status))
        {
            _queueRegs[_queueSel].Ready = true;
        }
    }

    private void WriteStatus(DeviceStatus old, DeviceStatus value)
    {
        if (value == DeviceStatus.None)
        {
            ResetLocked();
            return;
        }
        // DEVICE_NEEDS_RESET is the device's to set; the driver never clears a bit except by reset (2.1.2).
        value &= ~DeviceStatus.DeviceNeedsReset;
        if ((value & old & ~DeviceStatus.DeviceNeedsReset) != (old & ~DeviceStatus.DeviceNeedsReset))
        {
            return;
        }
        DeviceStatus added = value & ~old;
        if ((added & DeviceStatus.Driver) != 0 && (value & DeviceStatus.Acknowledge) == 0)
        {
            added &= ~DeviceStatus.Driver;
        }
        if ((added & DeviceStatus.FeaturesOk) != 0 && !FeaturesAcceptable(value))
        {
            added &= ~(DeviceStatus.FeaturesOk | DeviceStatus.DriverOk);
        }
        bool activate = false;
        if ((added & DeviceStatus.DriverOk) != 0)
        {
            DeviceStatus needed = DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk;
            if (((old | added) & needed) != needed || ((old | added) & (DeviceStatus.Failed | DeviceStatus.DeviceNeedsReset)) != 0)
            {
                added &= ~DeviceStatus.DriverOk;
            }
            else
            {
                activate = true;
            }
        }
        Interlocked.Or(ref _status, (uint)added);
        if (activate)
        {
            Activate();
        }
    }

    /// <summary>The driver's features are a subset of the offer and include VERSION_1 (2.2.1, 6.1).</summary>
    private bool FeaturesAcceptable(DeviceStatus value) =>
        (value & (DeviceStatus.Acknowledge | DeviceStatus.Driver)) == (DeviceStatus.Acknowledge | DeviceStatus.Driver)
        && (_driverFeatures & ~_offeredFeatures) == 0
        && (_driverFeatures & VirtioFeatures.Version1) != 0;

    private void Activate()
    {
        ulong features = _driverFeatures;
        for (int i = 0; i < _queues.Length; i++)
        {
            ref QueueRegisters q = ref _queueRegs[i];
            if (q.Ready && (q.Num > _device.MaxQueueSize || _queues[i].Enable((ushort)q.Num, q.Desc, q.Driver, q.Device, features) != null))
            {
                MarkNeedsReset();
                return;
            }
        }
        var context = new VirtioDeviceContext(this, _memory, features, _queues);
        _context = context;
        try
        {
            _device.Activate(context);
        }
        catch (Exception)
        {
            // A device that cannot start is a device that needs a reset (2.1.2), not a crashed vCPU.
            MarkNeedsReset();
        }
    }

    private void ResetLocked()
    {
        _context?.Invalidate();
        _context = null;
        try
        {
            _device.Reset();
        }
        catch (Exception)
        {
            // The device is stopped either way; a guest-triggered reset must not take the vCPU down.
        }
        foreach (VirtQueue q in _queues)
        {
            q.Disable();
        }
        Array.Clear(_queueRegs);
        _deviceFeaturesSel = 0;
        _driverFeaturesSel = 0;
        _driverFeatures = 0;
        _queueSel = 0;
        Volatile.Write(ref _status, 0);
        lock (_irqLock)
        {
            _interruptStatus = 0;
            _irq.SetLevel(false);
        }
    }

    private ulong ReadConfig(int offset, int size)
    {
        try
        {
            return size switch
            {
                1 or 2 or 4 => _device.ReadConfig(offset, size),
                8 => _device.ReadConfig(offset, 4) | ((ulong)_device.ReadConfig(offset + 4, 4) << 32),
                _ => 0,
            };
        }
        catch (Exception)
        {
            return 0;
        }
    }

    private void WriteConfig(int offset, int size, ulong value)
    {
        try
        {
            switch (size)
            {
                case 1 or 2 or 4:
                    _device.WriteConfig(offset, size, (uint)value);
                    break;
                case 8:
                    _device.WriteConfig(offset, 4, (uint)value);
                    _device.WriteConfig(offset + 4, 4, (uint)(value >> 32));
                    break;
            }
        }
        catch (Exception)
        {
            // Config writes are the device's business; a misbehaving one must not crash the vCPU.
        }
    }

    void IVirtioTransport.RaiseUsedBuffer() => Raise(R.InterruptUsedBuffer);

    void IVirtioTransport.RaiseConfigChange()
    {
        Interlocked.Increment(ref _configGeneration);
        Raise(R.InterruptConfigChange);
    }

    void IVirtioTransport.MarkNeedsReset() => MarkNeedsReset();

    private void MarkNeedsReset()
    {
        uint old = Interlocked.Or(ref _status, (uint)DeviceStatus.DeviceNeedsReset);
        if ((old & (uint)DeviceStatus.DeviceNeedsReset) == 0 && (old & (uint)DeviceStatus.DriverOk) != 0)
        {
            Raise(R.InterruptConfigChange);
        }
    }

    private void Raise(uint bits)
    {
        lock (_irqLock)
        {
            _interruptStatus |= bits;
            _irq.SetLevel(true);
        }
    }

    private static ulong SetLow(ulong v, uint low) => (v & ~0xffff_ffffUL) | low;

    private static ulong SetHigh(ulong v, uint high) => (v & 0xffff_ffffUL) | ((ulong)high << 32);

    private struct QueueRegisters
    {
        public uint Num;
        public bool Ready;
        public ulong Desc;
        public ulong Driver;
        public ulong Device;
    }
}
