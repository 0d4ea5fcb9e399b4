using System.Globalization;

namespace SharpVirt.Machine.Guest;

/// <summary>One package version from the apt index (an "apt-cache show" stanza).</summary>
public sealed record AptPackage(string Name, string Version, long Size, string Sha256, string Filename, IReadOnlyList<string> Depends)
{
    /// <summary>Parses the first stanza of "apt-cache show" output.</summary>
    public static AptPackage Parse(string stanza)
    {
        var fields = DebianMirror.ParseStanzas(stanza).FirstOrDefault()
            ?? throw new GuestImageException("apt-cache returned no package record");
        string Field(string name) => fields.TryGetValue(name.ToLowerInvariant(), out var v) && v.Length > 0
            ? v
            : throw new GuestImageException($"apt-cache record lacks the {name} field");
        string name = Field("Package");
        if (!long.TryParse(Field("Size"), NumberStyles.None, CultureInfo.InvariantCulture, out long size))
            throw new GuestImageException($"apt-cache record for {name} has a bad Size");
        string sha = Field("SHA256").ToLowerInvariant();
        if (sha.Length != 64 || !sha.All(Uri.IsHexDigit))
            throw new GuestImageException($"apt-cache record for {name} has a bad SHA256");
        var depends = fields.TryGetValue("depends", out var d) ? ParseDepends(d) : [];
        return new AptPackage(name, Field("Version"), size, sha, Field("Filename"), depends);
    }

    /// <summary>Package names of a Depends field, taking the first of each "a | b" alternative.</summary>
    internal static List<string> ParseDepends(string depends) =>
        depends.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(dep => dep.Split('|')[0].Trim())
            .Select(alt => alt.Split((char[])[' ', '(', ':'], 2)[0])
            .Where(n => n.Length > 0)
            .ToList();
}
