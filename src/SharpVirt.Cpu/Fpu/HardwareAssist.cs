using System.Runtime.CompilerServices;

namespace SharpVirt.Cpu.Fpu;

/// <summary>
/// Helpers for the fast paths: the host's double arithmetic rounds to nearest-even and reports no flags,
/// so each fast path computes the RNE result plus the sign (and, where ties are possible, the exact value)
/// of its error, then derives NX and the directed-rounding result from that.
/// </summary>
internal static class HardwareAssist
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double AsDouble(ulong bits) => BitConverter.UInt64BitsToDouble(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Bits(double d) => BitConverter.DoubleToUInt64Bits(d);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Widen(uint bits) => BitConverter.UInt32BitsToSingle(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Bits(float d) => BitConverter.SingleToUInt32Bits(d);

    /// <summary>Knuth's TwoSum: the exact error <c>(x + y) - s</c> of <c>s = RN(x + y)</c>, barring overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double TwoSumErr(double x, double y, double s)
    {
        double bv = s - x;
        double av = s - bv;
        return (x - av) + (y - bv);
    }

    /// <summary>Sign of <c>|exact| - |s|</c> given the signed error <c>exact - s</c> (s non-zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int MagnitudeDir(double s, double err) => err == 0 ? 0 : (err > 0) == (s > 0) ? 1 : -1;

    /// <summary>
    /// binary64 directed rounding from the RNE result <paramref name="r"/> (normal, not in the top or
    /// bottom binade, so a one-ulp step stays normal and finite): the exact value lies strictly between
    /// r's neighbours, so each mode yields r or the neighbour on the side of <paramref name="err"/>
    /// (non-zero, the sign of exact - r; the exact error when <paramref name="canTie"/>).
    /// </summary>
    internal static ulong Correct(ulong r, double err, bool canTie, RoundingMode rm, ref FFlags f)
    {
        f |= FFlags.NX;
        bool neg = (long)r < 0;
        bool away = (err > 0) != neg; // |exact| > |r|
        switch (rm)
        {
            case RoundingMode.Rtz:
                return away ? r : r - 1;
            case RoundingMode.Rdn:
                return neg ? (away ? r + 1 : r) : (away ? r : r - 1);
            case RoundingMode.Rup:
                return neg ? (away ? r : r - 1) : (away ? r + 1 : r);
            case RoundingMode.Rmm:
                if (canTie && away)
                {
                    // RNE broke a tie towards zero iff |err| is half the gap to the next value out.
                    double mag = AsDouble(r & ~(1UL << 63));
                    if (Math.Abs(err) * 2 == AsDouble((r & ~(1UL << 63)) + 1) - mag)
                    {
                        return r + 1;
                    }
                }

                return r;
            default:
                return r;
        }
    }

    /// <summary>
    /// Rounds to binary32 a value known as the double <paramref name="s"/> (normal, the exact value or a
    /// 53-bit rounding of it) plus <paramref name="dir"/>, the sign of |exact| - |s|. Every binary32
    /// rounding boundary is a double, so s nudged a quarter ulp towards the exact value lies on the same
    /// side of each boundary as the exact value: rounding that nudged value is exact rounding.
    /// </summary>
    internal static uint RoundToF32(double s, int dir, RoundingMode rm, ref FFlags f)
    {
        ulong d = Bits(s);
        int ef = (int)(d >> 52) & 0x7FF;
        ulong sig = (((d & ((1UL << 52) - 1)) | (1UL << 52)) << 2) + (ulong)(long)dir;
        return (uint)SoftFloat<Binary32>.RoundPack((long)d < 0, ef - 1075 - 2, sig, rm, ref f);
    }

    /// <summary>
    /// Finishes a binary32 operation computed in double. Exact results return at once. With RNE the host
    /// conversion is already correct when s is exact, or when double rounding is innocuous
    /// (<paramref name="innocuous"/>: +, -, *, /, sqrt, since 53 >= 2*24+2, Figueroa 1995), as long as the
    /// result is clear of the subnormal and overflow ranges; everything else goes through RoundPack.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Finish32(double s, int dir, bool innocuous, RoundingMode rm, ref FFlags f)
    {
        float r = (float)s;
        uint bits = Bits(r);
        if (dir == 0 && r == s)
        {
            return bits;
        }

        if (rm == RoundingMode.Rne && (dir == 0 || innocuous) && ((bits >> 23) & 0xFF) - 2u < 253u)
        {
            f |= FFlags.NX;
            return bits;
        }

        return RoundToF32(s, dir, rm, ref f);
    }
}
