namespace SharpVirt.Devices.Storage;

/// <summary>The on-disk format of an image file.</summary>
public enum DiskImageFormat
{
    /// <summary>Probe the file: the qcow2 magic selects qcow2, anything else is raw.</summary>
    Auto,
    Raw,
    Qcow2,
}
