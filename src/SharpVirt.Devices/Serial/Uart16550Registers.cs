namespace SharpVirt.Devices.Serial;

/// <summary>
/// Register offsets and bit names of the NS16550A (TI/National PC16550D
/// datasheet), spelled as in Linux's <c>include/uapi/linux/serial_reg.h</c>.
/// </summary>
public static class Uart16550Registers
{
    /// <summary>Receiver Buffer (read) / Transmitter Holding (write); DLL when LCR.DLAB = 1.</summary>
    public const int RbrThr = 0;

    /// <summary>Interrupt Enable; DLM when LCR.DLAB = 1.</summary>
    public const int Ier = 1;

    /// <summary>Interrupt Identification (read) / FIFO Control (write).</summary>
    public const int IirFcr = 2;

    /// <summary>Line Control.</summary>
    public const int Lcr = 3;

    /// <summary>Modem Control.</summary>
    public const int Mcr = 4;

    /// <summary>Line Status.</summary>
    public const int Lsr = 5;

    /// <summary>Modem Status.</summary>
    public const int Msr = 6;

    /// <summary>Scratch.</summary>
    public const int Scr = 7;

    /// <summary>IER: Enable Received Data Available Interrupt.</summary>
    public const byte IerRdi = 0x01;

    /// <summary>IER: Enable Transmitter Holding Register Empty Interrupt.</summary>
    public const byte IerThri = 0x02;

    /// <summary>IER: Enable Receiver Line Status Interrupt.</summary>
    public const byte IerRlsi = 0x04;

    /// <summary>IER: Enable Modem Status Interrupt.</summary>
    public const byte IerMsi = 0x08;

    /// <summary>IIR: no interrupt pending (bit 0 set).</summary>
    public const byte IirNoInt = 0x01;

    /// <summary>IIR: modem status (priority 4).</summary>
    public const byte IirMsi = 0x00;

    /// <summary>IIR: transmitter holding register empty (priority 3).</summary>
    public const byte IirThri = 0x02;

    /// <summary>IIR: received data available (priority 2).</summary>
    public const byte IirRdi = 0x04;

    /// <summary>IIR: receiver line status (priority 1).</summary>
    public const byte IirRlsi = 0x06;

    /// <summary>IIR: character timeout (priority 2, FIFO mode only).</summary>
    public const byte IirCti = 0x0C;

    /// <summary>IIR bits 7:6: FIFOs enabled (both set on a 16550A).</summary>
    public const byte IirFifoEnabled = 0xC0;

    /// <summary>FCR: enable the FIFOs.</summary>
    public const byte FcrEnableFifo = 0x01;

    /// <summary>FCR: clear the receive FIFO.</summary>
    public const byte FcrClearRcvr = 0x02;

    /// <summary>FCR: clear the transmit FIFO.</summary>
    public const byte FcrClearXmit = 0x04;

    /// <summary>FCR bits 7:6: receiver trigger level (1, 4, 8, 14 bytes).</summary>
    public const byte FcrTriggerMask = 0xC0;

    /// <summary>LCR: Divisor Latch Access Bit.</summary>
    public const byte LcrDlab = 0x80;

    /// <summary>MCR: Data Terminal Ready.</summary>
    public const byte McrDtr = 0x01;

    /// <summary>MCR: Request To Send.</summary>
    public const byte McrRts = 0x02;

    /// <summary>MCR: Out 1.</summary>
    public const byte McrOut1 = 0x04;

    /// <summary>MCR: Out 2 (gates the IRQ output on PCs).</summary>
    public const byte McrOut2 = 0x08;

    /// <summary>MCR: local loopback.</summary>
    public const byte McrLoop = 0x10;

    /// <summary>LSR: Data Ready.</summary>
    public const byte LsrDr = 0x01;

    /// <summary>LSR: Overrun Error.</summary>
    public const byte LsrOe = 0x02;

    /// <summary>LSR: Parity Error.</summary>
    public const byte LsrPe = 0x04;

    /// <summary>LSR: Framing Error.</summary>
    public const byte LsrFe = 0x08;

    /// <summary>LSR: Break Interrupt.</summary>
    public const byte LsrBi = 0x10;

    /// <summary>LSR: Transmitter Holding Register Empty.</summary>
    public const byte LsrThre = 0x20;

    /// <summary>LSR: Transmitter Empty.</summary>
    public const byte LsrTemt = 0x40;

    /// <summary>MSR: Delta Clear To Send.</summary>
    public const byte MsrDcts = 0x01;

    /// <summary>MSR: Delta Data Set Ready.</summary>
    public const byte MsrDdsr = 0x02;

    /// <summary>MSR: Trailing Edge Ring Indicator.</summary>
    public const byte MsrTeri = 0x04;

    /// <summary>MSR: Delta Data Carrier Detect.</summary>
    public const byte MsrDdcd = 0x08;

    /// <summary>MSR: Clear To Send.</summary>
    public const byte MsrCts = 0x10;

    /// <summary>MSR: Data Set Ready.</summary>
    public const byte MsrDsr = 0x20;

    /// <summary>MSR: Ring Indicator.</summary>
    public const byte MsrRi = 0x40;

    /// <summary>MSR: Data Carrier Detect.</summary>
    public const byte MsrDcd = 0x80;
}
