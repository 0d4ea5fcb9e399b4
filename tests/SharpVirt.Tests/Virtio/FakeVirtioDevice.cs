using SharpVirt.Devices.Virtio;

namespace SharpVirt.Tests.Virtio;

/// <summary>A device that records what the transport does to it and lets the test pop queues itself.</summary>
internal sealed class FakeVirtioDevice(int queueCount = 2, ushort maxQueueSize = 16, ulong features = 1UL << 5) : IVirtioDevice
{
    public readonly byte[] Config = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

    public VirtioDeviceType Type => VirtioDeviceType.Entropy;

    public ulong DeviceFeatures => features;

    public int QueueCount => queueCount;

    public ushort MaxQueueSize => maxQueueSize;

    public VirtioDeviceContext? Context { get; private set; }

    public List<int> Notified { get; } = [];

    public int Resets { get; private set; }

    public int Activations { get; private set; }

    public bool Disposed { get; private set; }

    public uint ReadConfig(int offset, int size) => VirtioConfigSpace.Read(Config, offset, size);

    public void WriteConfig(int offset, int size, uint value) => VirtioConfigSpace.Write(Config, offset, size, value);

    public void Activate(VirtioDeviceContext context)
    {
        Activations++;
        Context = context;
    }

    public void Notify(int queue) => Notified.Add(queue);

    public void Reset()
    {
        Resets++;
        Context = null;
    }

    public void Dispose() => Disposed = true;
}
