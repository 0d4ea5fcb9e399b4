using System.Runtime.CompilerServices;
using static SharpVirt.Cpu.Fpu.HardwareAssist;

namespace SharpVirt.Cpu.Fpu;

/// <summary>
/// RISC-V "D" extension arithmetic on raw IEEE binary64 bits. Exceptions are OR-ed into the flags.
/// Results comfortably inside the normal range come from host arithmetic plus an exact error term;
/// everything else (specials, subnormals, overflow) takes the exact integer path.
/// </summary>
public static class F64
{
    /// <summary>The canonical NaN every NaN-producing operation returns (spec "F", NaN generation).</summary>
    public const ulong CanonicalNaN = 0x7ff8000000000000;

    private const ulong SignBit = 1UL << 63;

    // Fast paths need the RNE result's biased exponent in [Lo, 2045] so a one-ulp correction stays normal
    // and finite. Products and quotients also need the error term clear of underflow: by the usual
    // error-representability bound (ea + eb >= emin + p - 1) a floor of 2^-913 is comfortably enough.
    private const uint LoAdd = 2, LoMul = 110, Hi = 2045;

    private static readonly double Two128 = Math.ScaleB(1.0, 128), TwoM64 = Math.ScaleB(1.0, -64);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InRange(ulong r, uint lo) => (uint)(r >> 52 & 0x7FF) - lo <= Hi - lo;

    /// <summary>fadd.d: a + b.</summary>
    public static ulong Add(ulong a, ulong b, RoundingMode rm, ref FFlags f)
    {
        double x = AsDouble(a), y = AsDouble(b);
        double s = x + y;
        ulong sb = Bits(s);
        if (InRange(sb, LoAdd))
        {
            double err = TwoSumErr(x, y, s);
            return err == 0 ? sb : Correct(sb, err, true, rm, ref f);
        }

        return SoftFloat<Binary64>.Add(a, b, rm, ref f);
    }

    /// <summary>fsub.d: a - b.</summary>
    public static ulong Sub(ulong a, ulong b, RoundingMode rm, ref FFlags f) => Add(a, b ^ SignBit, rm, ref f);

    /// <summary>fmul.d: a * b.</summary>
    public static ulong Mul(ulong a, ulong b, RoundingMode rm, ref FFlags f)
    {
        double x = AsDouble(a), y = AsDouble(b);
        double p = x * y;
        ulong pb = Bits(p);
        if (InRange(pb, LoMul))
        {
            double err = Math.FusedMultiplyAdd(x, y, -p); // exact
            return err == 0 ? pb : Correct(pb, err, true, rm, ref f);
        }

        return SoftFloat<Binary64>.Mul(a, b, rm, ref f);
    }

    /// <summary>fdiv.d: a / b (DZ for a finite non-zero dividend over zero).</summary>
    public static ulong Div(ulong a, ulong b, RoundingMode rm, ref FFlags f)
    {
        double x = AsDouble(a), y = AsDouble(b);
        double q = x / y;
        ulong qb = Bits(q);
        if (InRange(qb, LoAdd) && (uint)(a >> 52 & 0x7FF) - LoMul <= Hi + 1 - LoMul)
        {
            // The residual q*y - x cannot underflow, so its sign is exact; quotients never tie.
            double rr = Math.FusedMultiplyAdd(q, y, -x);
            return rr == 0 ? qb : Correct(qb, (rr > 0) == (y > 0) ? -1.0 : 1.0, false, rm, ref f);
        }

        return SoftFloat<Binary64>.Div(a, b, rm, ref f);
    }

    /// <summary>fsqrt.d.</summary>
    public static ulong Sqrt(ulong a, RoundingMode rm, ref FFlags f)
    {
        if (a - 1 >= 0x7FEF_FFFF_FFFF_FFFFUL)
        {
            return SoftFloat<Binary64>.SqrtSpecial(a, ref f); // zero, negative, inf, NaN
        }

        // Small inputs are scaled by 2^128 (exact) so the residual cannot underflow; the root is then
        // scaled back by 2^-64, exactly, as square roots are never subnormal.
        bool scaled = a < (ulong)LoMul << 52;
        double x = AsDouble(a);
        if (scaled)
        {
            x *= Two128;
        }

        double r = Math.Sqrt(x);
        double rr = Math.FusedMultiplyAdd(r, r, -x);
        ulong rb = Bits(r);
        if (rr != 0)
        {
            rb = Correct(rb, -rr, false, rm, ref f);
        }

        return scaled ? Bits(AsDouble(rb) * TwoM64) : rb;
    }

    /// <summary>a*b+c rounded once; fmsub/fnmsub/fnmadd are obtained by flipping sign bits.</summary>
    public static ulong MulAdd(ulong a, ulong b, ulong c, RoundingMode rm, ref FFlags f)
    {
        double x = AsDouble(a), y = AsDouble(b), z = AsDouble(c);
        double r1 = Math.FusedMultiplyAdd(x, y, z);
        double u1 = x * y;
        ulong rb = Bits(r1);
        if (InRange(rb, LoMul) && InRange(Bits(u1), LoMul))
        {
            // ErrFma (Boldo & Muller, "Exact and approximated error of the FMA", IEEE TC 2011): with
            // |x*y| >= 2^(emin+2p-1) and |r1| >= 2^(emin+p-1), x*y + z = r1 + r2 + r3 exactly, where r3 is
            // the rounding error of r2. So r2 carries the sign of the error and r2 == 0 means exact.
            double u2 = Math.FusedMultiplyAdd(x, y, -u1);
            double alpha1 = z + u2;
            double alpha2 = TwoSumErr(z, u2, alpha1);
            double beta1 = u1 + alpha1;
            double beta2 = TwoSumErr(u1, alpha1, beta1);
            double gamma = (beta1 - r1) + beta2;
            double r2 = gamma + alpha2;
            if (r2 == 0)
            {
                return rb;
            }

            // A tie (|error| exactly half an ulp) needs r3 == 0.
            return Correct(rb, r2, TwoSumErr(gamma, alpha2, r2) == 0, rm, ref f);
        }

        return SoftFloat<Binary64>.MulAdd(a, b, c, rm, ref f);
    }

    /// <summary>fmin.d (spec v2.2 semantics: a lone NaN is ignored, -0 &lt; +0).</summary>
    public static ulong Min(ulong a, ulong b, ref FFlags f) => SoftFloat<Binary64>.Min(a, b, ref f);

    /// <summary>fmax.d (spec v2.2 semantics: a lone NaN is ignored, -0 &lt; +0).</summary>
    public static ulong Max(ulong a, ulong b, ref FFlags f) => SoftFloat<Binary64>.Max(a, b, ref f);

    /// <summary>feq.d: quiet, NV only for signalling NaNs.</summary>
    public static bool Eq(ulong a, ulong b, ref FFlags f) => SoftFloat<Binary64>.Eq(a, b, ref f);

    /// <summary>flt.d: signalling, NV for any NaN.</summary>
    public static bool Lt(ulong a, ulong b, ref FFlags f) => SoftFloat<Binary64>.Lt(a, b, ref f);

    /// <summary>fle.d: signalling, NV for any NaN.</summary>
    public static bool Le(ulong a, ulong b, ref FFlags f) => SoftFloat<Binary64>.Le(a, b, ref f);

    /// <summary>fclass.d: the one-hot 10-bit class mask.</summary>
    public static ulong Classify(ulong a) => SoftFloat<Binary64>.Classify(a);

    /// <summary>fcvt.w.d; the 32-bit result sign-extended.</summary>
    public static long ToInt32(ulong a, RoundingMode rm, ref FFlags f) =>
        (long)SoftFloat<Binary64>.ToInt(a, 32, true, rm, ref f);

    /// <summary>fcvt.wu.d; the 32-bit result sign-extended (as RV64 writes it to the register).</summary>
    public static long ToUInt32(ulong a, RoundingMode rm, ref FFlags f) =>
        (long)SoftFloat<Binary64>.ToInt(a, 32, false, rm, ref f);

    /// <summary>fcvt.l.d.</summary>
    public static long ToInt64(ulong a, RoundingMode rm, ref FFlags f) =>
        (long)SoftFloat<Binary64>.ToInt(a, 64, true, rm, ref f);

    /// <summary>fcvt.lu.d.</summary>
    public static ulong ToUInt64(ulong a, RoundingMode rm, ref FFlags f) =>
        SoftFloat<Binary64>.ToInt(a, 64, false, rm, ref f);

    /// <summary>fcvt.d.w: always exact.</summary>
    public static ulong FromInt32(int v, RoundingMode rm, ref FFlags f) => Bits((double)v);

    /// <summary>fcvt.d.wu: always exact.</summary>
    public static ulong FromUInt32(uint v, RoundingMode rm, ref FFlags f) => Bits((double)v);

    /// <summary>fcvt.d.l.</summary>
    public static ulong FromInt64(long v, RoundingMode rm, ref FFlags f)
    {
        if ((ulong)(v + (1L << 53)) <= 1UL << 54)
        {
            return Bits((double)v); // |v| <= 2^53: exact
        }

        return SoftFloat<Binary64>.FromInt(v < 0, v < 0 ? 0 - (ulong)v : (ulong)v, rm, ref f);
    }

    /// <summary>fcvt.d.lu.</summary>
    public static ulong FromUInt64(ulong v, RoundingMode rm, ref FFlags f)
    {
        if (v <= 1UL << 53)
        {
            return Bits((double)(long)v);
        }

        return SoftFloat<Binary64>.FromInt(false, v, rm, ref f);
    }

    /// <summary>fcvt.s.d.</summary>
    public static uint ToF32(ulong a, RoundingMode rm, ref FFlags f)
    {
        double d = AsDouble(a);
        float r = (float)d;
        if (r == d)
        {
            return Bits(r); // exact, including zeros and infinities
        }

        uint rb = Bits(r);
        if (rm == RoundingMode.Rne && (rb >> 23 & 0xFF) - 2u < 253u)
        {
            f |= FFlags.NX;
            return rb;
        }

        return (uint)SoftFloat<Binary32>.Convert<Binary64>(a, rm, ref f);
    }
}
