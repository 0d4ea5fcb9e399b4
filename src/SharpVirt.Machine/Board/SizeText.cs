using System.Globalization;

namespace SharpVirt.Machine.Board;

/// <summary>Parses sizes as QEMU's -m does: a number with an optional K, M, G or T suffix; without one, MiB (or <c>defaultShift</c>).</summary>
public static class SizeText
{
    public static bool TryParse(string text, out ulong bytes, out string? error, int defaultShift = 20)
    {
        bytes = 0;
        error = null;
        string t = text.Trim();
        if (t.Length == 0)
        {
            error = "empty size";
            return false;
        }
        char last = char.ToUpperInvariant(t[^1]);
        int shift = defaultShift;
        if (char.IsLetter(last))
        {
            shift = last switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => -1 };
            t = t[..^1];
            if (t.EndsWith('i') || t.EndsWith('I'))
                t = t[..^1];
        }
        if (shift < 0 || !ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out ulong n) || (n == 0 && defaultShift != 0))
        {
            error = $"'{text}' is not a size (examples: 512M, 2G)";
            return false;
        }
        if (n > (ulong.MaxValue >> shift))
        {
            error = $"'{text}' is too large";
            return false;
        }
        bytes = n << shift;
        return true;
    }
}
