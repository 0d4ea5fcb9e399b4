namespace SharpVirt.Cpu.Fpu;

/// <summary>Accrued exception flags, laid out as the RISC-V fflags CSR (spec "F", fcsr).</summary>
[Flags]
public enum FFlags : byte
{
    /// <summary>No exception.</summary>
    None = 0,
    /// <summary>Inexact.</summary>
    NX = 1,
    /// <summary>Underflow (tiny after rounding and inexact).</summary>
    UF = 2,
    /// <summary>Overflow.</summary>
    OF = 4,
    /// <summary>Divide by zero.</summary>
    DZ = 8,
    /// <summary>Invalid operation.</summary>
    NV = 16,
}
