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

    /// <summary>
    /// Parses a manifest; null when it is not valid JSON of this shape. Every run reads the manifest, and
    /// reading it through <see cref="JsonDocument"/> costs a few milliseconds where the serializer's first
    /// use costs about 30.
    /// </summary>
    public static GuestManifest? TryParse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return new GuestManifest(
                root.GetProperty("format").GetInt32(),
                Text(root, "kernelRelease"),
                Text(root, "bootArgs"),
                [.. root.GetProperty("packages").EnumerateArray().Select(p => new GuestPackage(Text(p, "name"), Text(p, "version"), Text(p, "sha256")))],
                [.. root.GetProperty("files").EnumerateArray().Select(f => new GuestFile(Text(f, "name"), f.GetProperty("size").GetInt64(), Text(f, "sha256"),
                    f.TryGetProperty("modified", out var m) && m.ValueKind != JsonValueKind.Null ? m.GetDateTime() : null))],
                Texts(root, "modules"),
                Texts(root, "builtinModules"),
                root.GetProperty("created").GetDateTimeOffset());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string Text(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new FormatException($"{name} is null");

    private static string[] Texts(JsonElement e, string name)
        => [.. e.GetProperty(name).EnumerateArray().Select(m => m.GetString() ?? throw new FormatException($"null in {name}"))];
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GuestManifest))]
internal sealed partial class GuestManifestJson : JsonSerializerContext;
