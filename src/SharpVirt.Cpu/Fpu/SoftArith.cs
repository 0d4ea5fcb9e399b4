using System.Numerics;

namespace SharpVirt.Cpu.Fpu;

/// <summary>Exact integer implementations of add, multiply, divide and fused multiply-add, handling every
/// special case. They are the slow paths behind the hardware-assisted fast paths in F32/F64.</summary>
internal static partial class SoftFloat<T>
    where T : struct, IFloatFormat
{
    /// <summary>Exact zero sum of operands of opposite sign: +0, or -0 when rounding down (IEEE 754 §6.3).</summary>
    internal static ulong ZeroSum(RoundingMode rm) => rm == RoundingMode.Rdn ? SignBit : 0;

    internal static ulong Add(ulong a, ulong b, RoundingMode rm, ref FFlags f)
    {
        if (IsNaN(a) || IsNaN(b))
        {
            return PropagateNaN(a, b, ref f);
        }

        bool sa = Sign(a), sb = Sign(b);
        if (IsInf(a))
        {
            if (IsInf(b) && sa != sb)
            {
                f |= FFlags.NV;
                return DefaultNaN;
            }

            return a;
        }

        if (IsInf(b))
        {
            return b;
        }

        if (IsZero(a))
        {
            return IsZero(b) && sa != sb ? ZeroSum(rm) : b;
        }

        if (IsZero(b))
        {
            return a;
        }

        // Normalise both to bit 62 so the sum cannot carry out; M <= 52 leaves >= 9 guard bits.
        ulong siga = Unpack(a, out int ea), sigb = Unpack(b, out int eb);
        int la = BitOperations.LeadingZeroCount(siga) - 1, lb = BitOperations.LeadingZeroCount(sigb) - 1;
        siga <<= la;
        ea -= la;
        sigb <<= lb;
        eb -= lb;
        if (ea < eb)
        {
            (siga, sigb) = (sigb, siga);
            (ea, eb) = (eb, ea);
            (sa, sb) = (sb, sa);
        }

        sigb = ShiftRightJam(sigb, ea - eb);
        ulong sum;
        bool sign = sa;
        if (sa == sb)
        {
            sum = siga + sigb;
        }
        else if (siga >= sigb)
        {
            sum = siga - sigb;
            if (sum == 0)
            {
                return ZeroSum(rm);
            }
        }
        else
        {
            sum = sigb - siga;
            sign = sb;
        }

        return RoundPack(sign, ea, sum, rm, ref f);
    }

    internal static ulong Mul(ulong a, ulong b, RoundingMode rm, ref FFlags f)
    {
        if (IsNaN(a) || IsNaN(b))
        {
            return PropagateNaN(a, b, ref f);
        }

        bool sign = Sign(a) != Sign(b);
        ulong signBits = sign ? SignBit : 0;
        if (IsInf(a) || IsInf(b))
        {
            if (IsZero(a) || IsZero(b))
            {
                f |= FFlags.NV;
                return DefaultNaN;
            }

            return signBits | Inf;
        }

        if (IsZero(a) || IsZero(b))
        {
            return signBits;
        }

        ulong siga = Unpack(a, out int ea), sigb = Unpack(b, out int eb);
        ulong hi = Math.BigMul(siga, sigb, out ulong lo);
        int exp = ea + eb;
        ulong sig = Collapse(new UInt128(hi, lo), ref exp);
        return RoundPack(sign, exp, sig, rm, ref f);
    }

    internal static ulong Div(ulong a, ulong b, RoundingMode rm, ref FFlags f)
    {
        if (IsNaN(a) || IsNaN(b))
        {
            return PropagateNaN(a, b, ref f);
        }

        bool sign = Sign(a) != Sign(b);
        ulong signBits = sign ? SignBit : 0;
        if (IsInf(a))
        {
            if (IsInf(b))
            {
                f |= FFlags.NV;
                return DefaultNaN;
            }

            return signBits | Inf;
        }

        if (IsInf(b))
        {
            return signBits;
        }

        if (IsZero(b))
        {
            if (IsZero(a))
            {
                f |= FFlags.NV;
                return DefaultNaN;
            }

            f |= FFlags.DZ;
            return signBits | Inf;
        }

        if (IsZero(a))
        {
            return signBits;
        }

        // Dividend normalised to bit 62 and divisor to bit 63: the 64-bit quotient has >= 62 bits.
        ulong siga = Unpack(a, out int ea), sigb = Unpack(b, out int eb);
        int la = BitOperations.LeadingZeroCount(siga) - 1, lb = BitOperations.LeadingZeroCount(sigb);
        siga <<= la;
        ea -= la;
        sigb <<= lb;
        eb -= lb;
        (UInt128 q, UInt128 r) = UInt128.DivRem(new UInt128(siga, 0), sigb);
        ulong sig = (ulong)q | (r != UInt128.Zero ? 1UL : 0);
        return RoundPack(sign, ea - eb - 64, sig, rm, ref f);
    }

    /// <summary>Square root of a zero, negative, infinite or NaN operand (the caller handles the rest).</summary>
    internal static ulong SqrtSpecial(ulong a, ref FFlags f)
    {
        if (IsNaN(a))
        {
            return PropagateNaN(a, 0, ref f);
        }

        if (IsZero(a) || !Sign(a))
        {
            return a; // sqrt(+-0) = +-0, sqrt(+inf) = +inf
        }

        f |= FFlags.NV;
        return DefaultNaN;
    }

    /// <summary>a*b+c with a single rounding.</summary>
    internal static ulong MulAdd(ulong a, ulong b, ulong c, RoundingMode rm, ref FFlags f)
    {
        bool nanA = IsNaN(a), nanB = IsNaN(b), nanC = IsNaN(c);
        if (nanA || nanB || nanC)
        {
            if (IsSNaN(a) || IsSNaN(b) || IsSNaN(c))
            {
                f |= FFlags.NV;
            }

            // inf*0 is invalid even when the addend is a quiet NaN (spec "F", fused multiply-add).
            if (!nanA && !nanB && ((IsInf(a) && IsZero(b)) || (IsZero(a) && IsInf(b))))
            {
                f |= FFlags.NV;
            }

            return DefaultNaN;
        }

        bool sp = Sign(a) != Sign(b), sc = Sign(c);
        if (IsInf(a) || IsInf(b))
        {
            if (IsZero(a) || IsZero(b) || (IsInf(c) && sc != sp))
            {
                f |= FFlags.NV;
                return DefaultNaN;
            }

            return (sp ? SignBit : 0) | Inf;
        }

        if (IsInf(c))
        {
            return c;
        }

        if (IsZero(a) || IsZero(b))
        {
            // The product is an exact signed zero.
            return IsZero(c) && sc != sp ? ZeroSum(rm) : c;
        }

        ulong siga = Unpack(a, out int ea), sigb = Unpack(b, out int eb);
        ulong hi = Math.BigMul(siga, sigb, out ulong lo);
        var prod = new UInt128(hi, lo);
        int ep = ea + eb;
        if (IsZero(c))
        {
            ulong s = Collapse(prod, ref ep);
            return RoundPack(sp, ep, s, rm, ref f);
        }

        // Put both significands' leading bit at bit 125, align with jamming, then add or subtract.
        int lp = (int)UInt128.LeadingZeroCount(prod) - 2;
        prod <<= lp;
        ep -= lp;
        UInt128 sigc = Unpack(c, out int ec);
        int lc = (int)UInt128.LeadingZeroCount(sigc) - 2;
        sigc <<= lc;
        ec -= lc;
        int exp;
        if (ep >= ec)
        {
            sigc = ShiftRightJam(sigc, ep - ec);
            exp = ep;
        }
        else
        {
            prod = ShiftRightJam(prod, ec - ep);
            exp = ec;
        }

        UInt128 sum;
        bool sign = sp;
        if (sp == sc)
        {
            sum = prod + sigc;
        }
        else if (prod >= sigc)
        {
            sum = prod - sigc;
            if (sum == UInt128.Zero)
            {
                return ZeroSum(rm);
            }
        }
        else
        {
            sum = sigc - prod;
            sign = sc;
        }

        ulong sig = Collapse(sum, ref exp);
        return RoundPack(sign, exp, sig, rm, ref f);
    }
}
