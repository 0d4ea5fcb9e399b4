namespace SharpVirt.Devices.Virtio;

/// <summary>Register offsets of the virtio-mmio transport, version 2 (virtio 1.2, 4.2.2, table "MMIO Device Register Layout").</summary>
public static class VirtioMmioRegisters
{
    public const int MagicValue = 0x000;
    public const int Version = 0x004;
    public const int DeviceId = 0x008;
    public const int VendorId = 0x00c;
    public const int DeviceFeatures = 0x010;
    public const int DeviceFeaturesSel = 0x014;
    public const int DriverFeatures = 0x020;
    public const int DriverFeaturesSel = 0x024;
    public const int QueueSel = 0x030;
    public const int QueueNumMax = 0x034;
    public const int QueueNum = 0x038;
    public const int QueueReady = 0x044;
    public const int QueueNotify = 0x050;
    public const int InterruptStatus = 0x060;
    public const int InterruptAck = 0x064;
    public const int Status = 0x070;
    public const int QueueDescLow = 0x080;
    public const int QueueDescHigh = 0x084;
    public const int QueueDriverLow = 0x090;
    public const int QueueDriverHigh = 0x094;
    public const int QueueDeviceLow = 0x0a0;
    public const int QueueDeviceHigh = 0x0a4;
    public const int ShmSel = 0x0ac;
    public const int ShmLenLow = 0x0b0;
    public const int ShmLenHigh = 0x0b4;
    public const int ShmBaseLow = 0x0b8;
    public const int ShmBaseHigh = 0x0bc;
    public const int QueueReset = 0x0c0;
    public const int ConfigGeneration = 0x0fc;
    public const int Config = 0x100;

    /// <summary>InterruptStatus bit 0: the device used a buffer in at least one active queue.</summary>
    public const uint InterruptUsedBuffer = 1;

    /// <summary>InterruptStatus bit 1: the device configuration changed.</summary>
    public const uint InterruptConfigChange = 2;
}
