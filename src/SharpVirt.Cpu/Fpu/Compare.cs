namespace SharpVirt.Cpu.Fpu;

/// <summary>Comparisons, fmin/fmax and fclass on raw bits.</summary>
internal static partial class SoftFloat<T>
    where T : struct, IFloatFormat
{
    /// <summary>Total order on non-NaN values in which -0 &lt; +0 (as fmin/fmax require).</summary>
    private static bool LessSigned(ulong a, ulong b)
    {
        bool sa = Sign(a);
        if (sa != Sign(b))
        {
            return sa;
        }

        return sa ? a > b : a < b;
    }

    /// <summary>fmin (spec v2.2+, IEEE 754-2019 minimumNumber): a lone NaN operand is ignored, two NaNs
    /// give the canonical NaN, any sNaN raises NV, and -0 is less than +0.</summary>
    internal static ulong Min(ulong a, ulong b, ref FFlags f)
    {
        bool na = IsNaN(a), nb = IsNaN(b);
        if (na || nb)
        {
            if (IsSNaN(a) || IsSNaN(b))
            {
                f |= FFlags.NV;
            }

            return na && nb ? DefaultNaN : na ? b : a;
        }

        return LessSigned(b, a) ? b : a;
    }

    /// <summary>fmax, the mirror of <see cref="Min"/>.</summary>
    internal static ulong Max(ulong a, ulong b, ref FFlags f)
    {
        bool na = IsNaN(a), nb = IsNaN(b);
        if (na || nb)
        {
            if (IsSNaN(a) || IsSNaN(b))
            {
                f |= FFlags.NV;
            }

            return na && nb ? DefaultNaN : na ? b : a;
        }

        return LessSigned(a, b) ? b : a;
    }

    /// <summary>feq: quiet comparison, NV only for signalling NaNs.</summary>
    internal static bool Eq(ulong a, ulong b, ref FFlags f)
    {
        if (IsNaN(a) || IsNaN(b))
        {
            if (IsSNaN(a) || IsSNaN(b))
            {
                f |= FFlags.NV;
            }

            return false;
        }

        return a == b || IsZero(a | b);
    }

    /// <summary>flt: signalling comparison, NV for any NaN.</summary>
    internal static bool Lt(ulong a, ulong b, ref FFlags f)
    {
        if (IsNaN(a) || IsNaN(b))
        {
            f |= FFlags.NV;
            return false;
        }

        return !IsZero(a | b) && LessSigned(a, b);
    }

    /// <summary>fle: signalling comparison, NV for any NaN.</summary>
    internal static bool Le(ulong a, ulong b, ref FFlags f)
    {
        if (IsNaN(a) || IsNaN(b))
        {
            f |= FFlags.NV;
            return false;
        }

        return a == b || IsZero(a | b) || LessSigned(a, b);
    }

    /// <summary>fclass: one-hot mask (spec "F", table "Format of result of FCLASS instruction").</summary>
    internal static uint Classify(ulong a)
    {
        bool neg = Sign(a);
        ulong mag = a & ~SignBit;
        if (mag == Inf)
        {
            return neg ? 1u << 0 : 1u << 7;
        }

        if (mag > Inf)
        {
            return (a & QuietBit) != 0 ? 1u << 9 : 1u << 8;
        }

        if (mag == 0)
        {
            return neg ? 1u << 3 : 1u << 4;
        }

        if (mag <= FracMask)
        {
            return neg ? 1u << 2 : 1u << 5;
        }

        return neg ? 1u << 1 : 1u << 6;
    }
}
