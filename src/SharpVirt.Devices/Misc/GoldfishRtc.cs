using SharpVirt.Devices.Bus;
using SharpVirt.Devices.Interrupts;

namespace SharpVirt.Devices.Misc;

/// <summary>
/// The Goldfish real-time clock (<c>compatible = "google,goldfish-rtc"</c>) as
/// on QEMU's <c>virt</c> board: a 64-bit nanosecond count since the Unix epoch
/// and one alarm. Registers are 32 bits wide; see the Android emulator's
/// GOLDFISH-VIRTUAL-HARDWARE.TXT and Linux's drivers/rtc/rtc-goldfish.c.
/// </summary>
/// <remarks>
/// Reading TIME_LOW latches the high half for the next TIME_HIGH read.
/// Guest writes to the time registers shift a private offset, leaving the
/// host clock alone. A pending alarm is served by a <see cref="Timer"/>.
/// The IRQ line is high while an alarm interrupt is pending and enabled.
/// </remarks>
public sealed class GoldfishRtc : IMmioDevice, IDisposable
{
    /// <summary>Base address on QEMU's virt board.</summary>
    public const ulong DefaultBase = 0x10_1000;

    /// <summary>Size of the register window.</summary>
    public const ulong Size = 0x1000;

    /// <summary>PLIC source on QEMU's virt board.</summary>
    public const int DefaultIrq = 11;

    /// <summary>Register: low 32 bits of the time; reading latches the high half.</summary>
    public const ulong TimeLow = 0x00;

    /// <summary>Register: high 32 bits of the time, as latched by TIME_LOW.</summary>
    public const ulong TimeHigh = 0x04;

    /// <summary>Register: low 32 bits of the alarm; writing arms the alarm.</summary>
    public const ulong AlarmLow = 0x08;

    /// <summary>Register: high 32 bits of the alarm.</summary>
    public const ulong AlarmHigh = 0x0c;

    /// <summary>Register: bit 0 enables the alarm interrupt.</summary>
    public const ulong IrqEnabled = 0x10;

    /// <summary>Register: write to disarm the alarm.</summary>
    public const ulong ClearAlarm = 0x14;

    /// <summary>Register: 1 while an alarm is armed.</summary>
    public const ulong AlarmStatus = 0x18;

    /// <summary>Register: write to acknowledge the alarm interrupt.</summary>
    public const ulong ClearInterrupt = 0x1c;

    private readonly Lock _lock = new();
    private readonly IIrqLine _irq;
    private readonly Func<long> _clock;
    private readonly Timer _timer;
    private long _offset;
    private uint _timeHighLatch;
    private ulong _alarm;
    private bool _alarmRunning;
    private bool _irqPending;
    private bool _irqEnabled;
    private bool _irqLevel;
    private bool _disposed;

    /// <summary>Creates the RTC.</summary>
    /// <param name="irq">The interrupt output.</param>
    /// <param name="clock">
    /// Nanoseconds since the Unix epoch; defaults to the host's UTC clock.
    /// </param>
    public GoldfishRtc(IIrqLine irq, Func<long>? clock = null)
    {
        ArgumentNullException.ThrowIfNull(irq);
        _irq = irq;
        _clock = clock ?? HostNanoseconds;
        _timer = new Timer(static s => ((GoldfishRtc)s!).CheckAlarm(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>The host's wall clock in nanoseconds since the Unix epoch.</summary>
    public static long HostNanoseconds() =>
        (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>Captures the offset, latch, alarm and interrupt state (snapshot).</summary>
    public GoldfishRtcState SaveState()
    {
        lock (_lock)
        {
            return new GoldfishRtcState(_offset, _timeHighLatch, _alarm, _alarmRunning, _irqPending, _irqEnabled);
        }
    }

    /// <summary>Loads a snapshot's state: an armed alarm is armed again (and fires at once if its time has passed).</summary>
    public void RestoreState(GoldfishRtcState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_lock)
        {
            _offset = state.Offset;
            _timeHighLatch = state.TimeHighLatch;
            _alarm = state.Alarm;
            _irqPending = state.IrqPending;
            _irqEnabled = state.IrqEnabled;
            _irqLevel = !(_irqPending && _irqEnabled);
            UpdateIrq();
            if (state.AlarmRunning)
            {
                ArmAlarm();
            }
            else
            {
                StopAlarm();
            }
        }
    }

    /// <inheritdoc />
    public ulong Read(ulong offset, int size)
    {
        if (size != 4)
        {
            return 0;
        }
        lock (_lock)
        {
            switch (offset)
            {
                case TimeLow:
                    {
                        ulong now = Now();
                        _timeHighLatch = (uint)(now >> 32);
                        return (uint)now;
                    }
                case TimeHigh:
                    return _timeHighLatch;
                case AlarmLow:
                    return (uint)_alarm;
                case AlarmHigh:
                    return (uint)(_alarm >> 32);
                case IrqEnabled:
                    return _irqEnabled ? 1u : 0u;
                case AlarmStatus:
                    return _alarmRunning ? 1u : 0u;
                default:
                    return 0;
            }
        }
    }

    /// <inheritdoc />
    public void Write(ulong offset, int size, ulong value)
    {
        if (size != 4)
        {
            return;
        }
        uint v = (uint)value;
        lock (_lock)
        {
            switch (offset)
            {
                case TimeLow:
                    {
                        ulong now = Now();
                        _offset += (long)(((now & 0xFFFF_FFFF_0000_0000) | v) - now);
                        break;
                    }
                case TimeHigh:
                    {
                        ulong now = Now();
                        _offset += (long)(((ulong)v << 32 | (now & 0xFFFF_FFFF)) - now);
                        break;
                    }
                case AlarmLow:
                    _alarm = (_alarm & 0xFFFF_FFFF_0000_0000) | v;
                    ArmAlarm();
                    break;
                case AlarmHigh:
                    _alarm = ((ulong)v << 32) | (_alarm & 0xFFFF_FFFF);
                    break;
                case IrqEnabled:
                    _irqEnabled = (v & 1) != 0;
                    UpdateIrq();
                    break;
                case ClearAlarm:
                    StopAlarm();
                    break;
                case ClearInterrupt:
                    _irqPending = false;
                    UpdateIrq();
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>
    /// Fires the alarm if its time has come, otherwise re-arms the timer. The
    /// timer calls this; tests with a fake clock may call it directly.
    /// </summary>
    internal void CheckAlarm()
    {
        lock (_lock)
        {
            if (_alarmRunning && !_disposed)
            {
                ArmAlarm();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _alarmRunning = false;
        }
        _timer.Dispose();
    }

    private ulong Now() => (ulong)(_clock() + _offset);

    private void ArmAlarm()
    {
        ulong now = Now();
        if (_alarm <= now)
        {
            StopAlarm();
            _irqPending = true;
            UpdateIrq();
            return;
        }
        _alarmRunning = true;
        if (_disposed)
        {
            return;
        }
        // Round up to whole milliseconds; a timer that fires early re-arms.
        ulong ms = ((_alarm - now) + 999_999) / 1_000_000;
        _timer.Change((long)Math.Min(ms, 0xFFFF_FFFEul), Timeout.Infinite);
    }

    private void StopAlarm()
    {
        _alarmRunning = false;
        if (!_disposed)
        {
            _timer.Change(Timeout.Infinite, Timeout.Infinite);
        }
    }

    private void UpdateIrq()
    {
        bool level = _irqPending && _irqEnabled;
        if (level != _irqLevel)
        {
            _irqLevel = level;
            _irq.SetLevel(level);
        }
    }
}
