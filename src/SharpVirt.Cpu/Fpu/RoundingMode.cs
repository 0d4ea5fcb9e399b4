namespace SharpVirt.Cpu.Fpu;

/// <summary>IEEE 754 rounding modes, numbered as the RISC-V frm field / instruction rm field (spec "F", table 11.1).</summary>
/// <remarks>Values 5 and 6 are reserved and 7 (DYN) selects frm; the caller resolves DYN and rejects the
/// reserved encodings (illegal instruction) before calling into this library.</remarks>
public enum RoundingMode : byte
{
    /// <summary>Round to nearest, ties to even.</summary>
    Rne = 0,
    /// <summary>Round towards zero.</summary>
    Rtz = 1,
    /// <summary>Round down (towards negative infinity).</summary>
    Rdn = 2,
    /// <summary>Round up (towards positive infinity).</summary>
    Rup = 3,
    /// <summary>Round to nearest, ties to max magnitude.</summary>
    Rmm = 4,
}
