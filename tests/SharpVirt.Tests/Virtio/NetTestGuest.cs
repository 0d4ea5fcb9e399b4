using SharpVirt.Devices.Network;
using SharpVirt.Devices.Virtio.Net;

namespace SharpVirt.Tests.Virtio;

/// <summary>
/// A test driver for <see cref="VirtioNet"/> behind the virtio-mmio transport: sends frames on the transmit
/// queue and gives receive buffers, reading the packets back as Linux's virtio_net would.
/// </summary>
internal sealed class NetTestGuest : IDisposable
{
    private readonly Dictionary<uint, (ulong Addr, uint Len)> _rxBuffers = [];

    public NetTestGuest(INetBackend backend, MacAddress? mac = null, bool offerMergeable = true)
    {
        Driver = new VirtioTestDriver(_ => new VirtioNet(backend, mac ?? MacAddress.Default(), offerMergeable));
        Net = (VirtioNet)Driver.Device;
    }

    public VirtioTestDriver Driver { get; }

    public VirtioNet Net { get; }

    public TestVirtQueue Rx => Driver.Queues[VirtioNet.ReceiveQueue];

    public TestVirtQueue Tx => Driver.Queues[VirtioNet.TransmitQueue];

    /// <summary>Negotiates (MRG_RXBUF only if <paramref name="mergeable"/>), sets up both queues, DRIVER_OK.</summary>
    public NetTestGuest Start(bool mergeable = false, ushort size = 64)
    {
        Driver.Start(size, f => mergeable ? f : f & ~VirtioNetFeatures.MrgRxBuf);
        return this;
    }

    /// <summary>Puts header + <paramref name="frame"/> on the transmit queue, cut at <paramref name="cuts"/> (offsets into header+frame), and kicks.</summary>
    public ushort Transmit(byte[] frame, params int[] cuts)
    {
        byte[] packet = [.. new byte[VirtioNetHeader.Size], .. frame];
        ulong at = Driver.Alloc((ulong)packet.Length + 1);
        Driver.Memory.Write(at, packet);
        var segments = new List<(ulong, uint, bool)>();
        int start = 0;
        foreach (int cut in cuts.Append(packet.Length))
        {
            segments.Add((at + (ulong)start, (uint)(cut - start), false));
            start = cut;
        }
        ushort head = Tx.Add([.. segments]);
        Tx.Kick();
        return head;
    }

    /// <summary>Gives <paramref name="count"/> receive buffers of <paramref name="size"/> bytes and kicks.</summary>
    public void PostRx(int count, uint size)
    {
        for (int i = 0; i < count; i++)
        {
            ulong addr = Driver.Alloc(size);
            ushort head = Rx.Add((addr, size, true));
            _rxBuffers[head] = (addr, size);
        }
        Rx.Kick();
    }

    /// <summary>Reads the next received packet: its header and frame (merging buffers per num_buffers), and each buffer's used length.</summary>
    public (VirtioNetHeader Header, byte[] Frame, uint[] UsedLengths) Receive(int timeoutMs = 5000)
    {
        var (id, len) = Rx.WaitUsed(timeoutMs);
        var lengths = new List<uint> { len };
        var bytes = new List<byte>(ReadBuffer(id, len));
        Assert.True(bytes.Count >= VirtioNetHeader.Size, $"used length {len} is shorter than the header");
        var header = VirtioNetHeader.Read(bytes.ToArray());
        for (int i = 1; i < header.NumBuffers; i++)
        {
            (id, len) = Rx.WaitUsed(timeoutMs);
            lengths.Add(len);
            bytes.AddRange(ReadBuffer(id, len));
        }
        return (header, bytes.Skip(VirtioNetHeader.Size).ToArray(), [.. lengths]);
    }

    private byte[] ReadBuffer(uint head, uint len)
    {
        var (addr, size) = _rxBuffers[head];
        Assert.True(len <= size);
        return Driver.ReadRam(addr, (int)len);
    }

    public void Dispose() => Driver.Dispose();
}
