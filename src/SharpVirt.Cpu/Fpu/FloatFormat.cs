namespace SharpVirt.Cpu.Fpu;

/// <summary>Describes an IEEE 754 binary interchange format so the soft-float core can be written once;
/// the JIT specialises every generic use over the struct formats below, folding these to constants.</summary>
internal interface IFloatFormat
{
    /// <summary>Stored fraction bits (precision minus the hidden bit).</summary>
    static abstract int MantBits { get; }

    /// <summary>Exponent field width.</summary>
    static abstract int ExpBits { get; }
}

/// <summary>binary32 (single).</summary>
internal readonly struct Binary32 : IFloatFormat
{
    public static int MantBits => 23;
    public static int ExpBits => 8;
}

/// <summary>binary64 (double).</summary>
internal readonly struct Binary64 : IFloatFormat
{
    public static int MantBits => 52;
    public static int ExpBits => 11;
}
