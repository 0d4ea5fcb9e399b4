using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SharpVirt.Machine.Guest;

/// <summary>A Debian package that went into the default guest.</summary>
public sealed record GuestPackage(string Name, string Version, string Sha256);

/// <summary>
/// A file in the guest cache with its size, SHA256 and last write time (UTC). A run trusts a file whose
/// size and write time match, as make and git's index do; `sharpvirt fetch` checks the SHA256 as well.
/// </summary>
public sealed record GuestFile(string Name, long Size, string Sha256, DateTime? Modified = null);

/// <summary>manifest.json in the guest cache: what was built from what.</summary>
public sealed record GuestManifest(
    int Format,
    string KernelRelease,
    string BootArgs,
    IReadOnlyList<GuestPackage> Packages,
    IReadOnlyList<GuestFile> Files,
    IReadOnlyList<string> Modules,
    IReadOnlyList<string> BuiltinModules,
    DateTimeOffset Created)
{
    /// <summary>Bumped whenever the build changes (init script, module list), so old caches are rebuilt.</summary>
    public const int CurrentFormat = 1;

    // Relaxed escaping keeps versions like "6.12.117+deb13" readable; the file is never embedded in HTML.
    private static readonly JsonSerializerOptions WriteOptions = new(GuestManifestJson.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, WriteOptions.GetTypeInfo(typeof(GuestManifest)));

    /// <summary>Parses a manifest; null when it is not valid JSON of this shape.</summary>
    public static GuestManifest? TryParse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, GuestManifestJson.Default.GuestManifest);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GuestManifest))]
internal sealed partial class GuestManifestJson : JsonSerializerContext;
