namespace SharpVirt.Devices.Virtio;

/// <summary>The device status field (virtio 1.2, 2.1).</summary>
[Flags]
public enum DeviceStatus : uint
{
    /// <summary>Reset state: nothing set.</summary>
    None = 0,

    /// <summary>The guest OS has found the device.</summary>
    Acknowledge = 1,

    /// <summary>The guest OS knows how to drive the device.</summary>
    Driver = 2,

    /// <summary>The driver is set up and ready to drive the device.</summary>
    DriverOk = 4,

    /// <summary>The driver has acknowledged the features it understands; feature negotiation is complete.</summary>
    FeaturesOk = 8,

    /// <summary>The device has hit an error from which it can only recover by a reset.</summary>
    DeviceNeedsReset = 64,

    /// <summary>The driver has given up on the device.</summary>
    Failed = 128,
}
