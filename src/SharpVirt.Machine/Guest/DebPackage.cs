namespace SharpVirt.Machine.Guest;

/// <summary>Unpacks .deb files with the host's dpkg-deb.</summary>
public static class DebPackage
{
    /// <summary>Extracts the package's file tree (data.tar) into <paramref name="directory"/>.</summary>
    public static async Task ExtractAsync(string debPath, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var result = await HostProcess.RunAsync("dpkg-deb", ["-x", debPath, directory], null, ct);
        if (result.ExitCode != 0)
            throw new GuestImageException($"dpkg-deb could not unpack {Path.GetFileName(debPath)}: {HostProcess.FirstLine(result.StandardError)}");
    }
}
