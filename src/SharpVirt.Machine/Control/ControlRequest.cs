using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpVirt.Machine.Control;

/// <summary>One parsed request line: <c>{"op":"NAME", ...arguments}</c>.</summary>
public sealed class ControlRequest
{
    public const int MaxLineLength = 64 * 1024;

    private readonly JsonObject body;

    private ControlRequest(string op, JsonObject body)
    {
        Op = op;
        this.body = body;
    }

    public string Op { get; }

    /// <summary>Parses one line; throws <see cref="ControlException"/> with a message for the client.</summary>
    public static ControlRequest Parse(string line)
    {
        if (line.Length > MaxLineLength)
            throw new ControlException($"request longer than {MaxLineLength} characters");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line);
        }
        catch (JsonException e)
        {
            throw new ControlException($"malformed JSON: {e.Message}");
        }
        if (node is not JsonObject obj)
            throw new ControlException("a request is a JSON object, e.g. {\"op\":\"status\"}");
        if (!obj.TryGetPropertyValue("op", out var opNode) || opNode is not JsonValue opValue || !opValue.TryGetValue(out string? op) || string.IsNullOrEmpty(op))
            throw new ControlException("missing \"op\" (a string, e.g. {\"op\":\"status\"})");
        return new ControlRequest(op, obj);
    }

    public bool Has(string name) => body.TryGetPropertyValue(name, out var v) && v is not null;

    /// <summary>A string argument (numbers are accepted and turned into text).</summary>
    public string? GetString(string name)
    {
        if (!body.TryGetPropertyValue(name, out var v) || v is null)
            return null;
        if (v is JsonValue value)
        {
            if (value.TryGetValue(out string? s))
                return s;
            if (value.GetValueKind() == JsonValueKind.Number)
                return value.ToJsonString();
        }
        throw new ControlException($"\"{name}\" must be a string");
    }

    /// <summary>An address: a JSON number, or a string in hex (0x...) or decimal; underscores allowed.</summary>
    public ulong GetAddress(string name)
    {
        string text = GetString(name) ?? throw new ControlException($"missing \"{name}\"");
        return ParseAddress(text) ?? throw new ControlException($"\"{name}\": '{text}' is not an address (e.g. \"0xffffffff80000000\")");
    }

    public static ulong? ParseAddress(string text)
    {
        string t = text.Trim().Replace("_", "", StringComparison.Ordinal);
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        return ok && t.Length > 0 ? v : null;
    }

    /// <summary>An integer argument, or <paramref name="fallback"/> when absent.</summary>
    public int GetInt(string name, int fallback)
    {
        if (!body.TryGetPropertyValue(name, out var v) || v is null)
            return fallback;
        if (v is JsonValue value)
        {
            if (value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out int n))
                return n;
            if (value.TryGetValue(out string? s) && int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n))
                return n;
        }
        throw new ControlException($"\"{name}\" must be an integer");
    }

    /// <summary>A boolean argument (true/false, or "true"/"false"), or <paramref name="fallback"/> when absent.</summary>
    public bool GetBool(string name, bool fallback)
    {
        if (!body.TryGetPropertyValue(name, out var v) || v is null)
            return fallback;
        if (v is JsonValue value)
        {
            if (value.TryGetValue(out bool b))
                return b;
            if (value.TryGetValue(out string? s) && bool.TryParse(s, out b))
                return b;
        }
        throw new ControlException($"\"{name}\" must be true or false");
    }
}
