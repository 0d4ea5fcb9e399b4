using System.Text;
using SharpVirt.Devices.Virtio;
using SharpVirt.Devices.Virtio.Console;
using R = SharpVirt.Devices.Virtio.VirtioMmioRegisters;

namespace SharpVirt.Tests.Virtio;

public class VirtioConsoleTests : IDisposable
{
    private readonly List<byte> _output = [];
    private readonly VirtioConsole _console;
    private readonly VirtioTestDriver _driver;

    public VirtioConsoleTests()
    {
        _console = new VirtioConsole(data =>
        {
            lock (_output)
            {
                _output.AddRange(data.ToArray());
            }
        });
        _driver = new VirtioTestDriver(_ => _console);
    }

    public void Dispose() => _driver.Dispose();

    private string Output
    {
        get
        {
            lock (_output)
            {
                return Encoding.ASCII.GetString([.. _output]);
            }
        }
    }

    [Fact]
    public void TransmitQueueReachesTheOutput()
    {
        _driver.Start(size: 8);
        Assert.Equal(VirtioFeatures.Transport | VirtioConsole.FeatureEmergWrite, _driver.DeviceFeatures);
        TestVirtQueue tx = _driver.Queues[VirtioConsole.TransmitQueue];
        ulong a = _driver.Alloc(16), b = _driver.Alloc(16);
        _driver.Memory.Write(a, "hello, "u8);
        _driver.Memory.Write(b, "world\n"u8);
        ushort h1 = tx.Add((a, 7, false));
        ushort h2 = tx.Add((b, 6, false));
        tx.Kick();
        Assert.Equal((h1, 0u), tx.WaitUsed());
        Assert.Equal((h2, 0u), tx.WaitUsed());
        Assert.Equal("hello, world\n", Output);
        VirtioTestDriver.WaitUntil(() => _driver.Irq.Level);
    }

    [Fact]
    public void InputWaitsForReceiveBuffersAndFillsThemInOrder()
    {
        _driver.Start(size: 8);
        TestVirtQueue rx = _driver.Queues[VirtioConsole.ReceiveQueue];
        Assert.Equal(5, _console.EnqueueInput("ls -l"u8));
        Assert.Equal(5, _console.PendingInput);

        ulong a = _driver.Alloc(3), b = _driver.Alloc(64);
        ushort h1 = rx.Add((a, 3, true));
        ushort h2 = rx.Add((b, 64, true));
        rx.Kick();
        Assert.Equal((h1, 3u), rx.WaitUsed());
        Assert.Equal((h2, 2u), rx.WaitUsed());
        Assert.Equal("ls "u8.ToArray(), _driver.ReadRam(a, 3));
        Assert.Equal("-l"u8.ToArray(), _driver.ReadRam(b, 2));
        Assert.Equal(0, _console.PendingInput);

        ulong c = _driver.Alloc(64);
        ushort h3 = rx.Add((c, 64, true));
        rx.Kick();
        Thread.Sleep(20);
        Assert.False(rx.TryGetUsed(out _, out _)); // no input: the buffer stays with the device
        _console.EnqueueInput("\n"u8);
        Assert.Equal((h3, 1u), rx.WaitUsed());
    }

    [Fact]
    public void InputIsBoundedWhileTheGuestDoesNotRead()
    {
        var big = new byte[VirtioConsole.InputCapacity + 100];
        Assert.Equal(VirtioConsole.InputCapacity, _console.EnqueueInput(big));
        Assert.Equal(0, _console.EnqueueInput("x"u8));
    }

    [Fact]
    public void EmergencyWriteOutputsOneCharacter()
    {
        _driver.Negotiate();
        _driver.Transport.Write(R.Config + 8, 4, 'A');
        _driver.Transport.Write(R.Config + 9, 1, 'B'); // not the start of emerg_wr
        Assert.Equal("A", Output);
        Assert.Equal(0ul, _driver.Transport.Read(R.Config, 4)); // no F_SIZE / F_MULTIPORT: zero
    }

    [Fact]
    public void SnapshotKeepsPendingInputAndTheQueuesCarryOn()
    {
        _driver.Start(size: 8);
        TestVirtQueue tx = _driver.Queues[VirtioConsole.TransmitQueue];
        TestVirtQueue rx = _driver.Queues[VirtioConsole.ReceiveQueue];
        ulong a = _driver.Alloc(16);
        _driver.Memory.Write(a, "before "u8);
        ushort h1 = tx.Add((a, 7, false));
        tx.Kick();
        Assert.Equal((h1, 0u), tx.WaitUsed());
        _console.EnqueueInput("typed"u8); // no receive buffer yet: it waits in the device

        var after = new List<byte>();
        var restored = new VirtioConsole(data =>
        {
            lock (after)
            {
                after.AddRange(data.ToArray());
            }
        });
        VirtioTransportState state = _driver.SnapshotAndRestore(_ => restored);
        Assert.Equal(2, state.Queues.Length);
        Assert.Equal(1, state.Queues[VirtioConsole.TransmitQueue].Indices.NextUsed);
        Assert.Equal(5, restored.PendingInput);

        ulong b = _driver.Alloc(16);
        ushort h2 = rx.Add((b, 16, true));
        rx.Kick();
        Assert.Equal((h2, 5u), rx.WaitUsed());
        Assert.Equal("typed"u8.ToArray(), _driver.ReadRam(b, 5));
        _driver.Memory.Write(a, "after"u8);
        ushort h3 = tx.Add((a, 5, false));
        tx.Kick();
        Assert.Equal((h3, 0u), tx.WaitUsed());
        VirtioTestDriver.WaitUntil(() =>
        {
            lock (after)
            {
                return after.Count == 5;
            }
        });
        Assert.Equal("before ", Output);
    }
}
