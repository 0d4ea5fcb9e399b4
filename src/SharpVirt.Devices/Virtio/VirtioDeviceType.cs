namespace SharpVirt.Devices.Virtio;

/// <summary>Virtio device IDs (virtio 1.2, 5 "Device Types"), as reported in the DeviceID register.</summary>
public enum VirtioDeviceType : uint
{
    /// <summary>No device (an empty transport slot).</summary>
    Invalid = 0,

    /// <summary>Network card (5.1).</summary>
    Net = 1,

    /// <summary>Block device (5.2).</summary>
    Block = 2,

    /// <summary>Console (5.3).</summary>
    Console = 3,

    /// <summary>Entropy source (5.4).</summary>
    Entropy = 4,

    /// <summary>Traditional memory balloon (5.5).</summary>
    Balloon = 5,
}
