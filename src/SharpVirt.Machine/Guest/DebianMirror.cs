namespace SharpVirt.Machine.Guest;

/// <summary>Finds the host's Debian mirror: the URI of the main (non-security) archive in its apt sources.</summary>
public static class DebianMirror
{
    /// <summary>The host's deb822 sources file for the Debian archive.</summary>
    public const string HostSourcesPath = "/etc/apt/sources.list.d/debian.sources";

    /// <summary>Environment variable that overrides the mirror URI.</summary>
    public const string OverrideVariable = "SHARPVIRT_DEBIAN_MIRROR";

    /// <summary>Reads the mirror from the override variable or the host's sources file.</summary>
    public static string FromHost()
    {
        string? overridden = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrWhiteSpace(overridden))
            return overridden.Trim().TrimEnd('/');
        string text;
        try
        {
            text = File.ReadAllText(HostSourcesPath);
        }
        catch (IOException e)
        {
            throw new GuestImageException($"cannot read {HostSourcesPath} to find the Debian mirror ({e.Message}); set {OverrideVariable}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new GuestImageException($"cannot read {HostSourcesPath} to find the Debian mirror ({e.Message}); set {OverrideVariable}", e);
        }
        return ParseMainUri(text) ?? throw new GuestImageException(
            $"no enabled Debian main-archive stanza in {HostSourcesPath}; set {OverrideVariable}");
    }

    /// <summary>
    /// Returns the first URI of the first enabled "deb" stanza that lists a plain suite
    /// (one without a "-security"/"-updates" style suffix), or null when there is none.
    /// </summary>
    public static string? ParseMainUri(string deb822)
    {
        foreach (var stanza in ParseStanzas(deb822))
        {
            if (stanza.TryGetValue("enabled", out var enabled) && enabled.Trim().Equals("no", StringComparison.OrdinalIgnoreCase))
                continue;
            if (!stanza.TryGetValue("types", out var types) || !Words(types).Contains("deb"))
                continue;
            if (!stanza.TryGetValue("suites", out var suites) || !Words(suites).Any(IsMainSuite))
                continue;
            if (!stanza.TryGetValue("uris", out var uris))
                continue;
            var uri = Words(uris).FirstOrDefault();
            if (uri is not null)
                return uri.TrimEnd('/');
        }
        return null;
    }

    /// <summary>Splits deb822 text into stanzas of lower-cased field name to value (continuations joined).</summary>
    internal static List<Dictionary<string, string>> ParseStanzas(string text)
    {
        var stanzas = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        string? lastField = null;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith('#'))
                continue;
            if (line.Trim().Length == 0)
            {
                current = null;
                lastField = null;
                continue;
            }
            if (char.IsWhiteSpace(line[0]))
            {
                // Continuation of the previous field.
                if (current is not null && lastField is not null)
                    current[lastField] += " " + line.Trim();
                continue;
            }
            int colon = line.IndexOf(':');
            if (colon <= 0)
                continue;
            if (current is null)
            {
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                stanzas.Add(current);
            }
            lastField = line[..colon].Trim().ToLowerInvariant();
            current[lastField] = line[(colon + 1)..].Trim();
        }
        return stanzas;
    }

    private static string[] Words(string value) =>
        value.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    // "trixie", "stable", "sid" are main suites; "trixie-security", "trixie-updates", "bookworm/updates" are not.
    private static bool IsMainSuite(string suite) => !suite.Contains('-') && !suite.Contains('/');
}
