using SharpVirt.Memory.Snapshot;
using static SharpVirt.Devices.Serial.Uart16550Registers;

namespace SharpVirt.Devices.Serial;

/// <summary>
/// Register file and interrupt logic of a 16550A UART, without any I/O
/// backend or locking (in the manner of rust-vmm's vm-superio).
/// </summary>
/// <remarks>
/// Transmission is instantaneous: a byte written to THR is handed back to the
/// caller of <see cref="Write"/> at once, so THRE and TEMT always read as set.
/// The receiver has a 16-byte FIFO (1 byte when the FIFOs are disabled).
/// Input is refused when the FIFO is full rather than overrun, so no byte from
/// the host is lost; only loopback can overrun.
/// </remarks>
public sealed class Uart16550State
{
    /// <summary>Depth of the receive FIFO in FIFO mode.</summary>
    public const int FifoSize = 16;

    // MSR outside loopback: the (absent) modem is present and ready, as in QEMU.
    private const byte DefaultModemStatus = MsrDcd | MsrDsr | MsrCts;

    private readonly byte[] _rxFifo = new byte[FifoSize];
    private int _rxHead;
    private int _rxCount;

    private byte _ier;
    private byte _fcr;
    private byte _lcr;
    private byte _mcr;
    private byte _lsr;
    private byte _msr;
    private byte _scr;
    private byte _dll;
    private byte _dlm;

    // THRE interrupt latch: set when THR empties, cleared by reading IIR while
    // it is the reported source or by writing THR (PC16550D Table IV).
    private bool _thrInterrupt;

    /// <summary>Creates a UART in its power-on state.</summary>
    public Uart16550State() => Reset();

    /// <summary>Bytes waiting in the receiver.</summary>
    public int RxCount => _rxCount;

    /// <summary>Bytes the receiver can still accept from the host.</summary>
    public int RxSpace => RxCapacity - _rxCount;

    /// <summary>True while the chip requests an interrupt (IIR bit 0 clear).</summary>
    public bool InterruptPending => InterruptId() != IirNoInt;

    /// <summary>Divisor latch (DLM:DLL); kept only so the guest reads back what it wrote.</summary>
    public ushort Divisor => (ushort)((_dlm << 8) | _dll);

    /// <summary>True when the FIFOs are enabled (FCR bit 0).</summary>
    public bool FifoEnabled => (_fcr & FcrEnableFifo) != 0;

    /// <summary>True in local loopback mode (MCR bit 4).</summary>
    public bool Loopback => (_mcr & McrLoop) != 0;

    private int RxCapacity => FifoEnabled ? FifoSize : 1;

    // FCR bits 7:6 select the receiver trigger level (PC16550D Table III).
    private int TriggerLevel => (_fcr >> 6) switch
    {
        0 => 1,
        1 => 4,
        2 => 8,
        _ => 14,
    };

    /// <summary>Returns every register to its master-reset value.</summary>
    public void Reset()
    {
        _rxHead = 0;
        _rxCount = 0;
        _ier = 0;
        _fcr = 0;
        _lcr = 0;
        _mcr = 0;
        _lsr = LsrThre | LsrTemt;
        _msr = DefaultModemStatus;
        _scr = 0;
        _dll = 0;
        _dlm = 0;
        _thrInterrupt = false;
    }

    /// <summary>Copies every register, the receive FIFO and the THRE latch from <paramref name="other"/>.</summary>
    public void CopyFrom(Uart16550State other)
    {
        ArgumentNullException.ThrowIfNull(other);
        other._rxFifo.CopyTo(_rxFifo, 0);
        _rxHead = other._rxHead;
        _rxCount = other._rxCount;
        _ier = other._ier;
        _fcr = other._fcr;
        _lcr = other._lcr;
        _mcr = other._mcr;
        _lsr = other._lsr;
        _msr = other._msr;
        _scr = other._scr;
        _dll = other._dll;
        _dlm = other._dlm;
        _thrInterrupt = other._thrInterrupt;
    }

    /// <summary>Writes the registers, the receive FIFO (oldest byte first) and the THRE latch (snapshot).</summary>
    public void Write(SnapshotWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        byte[] rx = new byte[_rxCount];
        for (int i = 0; i < _rxCount; i++)
        {
            rx[i] = _rxFifo[(_rxHead + i) % FifoSize];
        }
        w.WriteBytes(rx);
        foreach (byte b in (ReadOnlySpan<byte>)[_ier, _fcr, _lcr, _mcr, _lsr, _msr, _scr, _dll, _dlm])
        {
            w.WriteByte(b);
        }
        w.WriteBool(_thrInterrupt);
    }

    /// <summary>Reads what <see cref="Write"/> wrote into a new register file.</summary>
    public static Uart16550State Read(SnapshotReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var s = new Uart16550State();
        byte[] rx = r.ReadBytes(FifoSize);
        rx.CopyTo(s._rxFifo, 0);
        s._rxHead = 0;
        s._rxCount = rx.Length;
        s._ier = (byte)(r.ReadByte() & 0x0F);
        s._fcr = r.ReadByte();
        s._lcr = r.ReadByte();
        s._mcr = (byte)(r.ReadByte() & 0x1F);
        s._lsr = r.ReadByte();
        s._msr = r.ReadByte();
        s._scr = r.ReadByte();
        s._dll = r.ReadByte();
        s._dlm = r.ReadByte();
        s._thrInterrupt = r.ReadBool();
        if (s._rxCount > s.RxCapacity)
        {
            throw r.Bad($"{s._rxCount} bytes in a receiver that holds {s.RxCapacity}");
        }
        return s;
    }

    /// <summary>Reads register 0..7 with its side effects (RBR pops, IIR acknowledges THRE, LSR/MSR clear).</summary>
    public byte Read(int register)
    {
        bool dlab = (_lcr & LcrDlab) != 0;
        switch (register)
        {
            case RbrThr:
                return dlab ? _dll : Pop();
            case Ier:
                return dlab ? _dlm : _ier;
            case IirFcr:
                {
                    byte id = InterruptId();
                    // Reading IIR while it reports THRE clears that interrupt.
                    if (id == IirThri)
                    {
                        _thrInterrupt = false;
                    }
                    return (byte)(id | (FifoEnabled ? IirFifoEnabled : 0));
                }
            case Lcr:
                return _lcr;
            case Mcr:
                return _mcr;
            case Lsr:
                {
                    byte lsr = _lsr;
                    // Error bits clear when LSR is read.
                    _lsr &= unchecked((byte)~(LsrOe | LsrPe | LsrFe | LsrBi));
                    return lsr;
                }
            case Msr:
                {
                    byte msr = _msr;
                    // Delta bits clear when MSR is read.
                    _msr &= 0xF0;
                    return msr;
                }
            case Scr:
                return _scr;
            default:
                return 0;
        }
    }

    /// <summary>
    /// Writes register 0..7. Returns true, with the byte in <paramref name="transmitted"/>,
    /// when the write sends a byte out of the UART (THR outside loopback).
    /// </summary>
    public bool Write(int register, byte value, out byte transmitted)
    {
        transmitted = 0;
        bool dlab = (_lcr & LcrDlab) != 0;
        switch (register)
        {
            case RbrThr:
                if (dlab)
                {
                    _dll = value;
                    return false;
                }
                if (Loopback)
                {
                    // The transmitter output is wired to the receiver input.
                    Push(value, fromLoopback: true);
                    _thrInterrupt = true;
                    return false;
                }
                transmitted = value;
                // The byte leaves at once: THR empties again and, per the 16550
                // rules, the THRE interrupt is re-armed.
                _thrInterrupt = true;
                return true;
            case Ier:
                if (dlab)
                {
                    _dlm = value;
                }
                else
                {
                    WriteIer(value);
                }
                return false;
            case IirFcr:
                WriteFcr(value);
                return false;
            case Lcr:
                _lcr = value;
                return false;
            case Mcr:
                WriteMcr(value);
                return false;
            case Scr:
                _scr = value;
                return false;
            default:
                // LSR and MSR are read-only.
                return false;
        }
    }

    /// <summary>Offers a byte from the host; false when the receiver is full.</summary>
    public bool TryReceive(byte value)
    {
        // In loopback the receiver is disconnected from the serial input.
        if (Loopback || _rxCount >= RxCapacity)
        {
            return false;
        }
        Push(value, fromLoopback: false);
        return true;
    }

    // Interrupt identification by priority (PC16550D Table IV).
    private byte InterruptId()
    {
        if ((_ier & IerRlsi) != 0 && (_lsr & (LsrOe | LsrPe | LsrFe | LsrBi)) != 0)
        {
            return IirRlsi;
        }
        if ((_ier & IerRdi) != 0 && _rxCount > 0)
        {
            // Below the trigger level a real FIFO raises the timeout interrupt
            // after four character times without activity; this model has no
            // line timing, so the timeout is taken to have expired at once.
            return !FifoEnabled || _rxCount >= TriggerLevel ? IirRdi : IirCti;
        }
        if ((_ier & IerThri) != 0 && _thrInterrupt)
        {
            return IirThri;
        }
        if ((_ier & IerMsi) != 0 && (_msr & 0x0F) != 0)
        {
            return IirMsi;
        }
        return IirNoInt;
    }

    private void WriteIer(byte value)
    {
        byte old = _ier;
        // Bits 7:4 are always zero on a 16550A (Linux probes bit 6 for XScale).
        _ier = (byte)(value & 0x0F);
        // Enabling ETBEI while THR is empty raises THRE again even if it was
        // acknowledged earlier; Linux's UART_BUG_THRE probe and Windows depend
        // on it (QEMU and Bochs do the same).
        if (((old ^ _ier) & IerThri) != 0)
        {
            _thrInterrupt = (_ier & IerThri) != 0 && (_lsr & LsrThre) != 0;
        }
    }

    private void WriteFcr(byte value)
    {
        // Changing FCR bit 0 resets both FIFOs (PC16550D, FCR description).
        if (((value ^ _fcr) & FcrEnableFifo) != 0)
        {
            value |= FcrClearRcvr | FcrClearXmit;
        }
        if ((value & FcrClearRcvr) != 0)
        {
            _rxHead = 0;
            _rxCount = 0;
            _lsr &= unchecked((byte)~LsrDr);
        }
        // The transmit FIFO is always empty here, so FcrClearXmit has no effect.
        // Keep only the FIFO enable and trigger bits; 64-byte mode (bit 5) is a
        // 16750 feature and must stay off so Linux does not detect one.
        _fcr = (byte)(value & (FcrEnableFifo | FcrTriggerMask));
    }

    private void WriteMcr(byte value)
    {
        _mcr = (byte)(value & 0x1F);
        byte status = ModemStatusLines();
        byte changed = (byte)((status ^ _msr) & 0xF0);
        byte delta = 0;
        if ((changed & MsrCts) != 0)
        {
            delta |= MsrDcts;
        }
        if ((changed & MsrDsr) != 0)
        {
            delta |= MsrDdsr;
        }
        // TERI flags only the falling edge of RI.
        if ((changed & MsrRi) != 0 && (status & MsrRi) == 0)
        {
            delta |= MsrTeri;
        }
        if ((changed & MsrDcd) != 0)
        {
            delta |= MsrDdcd;
        }
        _msr = (byte)(status | (_msr & 0x0F) | delta);
    }

    // In loopback, DTR->DSR, RTS->CTS, OUT1->RI and OUT2->DCD (PC16550D, MCR bit 4).
    private byte ModemStatusLines()
    {
        if (!Loopback)
        {
            return DefaultModemStatus;
        }
        byte status = 0;
        if ((_mcr & McrDtr) != 0)
        {
            status |= MsrDsr;
        }
        if ((_mcr & McrRts) != 0)
        {
            status |= MsrCts;
        }
        if ((_mcr & McrOut1) != 0)
        {
            status |= MsrRi;
        }
        if ((_mcr & McrOut2) != 0)
        {
            status |= MsrDcd;
        }
        return status;
    }

    private void Push(byte value, bool fromLoopback)
    {
        if (_rxCount >= RxCapacity)
        {
            // Only loopback gets here: the character is lost and OE is set.
            if (fromLoopback)
            {
                _lsr |= LsrOe;
            }
            return;
        }
        _rxFifo[(_rxHead + _rxCount) % FifoSize] = value;
        _rxCount++;
        _lsr |= LsrDr;
    }

    private byte Pop()
    {
        if (_rxCount == 0)
        {
            return 0;
        }
        byte value = _rxFifo[_rxHead];
        _rxHead = (_rxHead + 1) % FifoSize;
        _rxCount--;
        if (_rxCount == 0)
        {
            _lsr &= unchecked((byte)~LsrDr);
        }
        return value;
    }
}
