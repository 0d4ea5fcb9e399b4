namespace SharpVirt.Cpu.Fpu;

/// <summary>Integer conversions and conversion between the two formats.</summary>
internal static partial class SoftFloat<T>
    where T : struct, IFloatFormat
{
    /// <summary>
    /// fcvt.{w,wu,l,lu}: rounds to an integer of <paramref name="bits"/> bits (32 or 64) and returns it
    /// sign-extended to 64 bits. Out of range inputs saturate with NV and no NX; NaN gives the largest
    /// positive value (spec "F", table "Domains of float-to-integer conversions").
    /// </summary>
    internal static ulong ToInt(ulong a, int bits, bool signed, RoundingMode rm, ref FFlags f)
    {
        ulong max = signed ? (1UL << (bits - 1)) - 1 : ulong.MaxValue >> (64 - bits);
        ulong minMag = signed ? 1UL << (bits - 1) : 0; // magnitude of the most negative result
        bool neg = Sign(a);
        if (IsNaN(a))
        {
            f |= FFlags.NV;
            return Extend(max, bits);
        }

        if (IsZero(a))
        {
            return 0;
        }

        ulong mag;
        bool inexact = false;
        bool huge = IsInf(a);
        if (!huge)
        {
            ulong sig = Unpack(a, out int exp);
            if (exp >= 0)
            {
                // Anything shifted past bit 63 is out of range for every target.
                huge = exp > 63 || (sig << exp) >> exp != sig;
                mag = huge ? 0 : sig << exp;
            }
            else
            {
                int shift = -exp;
                ulong q, rb, half;
                if (shift > 62)
                {
                    (q, rb, half) = (0, 1, 2); // below one half, non-zero
                }
                else
                {
                    q = sig >> shift;
                    rb = sig & ((1UL << shift) - 1);
                    half = 1UL << (shift - 1);
                }

                inexact = rb != 0;
                if (inexact && RoundsUp(rm, neg, rb, half, q))
                {
                    q++;
                }

                mag = q;
            }
        }
        else
        {
            mag = 0;
        }

        if (!huge)
        {
            if (neg ? mag <= minMag || mag == 0 : mag <= max)
            {
                if (inexact)
                {
                    f |= FFlags.NX;
                }

                return Extend(neg ? 0 - mag : mag, bits);
            }
        }

        f |= FFlags.NV;
        return Extend(neg ? 0 - minMag : max, bits);
    }

    private static ulong Extend(ulong v, int bits) => bits == 32 ? (ulong)(long)(int)(uint)v : v;

    /// <summary>fcvt.{s,d}.{w,wu,l,lu}: the integer is <c>(-1)^neg * mag</c>; an exact zero is +0.</summary>
    internal static ulong FromInt(bool neg, ulong mag, RoundingMode rm, ref FFlags f) =>
        mag == 0 ? 0 : RoundPack(neg, 0, mag, rm, ref f);

    /// <summary>Rounds a value of format <typeparamref name="TSrc"/> into this format (fcvt.s.d, fcvt.d.s).</summary>
    internal static ulong Convert<TSrc>(ulong a, RoundingMode rm, ref FFlags f)
        where TSrc : struct, IFloatFormat
    {
        if (SoftFloat<TSrc>.IsNaN(a))
        {
            // The result is always the canonical NaN (spec "F", NaN generation and propagation).
            if (SoftFloat<TSrc>.IsSNaN(a))
            {
                f |= FFlags.NV;
            }

            return DefaultNaN;
        }

        bool neg = SoftFloat<TSrc>.Sign(a);
        ulong signBits = neg ? SignBit : 0;
        if (SoftFloat<TSrc>.IsInf(a))
        {
            return signBits | Inf;
        }

        if (SoftFloat<TSrc>.IsZero(a))
        {
            return signBits;
        }

        ulong sig = SoftFloat<TSrc>.Unpack(a, out int exp);
        return RoundPack(neg, exp, sig, rm, ref f);
    }
}
