namespace SharpVirt.Devices.Virtio;

/// <summary>What a <see cref="VirtioDeviceContext"/> asks of the transport that created it (virtio 1.2, 4).</summary>
internal interface IVirtioTransport
{
    /// <summary>Raises a used buffer notification (InterruptStatus bit 0).</summary>
    void RaiseUsedBuffer();

    /// <summary>Raises a configuration change notification (InterruptStatus bit 1) and bumps ConfigGeneration.</summary>
    void RaiseConfigChange();

    /// <summary>Sets DEVICE_NEEDS_RESET in the device status.</summary>
    void MarkNeedsReset();
}
