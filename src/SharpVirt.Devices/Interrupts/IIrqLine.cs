namespace SharpVirt.Devices.Interrupts;

/// <summary>
/// A level-sensitive interrupt wire from a device to an interrupt controller.
/// </summary>
/// <remarks>
/// Devices call <see cref="SetLevel"/> with the line's current level; calling it
/// again with an unchanged level must be harmless.
/// </remarks>
public interface IIrqLine
{
    /// <summary>Drives the line high (asserted) or low.</summary>
    void SetLevel(bool high);
}
