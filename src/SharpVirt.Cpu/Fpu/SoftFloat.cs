using System.Numerics;
using System.Runtime.CompilerServices;

namespace SharpVirt.Cpu.Fpu;

/// <summary>
/// Exact integer soft-float core shared by binary32 and binary64. Values travel as raw bits in a
/// <see cref="ulong"/>; an unpacked finite value is <c>sig * 2^exp</c> with an integer significand.
/// This file holds the format constants, classification and the single rounding routine.
/// </summary>
internal static partial class SoftFloat<T>
    where T : struct, IFloatFormat
{
    internal static int M => T.MantBits;
    internal static int Bias => (1 << (T.ExpBits - 1)) - 1;
    internal static int Emin => 1 - Bias;
    internal static ulong ExpMax => (1UL << T.ExpBits) - 1;
    internal static ulong SignBit => 1UL << (T.MantBits + T.ExpBits);
    internal static ulong FracMask => (1UL << T.MantBits) - 1;
    internal static ulong Inf => ExpMax << T.MantBits;
    internal static ulong QuietBit => 1UL << (T.MantBits - 1);
    internal static ulong DefaultNaN => Inf | QuietBit;
    internal static ulong MaxFinite => Inf - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsNaN(ulong a) => (a & ~SignBit) > Inf;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsSNaN(ulong a) => IsNaN(a) && (a & QuietBit) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsInf(ulong a) => (a & ~SignBit) == Inf;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsZero(ulong a) => (a & ~SignBit) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Sign(ulong a) => (a & SignBit) != 0;

    /// <summary>Canonical NaN result; NV if any operand was signalling (spec "F", NaN generation).</summary>
    internal static ulong PropagateNaN(ulong a, ulong b, ref FFlags f)
    {
        if (IsSNaN(a) || IsSNaN(b))
        {
            f |= FFlags.NV;
        }

        return DefaultNaN;
    }

    /// <summary>Splits a finite non-zero value into <c>sig * 2^exp</c> (sig not normalised for subnormals).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Unpack(ulong a, out int exp)
    {
        int ef = (int)((a >> M) & ExpMax);
        ulong frac = a & FracMask;
        if (ef == 0)
        {
            exp = Emin - M;
            return frac;
        }

        exp = ef - Bias - M;
        return frac | (1UL << M);
    }

    /// <summary>Right shift that ORs every bit shifted out into bit 0 ("sticky"/jamming).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ShiftRightJam(ulong x, int n)
    {
        if (n == 0)
        {
            return x;
        }

        if (n < 64)
        {
            return (x >> n) | ((x << (64 - n)) != 0 ? 1UL : 0);
        }

        return x != 0 ? 1UL : 0;
    }

    internal static UInt128 ShiftRightJam(UInt128 x, int n)
    {
        if (n == 0)
        {
            return x;
        }

        if (n < 128)
        {
            return (x >> n) | ((x << (128 - n)) != UInt128.Zero ? UInt128.One : UInt128.Zero);
        }

        return x != UInt128.Zero ? UInt128.One : UInt128.Zero;
    }

    /// <summary>Reduces a non-zero 128-bit significand to 64 bits, jamming the rest; adjusts <paramref name="exp"/>.</summary>
    internal static ulong Collapse(UInt128 v, ref int exp)
    {
        int sh = 64 - (int)UInt128.LeadingZeroCount(v);
        if (sh <= 0)
        {
            return (ulong)v;
        }

        exp += sh;
        return (ulong)(v >> sh) | ((v << (128 - sh)) != UInt128.Zero ? 1UL : 0);
    }

    /// <summary>Whether a value whose discarded bits are <paramref name="rb"/> (non-zero, <paramref name="half"/>
    /// being the half-way point) rounds its kept magnitude <paramref name="q"/> up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool RoundsUp(RoundingMode rm, bool sign, ulong rb, ulong half, ulong q) => rm switch
    {
        RoundingMode.Rne => rb > half || (rb == half && (q & 1) != 0),
        RoundingMode.Rmm => rb >= half,
        RoundingMode.Rdn => sign,
        RoundingMode.Rup => !sign,
        _ => false,
    };

    /// <summary>Overflow result: infinity or the largest finite value depending on mode and sign (IEEE 754 §7.4).</summary>
    internal static ulong Overflow(bool sign, RoundingMode rm, ref FFlags f)
    {
        f |= FFlags.OF | FFlags.NX;
        bool toInf = rm switch
        {
            RoundingMode.Rtz => false,
            RoundingMode.Rdn => sign,
            RoundingMode.Rup => !sign,
            _ => true,
        };
        return (sign ? SignBit : 0) | (toInf ? Inf : MaxFinite);
    }

    /// <summary>
    /// Rounds <c>(-1)^sign * sig * 2^exp</c> (sig non-zero; bits below the rounding point may be jammed
    /// into bit 0) to the format, raising NX/UF/OF. RISC-V detects tininess after rounding: the value is
    /// tiny if rounding it to full precision with an unbounded exponent gives a magnitude below 2^emin,
    /// and UF is raised only if it is also inexact (spec "F", fflags; IEEE 754 §7.5).
    /// </summary>
    internal static ulong RoundPack(bool sign, int exp, ulong sig, RoundingMode rm, ref FFlags f)
    {
        int lz = BitOperations.LeadingZeroCount(sig);
        sig <<= lz;
        int e = exp + 63 - lz; // value = 1.xxx * 2^e
        if (e > Bias)
        {
            return Overflow(sign, rm, ref f);
        }

        int shift = 63 - M; // bits below the P = M+1 kept bits
        ulong expField;
        bool tiny = false;
        if (e >= Emin)
        {
            expField = (ulong)(e + Bias - 1); // the hidden bit in q adds the final 1
        }
        else
        {
            if (e == Emin - 1)
            {
                // Not tiny only if full-precision rounding carries up to exactly 2^emin.
                ulong q0 = sig >> shift;
                ulong rb0 = sig & ((1UL << shift) - 1);
                tiny = q0 != (1UL << (M + 1)) - 1 || rb0 == 0 || !RoundsUp(rm, sign, rb0, 1UL << (shift - 1), q0);
            }
            else
            {
                tiny = true;
            }

            shift += Emin - e;
            if (shift > 63)
            {
                sig = ShiftRightJam(sig, shift - 63);
                shift = 63;
            }

            expField = 0;
        }

        ulong q = sig >> shift;
        ulong rbits = sig & ((1UL << shift) - 1);
        if (rbits != 0)
        {
            f |= tiny ? FFlags.NX | FFlags.UF : FFlags.NX;
            if (RoundsUp(rm, sign, rbits, 1UL << (shift - 1), q))
            {
                q++;
            }
        }

        // A carry out of the significand bumps the exponent field, including subnormal -> normal.
        ulong bits = (expField << M) + q;
        if (bits >= Inf)
        {
            return Overflow(sign, rm, ref f);
        }

        return bits | (sign ? SignBit : 0);
    }
}
