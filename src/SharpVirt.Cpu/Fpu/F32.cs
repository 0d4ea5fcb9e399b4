using static SharpVirt.Cpu.Fpu.HardwareAssist;

namespace SharpVirt.Cpu.Fpu;

/// <summary>
/// RISC-V "F" extension arithmetic on raw IEEE binary32 bits. Exceptions are OR-ed into the flags.
/// Operations run in host double precision, where binary32 products are exact and the error of other
/// operations is recoverable exactly (TwoSum, FMA residuals); the final rounding is done in software.
/// </summary>
public static class F32
{
    /// <summary>The canonical NaN every NaN-producing operation returns (spec "F", NaN generation).</summary>
    public const uint CanonicalNaN = 0x7fc00000;

    private const uint SignBit = 0x8000_0000;

    /// <summary>fadd.s: a + b.</summary>
    public static uint Add(uint a, uint b, RoundingMode rm, ref FFlags f)
    {
        double x = Widen(a), y = Widen(b);
        double s = x + y;
        if (s == 0)
        {
            // Exact zero: x + (-x) and (+0) + (-0) are -0 only when rounding down (IEEE 754 §6.3).
            return rm == RoundingMode.Rdn && (a | b) != 0 ? SignBit : Bits((float)s);
        }

        if (!double.IsFinite(s))
        {
            return (uint)SoftFloat<Binary32>.Add(a, b, rm, ref f);
        }

        return Finish32(s, MagnitudeDir(s, TwoSumErr(x, y, s)), true, rm, ref f);
    }

    /// <summary>fsub.s: a - b.</summary>
    public static uint Sub(uint a, uint b, RoundingMode rm, ref FFlags f) => Add(a, b ^ SignBit, rm, ref f);

    /// <summary>fmul.s: a * b.</summary>
    public static uint Mul(uint a, uint b, RoundingMode rm, ref FFlags f)
    {
        double p = Widen(a) * Widen(b); // exact: 24x24 bits, exponents well inside double range
        if (p == 0 || !double.IsFinite(p))
        {
            return (uint)SoftFloat<Binary32>.Mul(a, b, rm, ref f);
        }

        return Finish32(p, 0, true, rm, ref f);
    }

    /// <summary>fdiv.s: a / b (DZ for a finite non-zero dividend over zero).</summary>
    public static uint Div(uint a, uint b, RoundingMode rm, ref FFlags f)
    {
        double x = Widen(a), y = Widen(b);
        double q = x / y;
        if (q == 0 || !double.IsFinite(q))
        {
            return (uint)SoftFloat<Binary32>.Div(a, b, rm, ref f);
        }

        // q*y - x has the sign of q - x/y scaled by y; no underflow is possible for binary32 inputs.
        double rr = Math.FusedMultiplyAdd(q, y, -x);
        int dir = rr == 0 ? 0 : (rr > 0) == (x > 0) ? -1 : 1;
        return Finish32(q, dir, true, rm, ref f);
    }

    /// <summary>fsqrt.s.</summary>
    public static uint Sqrt(uint a, RoundingMode rm, ref FFlags f)
    {
        if (a - 1 >= 0x7F7F_FFFFu)
        {
            return (uint)SoftFloat<Binary32>.SqrtSpecial(a, ref f); // zero, negative, inf, NaN
        }

        double x = Widen(a);
        double r = Math.Sqrt(x);
        double rr = Math.FusedMultiplyAdd(r, r, -x);
        return Finish32(r, rr > 0 ? -1 : rr < 0 ? 1 : 0, true, rm, ref f);
    }

    /// <summary>a*b+c rounded once; fmsub/fnmsub/fnmadd are obtained by flipping sign bits.</summary>
    public static uint MulAdd(uint a, uint b, uint c, RoundingMode rm, ref FFlags f)
    {
        double z = Widen(c);
        double p = Widen(a) * Widen(b); // exact
        double s = p + z;
        if (s == 0)
        {
            // Exact zero (a zero product plus a zero, or exact cancellation): same rule as addition.
            return rm == RoundingMode.Rdn && (Bits(p) | Bits(z)) != 0 ? SignBit : Bits((float)s);
        }

        if (!double.IsFinite(s))
        {
            return (uint)SoftFloat<Binary32>.MulAdd(a, b, c, rm, ref f);
        }

        // Double rounding is not innocuous here, so inexact sums always take the exact rounding path.
        return Finish32(s, MagnitudeDir(s, TwoSumErr(p, z, s)), false, rm, ref f);
    }

    /// <summary>fmin.s (spec v2.2 semantics: a lone NaN is ignored, -0 &lt; +0).</summary>
    public static uint Min(uint a, uint b, ref FFlags f) => (uint)SoftFloat<Binary32>.Min(a, b, ref f);

    /// <summary>fmax.s (spec v2.2 semantics: a lone NaN is ignored, -0 &lt; +0).</summary>
    public static uint Max(uint a, uint b, ref FFlags f) => (uint)SoftFloat<Binary32>.Max(a, b, ref f);

    /// <summary>feq.s: quiet, NV only for signalling NaNs.</summary>
    public static bool Eq(uint a, uint b, ref FFlags f) => SoftFloat<Binary32>.Eq(a, b, ref f);

    /// <summary>flt.s: signalling, NV for any NaN.</summary>
    public static bool Lt(uint a, uint b, ref FFlags f) => SoftFloat<Binary32>.Lt(a, b, ref f);

    /// <summary>fle.s: signalling, NV for any NaN.</summary>
    public static bool Le(uint a, uint b, ref FFlags f) => SoftFloat<Binary32>.Le(a, b, ref f);

    /// <summary>fclass.s: the one-hot 10-bit class mask.</summary>
    public static uint Classify(uint a) => SoftFloat<Binary32>.Classify(a);

    /// <summary>fcvt.w.s; the 32-bit result sign-extended.</summary>
    public static long ToInt32(uint a, RoundingMode rm, ref FFlags f) =>
        (long)SoftFloat<Binary32>.ToInt(a, 32, true, rm, ref f);

    /// <summary>fcvt.wu.s; the 32-bit result sign-extended (as RV64 writes it to the register).</summary>
    public static long ToUInt32(uint a, RoundingMode rm, ref FFlags f) =>
        (long)SoftFloat<Binary32>.ToInt(a, 32, false, rm, ref f);

    /// <summary>fcvt.l.s.</summary>
    public static long ToInt64(uint a, RoundingMode rm, ref FFlags f) =>
        (long)SoftFloat<Binary32>.ToInt(a, 64, true, rm, ref f);

    /// <summary>fcvt.lu.s.</summary>
    public static ulong ToUInt64(uint a, RoundingMode rm, ref FFlags f) =>
        SoftFloat<Binary32>.ToInt(a, 64, false, rm, ref f);

    /// <summary>fcvt.s.w.</summary>
    public static uint FromInt32(int v, RoundingMode rm, ref FFlags f) => FromInt64(v, rm, ref f);

    /// <summary>fcvt.s.wu.</summary>
    public static uint FromUInt32(uint v, RoundingMode rm, ref FFlags f) => FromUInt64(v, rm, ref f);

    /// <summary>fcvt.s.l.</summary>
    public static uint FromInt64(long v, RoundingMode rm, ref FFlags f)
    {
        if ((ulong)(v + (1L << 24)) <= 1UL << 25)
        {
            return Bits((float)v); // |v| <= 2^24: exact
        }

        return (uint)SoftFloat<Binary32>.FromInt(v < 0, v < 0 ? 0 - (ulong)v : (ulong)v, rm, ref f);
    }

    /// <summary>fcvt.s.lu.</summary>
    public static uint FromUInt64(ulong v, RoundingMode rm, ref FFlags f)
    {
        if (v <= 1UL << 24)
        {
            return Bits((float)v);
        }

        return (uint)SoftFloat<Binary32>.FromInt(false, v, rm, ref f);
    }

    /// <summary>fcvt.d.s: exact except that NaNs become the canonical NaN (NV for sNaN).</summary>
    public static ulong ToF64(uint a, ref FFlags f)
    {
        if ((a & ~SignBit) > 0x7F80_0000u)
        {
            return SoftFloat<Binary64>.Convert<Binary32>(a, RoundingMode.Rne, ref f);
        }

        return Bits((double)BitConverter.UInt32BitsToSingle(a));
    }
}
