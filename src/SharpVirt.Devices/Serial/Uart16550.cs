using SharpVirt.Devices.Bus;
using SharpVirt.Devices.Interrupts;

namespace SharpVirt.Devices.Serial;

/// <summary>
/// A memory-mapped NS16550A as on QEMU's <c>virt</c> board (device tree:
/// <c>compatible = "ns16550a"</c>, reg-shift 0, reg-io-width 1), connecting
/// <see cref="Uart16550State"/> to an interrupt line and a byte sink.
/// </summary>
/// <remarks>
/// Thread-safe: vCPU threads access registers while an input pump calls
/// <see cref="TryReceive"/>. The transmit callback and the IRQ line are called
/// under the UART's lock, which keeps output ordered; they must not block.
/// When <see cref="TryReceive"/> has refused a byte, <see cref="ReceiveSpaceAvailable"/>
/// is raised (outside the lock) once the guest frees room in the receiver.
/// </remarks>
public sealed class Uart16550 : IMmioDevice
{
    /// <summary>Base address on QEMU's virt board.</summary>
    public const ulong DefaultBase = 0x1000_0000;

    /// <summary>Size of the register window on QEMU's virt board.</summary>
    public const ulong Size = 0x100;

    /// <summary>PLIC source on QEMU's virt board.</summary>
    public const int DefaultIrq = 10;

    /// <summary>Input clock on QEMU's virt board (device tree <c>clock-frequency</c>).</summary>
    public const uint ClockFrequency = 3_686_400;

    private readonly Lock _lock = new();
    private readonly Uart16550State _state = new();
    private readonly IIrqLine _irq;
    private readonly Action<byte> _transmit;
    private bool _irqLevel;
    private bool _receiverStarved;

    /// <summary>Creates a UART.</summary>
    /// <param name="irq">The interrupt output (level, high while IIR reports an interrupt).</param>
    /// <param name="transmit">Receives each byte the guest sends.</param>
    public Uart16550(IIrqLine irq, Action<byte> transmit)
    {
        ArgumentNullException.ThrowIfNull(irq);
        ArgumentNullException.ThrowIfNull(transmit);
        _irq = irq;
        _transmit = transmit;
    }

    /// <summary>
    /// Raised, outside the UART's lock, when the guest frees receiver room
    /// after <see cref="TryReceive"/> had refused a byte.
    /// </summary>
    public event Action? ReceiveSpaceAvailable;

    /// <summary>True when <see cref="TryReceive"/> would accept a byte now.</summary>
    public bool CanReceive
    {
        get
        {
            lock (_lock)
            {
                return !_state.Loopback && _state.RxSpace > 0;
            }
        }
    }

    /// <summary>
    /// Offers one byte of input. Returns false when the receiver is full (or in
    /// loopback); the caller keeps the byte and retries after
    /// <see cref="ReceiveSpaceAvailable"/> or when <see cref="CanReceive"/> is true.
    /// </summary>
    public bool TryReceive(byte value)
    {
        lock (_lock)
        {
            if (!_state.TryReceive(value))
            {
                _receiverStarved = true;
                return false;
            }
            UpdateIrq();
            return true;
        }
    }

    /// <summary>A copy of the register file (snapshot).</summary>
    public Uart16550State SaveState()
    {
        lock (_lock)
        {
            var copy = new Uart16550State();
            copy.CopyFrom(_state);
            return copy;
        }
    }

    /// <summary>Loads a snapshot's register file and drives the interrupt line to match it.</summary>
    public void RestoreState(Uart16550State state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_lock)
        {
            _state.CopyFrom(state);
            _receiverStarved = true; // the host side may have input waiting: tell it when there is room
            _irqLevel = !_state.InterruptPending;
            UpdateIrq();
        }
    }

    /// <inheritdoc />
    public ulong Read(ulong offset, int size)
    {
        // reg-shift 0: each byte offset is a register. Wider accesses reach the
        // register at their offset and return its byte, as QEMU's serial_mm does.
        if (offset >= 8 || size is not (1 or 2 or 4 or 8))
        {
            return 0;
        }
        bool notify;
        byte value;
        lock (_lock)
        {
            value = _state.Read((int)offset);
            UpdateIrq();
            notify = CheckSpaceFreed();
        }
        if (notify)
        {
            ReceiveSpaceAvailable?.Invoke();
        }
        return value;
    }

    /// <inheritdoc />
    public void Write(ulong offset, int size, ulong value)
    {
        if (offset >= 8 || size is not (1 or 2 or 4 or 8))
        {
            return;
        }
        bool notify;
        lock (_lock)
        {
            if (_state.Write((int)offset, (byte)value, out byte transmitted))
            {
                _transmit(transmitted);
            }
            UpdateIrq();
            notify = CheckSpaceFreed();
        }
        if (notify)
        {
            ReceiveSpaceAvailable?.Invoke();
        }
    }

    private void UpdateIrq()
    {
        bool level = _state.InterruptPending;
        if (level != _irqLevel)
        {
            _irqLevel = level;
            _irq.SetLevel(level);
        }
    }

    private bool CheckSpaceFreed()
    {
        if (_receiverStarved && !_state.Loopback && _state.RxSpace > 0)
        {
            _receiverStarved = false;
            return true;
        }
        return false;
    }
}
