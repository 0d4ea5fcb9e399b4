using SharpVirt.Devices.Interrupts;
using SharpVirt.Devices.Serial;
using static SharpVirt.Devices.Serial.Uart16550Registers;

namespace SharpVirt.Tests.Devices;

public class Uart16550Tests
{
    private readonly List<byte> _sent = [];
    private readonly List<bool> _irqChanges = [];
    private readonly IrqLine _irq;
    private readonly Uart16550 _uart;

    public Uart16550Tests()
    {
        _irq = new IrqLine(_irqChanges.Add);
        _uart = new Uart16550(_irq, _sent.Add);
    }

    private byte In(int reg) => (byte)_uart.Read((ulong)reg, 1);

    private void Out(int reg, int value) => _uart.Write((ulong)reg, 1, (ulong)value);

    [Fact]
    public void PowerOnState()
    {
        Assert.Equal(LsrThre | LsrTemt, In(Lsr));
        Assert.Equal(IirNoInt, In(IirFcr));
        Assert.Equal(0, In(Ier));
        Assert.Equal(MsrDcd | MsrDsr | MsrCts, In(Msr));
        Assert.False(_irq.Level);
    }

    // The probe sequence of Linux's autoconfig() and autoconfig_16550a()
    // (drivers/tty/serial/8250/8250_port.c) must identify a plain 16550A.
    [Fact]
    public void LinuxAutoconfigDetects16550A()
    {
        // IER test: bits 3:0 are read/write, and a zero write reads back zero.
        Out(Ier, 0);
        Assert.Equal(0, In(Ier) & 0x0f);
        Out(Ier, 0x0f);
        Assert.Equal(0x0f, In(Ier) & 0x0f);
        Out(Ier, 0);

        // Loopback test: MCR = LOOP | OUT2 | RTS must show DCD | CTS in MSR.
        byte saveMcr = In(Mcr);
        Out(Mcr, McrLoop | 0x0a);
        Assert.Equal(0x90, In(Msr) & 0xf0);
        Out(Mcr, saveMcr);

        // Scratch register (the 8250/16450 test).
        Out(Scr, 0xa5);
        Assert.Equal(0xa5, In(Scr));
        Out(Scr, 0x5a);
        Assert.Equal(0x5a, In(Scr));

        // EFR probe, then FIFO detection: IIR bits 7:6 = 11 means 16550A.
        Out(Lcr, 0xbf);
        Out(2, 0); // EFR on enhanced parts; FCR here
        Out(Lcr, 0);
        Out(IirFcr, FcrEnableFifo);
        Assert.Equal(3, In(IirFcr) >> 6);

        // autoconfig_16550a: EFR must read non-zero (no ST16C650) under either
        // configuration mode, since offset 2 reads IIR.
        Out(Lcr, 0x80);
        Assert.NotEqual(0, In(2));
        Out(Lcr, 0xbf);
        Assert.NotEqual(0, In(2));

        // TI16750 probe: IIR bit 5 (64-byte FIFO) must never be set.
        Out(Lcr, 0);
        Out(IirFcr, FcrEnableFifo | 0x20);
        int status1 = In(IirFcr) & 0xe0;
        Out(IirFcr, 0);
        Out(Lcr, 0x80);
        Out(IirFcr, FcrEnableFifo | 0x20);
        int status2 = In(IirFcr) & 0xe0;
        Out(IirFcr, 0);
        Out(Lcr, 0);
        Assert.Equal(0xc0, status1);
        Assert.Equal(0xc0, status2);

        // XScale probe: IER bit 6 (UUE) must not stick.
        Out(Ier, 0x40);
        Assert.Equal(0, In(Ier) & 0x40);
        Out(Ier, 0);

        // Line status after clearing the FIFOs: transmitter idle, no data.
        Out(IirFcr, FcrEnableFifo | FcrClearRcvr | FcrClearXmit);
        Out(IirFcr, 0);
        Assert.Equal(LsrThre | LsrTemt, In(Lsr));
        Assert.Empty(_sent);
    }

    [Fact]
    public void DivisorLatchIsReachedThroughDlab()
    {
        Out(Ier, IerRdi);
        Out(Lcr, LcrDlab | 0x03);
        Out(RbrThr, 0x01);
        Out(Ier, 0x02);
        Assert.Equal(0x01, In(RbrThr));
        Assert.Equal(0x02, In(Ier));
        Out(Lcr, 0x03);
        Assert.Equal(IerRdi, In(Ier));
        Assert.Equal(0x03, In(Lcr));
        Assert.Empty(_sent); // the DLL write was not transmitted
    }

    [Fact]
    public void TransmitGoesToTheBackend()
    {
        Out(RbrThr, 'h');
        Out(RbrThr, 'i');
        _uart.Write(0, 4, 0x0a); // wider accesses reach the same register
        Assert.Equal("hi\n"u8.ToArray(), _sent);
        Assert.Equal(LsrThre | LsrTemt, In(Lsr) & (LsrThre | LsrTemt));
    }

    [Fact]
    public void ThreInterruptFollowsThe16550Rules()
    {
        Out(Ier, IerThri);
        Assert.True(_irq.Level);
        Assert.Equal(IirThri, In(IirFcr)); // the read acknowledges it
        Assert.False(_irq.Level);
        Assert.Equal(IirNoInt, In(IirFcr));

        // Re-enabling ETBEI while THR is empty raises it again (Linux's
        // UART_BUG_THRE probe relies on this).
        Out(Ier, 0);
        Out(Ier, IerThri);
        Assert.True(_irq.Level);
        In(IirFcr);
        Assert.False(_irq.Level);

        // Each transmitted byte empties THR again.
        Out(RbrThr, 'x');
        Assert.True(_irq.Level);
        Assert.Equal(IirThri, In(IirFcr));
        Out(Ier, 0);
        Assert.False(_irq.Level);
        Assert.Equal([true, false, true, false, true, false], _irqChanges);
    }

    [Fact]
    public void ReceiveFifoRaisesTimeoutThenDataAvailable()
    {
        Out(IirFcr, FcrEnableFifo | 0x80); // trigger level 8, as Linux sets it
        Out(Ier, IerRdi);
        Assert.False(_irq.Level);

        Assert.True(_uart.TryReceive((byte)'a'));
        Assert.True(_irq.Level);
        Assert.Equal(LsrDr, In(Lsr) & LsrDr);
        // Below the trigger level: character timeout.
        Assert.Equal(IirFifoEnabled | IirCti, In(IirFcr));

        for (int i = 1; i < 8; i++)
        {
            Assert.True(_uart.TryReceive((byte)('a' + i)));
        }
        Assert.Equal(IirFifoEnabled | IirRdi, In(IirFcr));

        for (int i = 0; i < 8; i++)
        {
            Assert.Equal('a' + i, In(RbrThr));
        }
        Assert.False(_irq.Level);
        Assert.Equal(0, In(Lsr) & LsrDr);
        Assert.Equal(IirFifoEnabled | IirNoInt, In(IirFcr));
    }

    [Fact]
    public void FullReceiverRefusesInputAndSignalsWhenRoomIsFreed()
    {
        int signalled = 0;
        _uart.ReceiveSpaceAvailable += () => signalled++;
        Out(IirFcr, FcrEnableFifo);
        for (int i = 0; i < Uart16550State.FifoSize; i++)
        {
            Assert.True(_uart.TryReceive((byte)i));
        }
        Assert.False(_uart.CanReceive);
        Assert.False(_uart.TryReceive(0xff));
        Assert.Equal(0, In(Lsr) & LsrOe); // refused, not overrun

        Assert.Equal(0, In(RbrThr));
        Assert.Equal(1, signalled);
        Assert.Equal(1, In(RbrThr));
        Assert.Equal(1, signalled); // only once per refusal
        Assert.True(_uart.CanReceive);
        Assert.True(_uart.TryReceive(0xff));
        Assert.True(_uart.TryReceive(0xfe));

        // Clearing the FIFO also frees room.
        Assert.False(_uart.TryReceive(0xfd));
        Out(IirFcr, FcrEnableFifo | FcrClearRcvr);
        Assert.Equal(2, signalled);
        Assert.Equal(0, In(Lsr) & LsrDr);
    }

    [Fact]
    public void WithoutFifoTheReceiverHoldsOneByte()
    {
        Out(Ier, IerRdi);
        Assert.True(_uart.TryReceive(1));
        Assert.False(_uart.TryReceive(2));
        Assert.Equal(IirRdi, In(IirFcr));
        Assert.Equal(1, In(RbrThr));
        Assert.False(_irq.Level);
    }

    [Fact]
    public void ReceivedDataOutranksThre()
    {
        Out(IirFcr, FcrEnableFifo);
        Out(Ier, IerRdi | IerThri);
        Assert.Equal(IirFifoEnabled | IirThri, In(IirFcr));
        Out(Ier, 0);
        Out(Ier, IerRdi | IerThri);
        _uart.TryReceive(7);
        Assert.Equal(IirFifoEnabled | IirRdi, In(IirFcr));
        Assert.Equal(7, In(RbrThr));
        Assert.Equal(IirFifoEnabled | IirThri, In(IirFcr));
    }

    [Fact]
    public void LoopbackEchoesTransmitAndOverrunsWhenFull()
    {
        Out(IirFcr, FcrEnableFifo);
        Out(Mcr, McrLoop);
        Assert.False(_uart.TryReceive(1)); // input is disconnected
        Out(RbrThr, 0x42);
        Assert.Empty(_sent);
        Assert.Equal(0x42, In(RbrThr));

        Out(Ier, IerRlsi);
        for (int i = 0; i <= Uart16550State.FifoSize; i++)
        {
            Out(RbrThr, i);
        }
        Assert.True(_irq.Level);
        Assert.Equal(IirFifoEnabled | IirRlsi, In(IirFcr));
        Assert.Equal(LsrOe | LsrDr | LsrThre | LsrTemt, In(Lsr));
        Assert.Equal(LsrDr | LsrThre | LsrTemt, In(Lsr)); // OE clears on read
        Assert.False(_irq.Level);

        Out(Mcr, 0);
        Out(RbrThr, 'z');
        Assert.Equal("z"u8.ToArray(), _sent);
    }

    [Fact]
    public void ModemStatusDeltasRaiseTheModemInterrupt()
    {
        Out(Ier, IerMsi);
        Out(Mcr, McrLoop | McrOut1); // CTS, DSR and DCD fall; RI rises
        Assert.True(_irq.Level);
        Assert.Equal(IirMsi, In(IirFcr));
        Assert.Equal(MsrRi | MsrDcts | MsrDdsr | MsrDdcd, In(Msr));
        Assert.False(_irq.Level);
        Out(Mcr, McrLoop); // RI falls: trailing edge
        Assert.Equal(MsrTeri, In(Msr));
        Assert.Equal(0, In(Msr));
    }

    [Fact]
    public void OffsetsPastTheRegistersReadZero()
    {
        Out(Scr, 0x77);
        Assert.Equal(0ul, _uart.Read(8, 1));
        _uart.Write(0xff, 1, 1);
        Assert.Equal(0ul, _uart.Read(7, 3));
        Assert.Equal(0x77ul, _uart.Read(7, 1));
    }
}
