namespace SharpVirt.Machine.DeviceTree;

/// <summary>
/// Splits a RISC-V ISA string such as <c>rv64imafdc_zicsr_zifencei_sstc</c> into the pieces the
/// devicetree CPU binding wants: <c>riscv,isa-base</c> ("rv64i") and <c>riscv,isa-extensions</c>
/// (one lower-case name per extension). Naming rules: RISC-V Unprivileged ISA, chapter
/// "ISA Extension Naming Conventions".
/// </summary>
public static class RiscvIsaString
{
    // "G" abbreviates the general-purpose set IMAFD plus Zicsr and Zifencei.
    private static readonly string[] GeneralExpansion = ["i", "m", "a", "f", "d", "zicsr", "zifencei"];

    /// <summary>The base ISA, "rv64i" or "rv64e", from an RV64 ISA string.</summary>
    public static string Base(string isa)
    {
        var (_, singles) = Split(isa);
        return singles.Length > 0 && singles[0] == 'e' ? "rv64e" : "rv64i";
    }

    /// <summary>
    /// The extension names in the order written: single letters first ("g" expanded), then the
    /// underscore-separated multi-letter extensions. Version suffixes on single letters
    /// (e.g. "i2p1") are dropped. Duplicates are removed.
    /// </summary>
    public static IReadOnlyList<string> Extensions(string isa)
    {
        var (multi, singles) = Split(isa);
        var result = new List<string>();
        void Add(string ext)
        {
            if (!result.Contains(ext))
                result.Add(ext);
        }

        for (int i = 0; i < singles.Length; i++)
        {
            char c = singles[i];
            // A version such as "2p1" follows an extension letter; skip its digits and the 'p'.
            if (char.IsAsciiDigit(c) || (c == 'p' && i > 0 && char.IsAsciiDigit(singles[i - 1])
                                                   && i + 1 < singles.Length && char.IsAsciiDigit(singles[i + 1])))
                continue;
            if (!char.IsAsciiLetterLower(c))
                throw new ArgumentException($"ISA string \"{isa}\": unexpected character '{c}'", nameof(isa));
            if (c == 'g')
                foreach (var e in GeneralExpansion)
                    Add(e);
            else
                Add(c.ToString());
        }
        foreach (var m in multi)
            Add(m);
        return result;
    }

    private static (string[] Multi, string Singles) Split(string isa)
    {
        ArgumentNullException.ThrowIfNull(isa);
        string s = isa.ToLowerInvariant();
        if (!s.StartsWith("rv64", StringComparison.Ordinal))
            throw new ArgumentException($"ISA string \"{isa}\" does not start with \"rv64\"", nameof(isa));
        var parts = s[4..].Split('_');
        string singles = parts[0];
        if (singles.Length == 0 || singles[0] is not ('i' or 'e' or 'g'))
            throw new ArgumentException($"ISA string \"{isa}\" must name a base ISA (i, e or g) right after \"rv64\"", nameof(isa));
        var multi = parts.Skip(1).ToArray();
        if (multi.Any(m => m.Length == 0 || !m.All(char.IsAsciiLetterOrDigit)))
            throw new ArgumentException($"ISA string \"{isa}\" has an empty or malformed multi-letter extension", nameof(isa));
        return (multi, singles);
    }
}
