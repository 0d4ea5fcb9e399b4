namespace SharpVirt.Machine.Guest;

/// <summary>The cached default guest: kernel Image, initramfs and the manifest describing them.</summary>
public sealed record DefaultGuestFiles(string KernelPath, string InitrdPath, string ManifestPath, GuestManifest Manifest)
{
    /// <summary>Kernel command line the guest was built for.</summary>
    public string BootArgs => Manifest.BootArgs;
}
