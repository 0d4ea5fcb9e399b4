using SharpVirt.Cpu.Fpu;
using Xunit;
using static SharpVirt.Tests.Fpu.FpuAssert;

namespace SharpVirt.Tests.Fpu;

/// <summary>fcvt between floats and integers and between the two formats, including the spec's table of
/// results for invalid inputs ("Domains of float-to-integer conversions").</summary>
public class ConversionTests
{
    private const FFlags NX = FFlags.NX, NV = FFlags.NV, UF = FFlags.UF | FFlags.NX, OF = FFlags.OF | FFlags.NX;
    private const ulong IntMax = int.MaxValue, IntMin = unchecked((ulong)int.MinValue), UIntMax = ulong.MaxValue;
    private const ulong D2p63 = 0x43e0_0000_0000_0000, D2p64 = 0x43f0_0000_0000_0000;

    private static ulong L(long v) => (ulong)v;

    [Fact]
    public void InvalidInputsSaturate()
    {
        foreach (ulong nan in new ulong[] { F64.CanonicalNaN, 0xfff8_0000_0000_0000, 0x7ff0_0000_0000_0001 })
        {
            AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToInt32(nan, rm, ref f)), IntMax, NV);
            AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToUInt32(nan, rm, ref f)), UIntMax, NV);
            AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToInt64(nan, rm, ref f)), long.MaxValue, NV);
            AllModes((RoundingMode rm, ref FFlags f) => F64.ToUInt64(nan, rm, ref f), UIntMax, NV);
        }

        foreach (uint nan in new uint[] { F32.CanonicalNaN, 0xffc0_0000, 0x7f80_0001 })
        {
            AllModes((RoundingMode rm, ref FFlags f) => L(F32.ToInt32(nan, rm, ref f)), IntMax, NV);
            AllModes((RoundingMode rm, ref FFlags f) => L(F32.ToUInt32(nan, rm, ref f)), UIntMax, NV);
            AllModes((RoundingMode rm, ref FFlags f) => L(F32.ToInt64(nan, rm, ref f)), long.MaxValue, NV);
            AllModes((RoundingMode rm, ref FFlags f) => F32.ToUInt64(nan, rm, ref f), UIntMax, NV);
        }

        const ulong PInf = 0x7ff0_0000_0000_0000, NInf = 0xfff0_0000_0000_0000;
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToInt32(PInf, rm, ref f)), IntMax, NV);
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToInt32(NInf, rm, ref f)), IntMin, NV);
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToUInt32(PInf, rm, ref f)), UIntMax, NV);
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToUInt32(NInf, rm, ref f)), 0, NV);
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToInt64(NInf, rm, ref f)), L(long.MinValue), NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.ToUInt64(NInf, rm, ref f), 0, NV);
        AllModes((RoundingMode rm, ref FFlags f) => L(F32.ToInt64(0x7f80_0000, rm, ref f)), long.MaxValue, NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.ToUInt64(0xff80_0000, rm, ref f), 0, NV);

        // Out of range finite values.
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToInt32(D(2147483648.0), rm, ref f)), IntMax, NV);
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToInt32(D(-2147483649.0), rm, ref f)), IntMin, NV);
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToUInt32(D(4294967296.0), rm, ref f)), UIntMax, NV);
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToUInt32(D(-1.0), rm, ref f)), 0, NV);
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToInt64(D2p63, rm, ref f)), long.MaxValue, NV);
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToInt64(0xc3e0_0000_0000_0001, rm, ref f)), L(long.MinValue), NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.ToUInt64(D2p64, rm, ref f), UIntMax, NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.ToUInt64(D(-1e300), rm, ref f), 0, NV);
        AllModes((RoundingMode rm, ref FFlags f) => L(F32.ToInt32(S(2147483648f), rm, ref f)), IntMax, NV);
        AllModes((RoundingMode rm, ref FFlags f) => L(F32.ToUInt32(S(4294967296f), rm, ref f)), UIntMax, NV);
        AllModes((RoundingMode rm, ref FFlags f) => L(F32.ToInt64(S(9.223372e18f), rm, ref f)), long.MaxValue, NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.ToUInt64(0x5f80_0000, rm, ref f), UIntMax, NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.ToUInt64(S(-1f), rm, ref f), 0, NV);
    }

    [Fact]
    public void BoundaryValuesConvertExactly()
    {
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToInt32(D(-2147483648.0), rm, ref f)), IntMin, 0);
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToInt32(D(2147483647.0), rm, ref f)), IntMax, 0);
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToUInt32(D(4294967295.0), rm, ref f)), UIntMax, 0); // sign-extended
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToUInt32(D(3e9), rm, ref f)), 0xffff_ffff_b2d0_5e00, 0);
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToInt64(0xc3e0_0000_0000_0000, rm, ref f)), L(long.MinValue), 0);
        AllModes((RoundingMode rm, ref FFlags f) => L(F64.ToInt64(0x43df_ffff_ffff_ffff, rm, ref f)), 0x7fff_ffff_ffff_fc00, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.ToUInt64(D2p63, rm, ref f), 1UL << 63, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.ToUInt64(0x43ef_ffff_ffff_ffff, rm, ref f), 0xffff_ffff_ffff_f800, 0);
        AllModes((RoundingMode rm, ref FFlags f) => L(F32.ToInt32(0xcf00_0000, rm, ref f)), IntMin, 0);
        AllModes((RoundingMode rm, ref FFlags f) => L(F32.ToUInt32(0x4f7f_ffff, rm, ref f)), 0xffff_ffff_ffff_ff00, 0);
        AllModes((RoundingMode rm, ref FFlags f) => L(F32.ToInt64(0xdf00_0000, rm, ref f)), L(long.MinValue), 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.ToUInt64(0x5f7f_ffff, rm, ref f), 0xffff_ff00_0000_0000, 0);
        AllModes((RoundingMode rm, ref FFlags f) => L(F32.ToInt32(0x8000_0000, rm, ref f)), 0, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.ToUInt64(0x8000_0000, rm, ref f), 0, 0);
    }

    [Fact]
    public void ToIntegerRoundsInEveryMode()
    {
        PerMode((RoundingMode rm, ref FFlags f) => L(F64.ToInt64(D(2.5), rm, ref f)), [2, 2, 2, 3, 3], NX);
        PerMode((RoundingMode rm, ref FFlags f) => L(F64.ToInt64(D(-2.5), rm, ref f)), [L(-2), L(-2), L(-3), L(-2), L(-3)], NX);
        PerMode((RoundingMode rm, ref FFlags f) => L(F64.ToInt32(D(3.5), rm, ref f)), [4, 3, 3, 4, 4], NX);
        PerMode((RoundingMode rm, ref FFlags f) => L(F64.ToInt32(D(-0.5), rm, ref f)), [0, 0, L(-1), 0, L(-1)], NX);
        PerMode((RoundingMode rm, ref FFlags f) => L(F64.ToInt32(D(0.75), rm, ref f)), [1, 0, 0, 1, 1], NX);
        PerMode((RoundingMode rm, ref FFlags f) => L(F64.ToInt64(1, rm, ref f)), [0, 0, 0, 1, 0], NX);
        PerMode((RoundingMode rm, ref FFlags f) => L(F64.ToInt64(D(-1e-300), rm, ref f)), [0, 0, L(-1), 0, 0], NX);
        PerMode((RoundingMode rm, ref FFlags f) => L(F32.ToInt32(S(-1.5f), rm, ref f)), [L(-2), L(-1), L(-2), L(-1), L(-2)], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F32.ToUInt64(S(1e-40f), rm, ref f), [0, 0, 0, 1, 0], NX);

        // Rounding decides whether the value is in range.
        PerMode(
            (RoundingMode rm, ref FFlags f) => L(F64.ToInt32(D(2147483647.5), rm, ref f)),
            [IntMax, IntMax, IntMax, IntMax, IntMax],
            [NV, NX, NX, NV, NV]);
        PerMode(
            (RoundingMode rm, ref FFlags f) => L(F64.ToInt32(D(-2147483648.5), rm, ref f)),
            [IntMin, IntMin, IntMin, IntMin, IntMin],
            [NX, NX, NV, NX, NV]);
        PerMode(
            (RoundingMode rm, ref FFlags f) => L(F64.ToUInt32(D(4294967295.5), rm, ref f)),
            [UIntMax, UIntMax, UIntMax, UIntMax, UIntMax],
            [NV, NX, NX, NV, NV]);
        PerMode(
            (RoundingMode rm, ref FFlags f) => F64.ToUInt64(0x43ef_ffff_ffff_ffff, rm, ref f),
            [0xffff_ffff_ffff_f800, 0xffff_ffff_ffff_f800, 0xffff_ffff_ffff_f800, 0xffff_ffff_ffff_f800, 0xffff_ffff_ffff_f800],
            0);

        // Unsigned targets: a negative value that rounds to 0 is 0 with NX, one that rounds to -1 is invalid.
        PerMode((RoundingMode rm, ref FFlags f) => L(F64.ToUInt32(D(-0.5), rm, ref f)), [0, 0, 0, 0, 0], [NX, NX, NV, NX, NV]);
        PerMode((RoundingMode rm, ref FFlags f) => F32.ToUInt64(S(-0.75f), rm, ref f), [0, 0, 0, 0, 0], [NV, NX, NV, NX, NV]);
        PerMode((RoundingMode rm, ref FFlags f) => L(F32.ToUInt32(S(-0.25f), rm, ref f)), [0, 0, 0, 0, 0], [NX, NX, NV, NX, NX]);
    }

    [Fact]
    public void FromIntegerRoundsInEveryMode()
    {
        PerMode((RoundingMode rm, ref FFlags f) => F32.FromInt32(16777217, rm, ref f), [0x4b80_0000, 0x4b80_0000, 0x4b80_0000, 0x4b80_0001, 0x4b80_0001], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F32.FromInt32(-16777217, rm, ref f), [0xcb80_0000, 0xcb80_0000, 0xcb80_0001, 0xcb80_0000, 0xcb80_0001], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F32.FromInt32(int.MaxValue, rm, ref f), [0x4f00_0000, 0x4eff_ffff, 0x4eff_ffff, 0x4f00_0000, 0x4f00_0000], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F32.FromUInt32(uint.MaxValue, rm, ref f), [0x4f80_0000, 0x4f7f_ffff, 0x4f7f_ffff, 0x4f80_0000, 0x4f80_0000], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F32.FromInt64(long.MaxValue, rm, ref f), [0x5f00_0000, 0x5eff_ffff, 0x5eff_ffff, 0x5f00_0000, 0x5f00_0000], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F32.FromUInt64(ulong.MaxValue, rm, ref f), [0x5f80_0000, 0x5f7f_ffff, 0x5f7f_ffff, 0x5f80_0000, 0x5f80_0000], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F64.FromInt64((1L << 53) + 1, rm, ref f), [0x4340_0000_0000_0000, 0x4340_0000_0000_0000, 0x4340_0000_0000_0000, 0x4340_0000_0000_0001, 0x4340_0000_0000_0001], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F64.FromInt64(-(1L << 53) - 3, rm, ref f), [0xc340_0000_0000_0002, 0xc340_0000_0000_0001, 0xc340_0000_0000_0002, 0xc340_0000_0000_0001, 0xc340_0000_0000_0002], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F64.FromInt64(long.MaxValue, rm, ref f), [D2p63, D2p63 - 1, D2p63 - 1, D2p63, D2p63], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F64.FromUInt64(ulong.MaxValue, rm, ref f), [D2p64, D2p64 - 1, D2p64 - 1, D2p64, D2p64], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F64.FromUInt64((1UL << 63) | 1, rm, ref f), [D2p63, D2p63, D2p63, D2p63 + 1, D2p63], NX);
    }

    [Fact]
    public void FromIntegerExactCases()
    {
        AllModes((RoundingMode rm, ref FFlags f) => F32.FromInt32(0, rm, ref f), 0, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.FromInt32(-1, rm, ref f), 0xbf80_0000, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.FromInt32(int.MinValue, rm, ref f), 0xcf00_0000, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.FromUInt32(0x8000_0000, rm, ref f), 0x4f00_0000, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.FromInt64(long.MinValue, rm, ref f), 0xdf00_0000, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.FromInt64(-(1L << 40) * 3, rm, ref f), S(-3f * (1L << 40)), 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.FromUInt64(0, rm, ref f), 0, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.FromInt32(int.MinValue, rm, ref f), D(int.MinValue), 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.FromUInt32(uint.MaxValue, rm, ref f), D(uint.MaxValue), 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.FromInt64(long.MinValue, rm, ref f), 0xc3e0_0000_0000_0000, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.FromInt64(0, rm, ref f), 0, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.FromUInt64(1UL << 63, rm, ref f), D2p63, 0);
    }

    [Fact]
    public void SingleToDoubleIsExactAndCanonicalisesNaNs()
    {
        FFlags f = 0;
        Assert.Equal(0x36a0_0000_0000_0000UL, F32.ToF64(1, ref f)); // 2^-149
        Assert.Equal(0x8000_0000_0000_0000UL, F32.ToF64(0x8000_0000, ref f));
        Assert.Equal(0xfff0_0000_0000_0000UL, F32.ToF64(0xff80_0000, ref f));
        Assert.Equal(D(float.MaxValue), F32.ToF64(0x7f7f_ffff, ref f));
        Assert.Equal(D(-1.1f), F32.ToF64(S(-1.1f), ref f));
        Assert.Equal(F64.CanonicalNaN, F32.ToF64(0xffc1_2345, ref f));
        Assert.Equal((FFlags)0, f);
        Assert.Equal(F64.CanonicalNaN, F32.ToF64(0x7f80_0001, ref f));
        Assert.Equal(NV, f);
    }

    [Fact]
    public void DoubleToSingleRounds()
    {
        const ulong One = 0x3f80_0000, MaxF = 0x7f7f_ffff, PInf = 0x7f80_0000, NInf = 0xff80_0000, Neg = 0x8000_0000;
        AllModes((RoundingMode rm, ref FFlags f) => F64.ToF32(D(-0.375), rm, ref f), S(-0.375f), 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.ToF32(D(float.MaxValue), rm, ref f), MaxF, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.ToF32(0x36a0_0000_0000_0000, rm, ref f), 1, 0); // 2^-149
        AllModes((RoundingMode rm, ref FFlags f) => F64.ToF32(0x8000_0000_0000_0000, rm, ref f), Neg, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.ToF32(0xfff0_0000_0000_0000, rm, ref f), NInf, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.ToF32(0xfff8_0000_0000_0123, rm, ref f), F32.CanonicalNaN, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.ToF32(0x7ff0_0000_0000_0001, rm, ref f), F32.CanonicalNaN, NV);
        PerMode((RoundingMode rm, ref FFlags f) => F64.ToF32(D(1 + Math.ScaleB(1, -24)), rm, ref f), [One, One, One, One + 1, One + 1], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F64.ToF32(D(1e300), rm, ref f), [PInf, MaxF, MaxF, PInf, PInf], OF);
        PerMode((RoundingMode rm, ref FFlags f) => F64.ToF32(D(-1e300), rm, ref f), [NInf, MaxF | Neg, NInf, MaxF | Neg, NInf], OF);
        PerMode((RoundingMode rm, ref FFlags f) => F64.ToF32(D(Math.ScaleB(2 - Math.ScaleB(1, -24), 127)), rm, ref f), [PInf, MaxF, MaxF, PInf, PInf], [OF, NX, NX, OF, OF]);
        PerMode((RoundingMode rm, ref FFlags f) => F64.ToF32(D(1e-300), rm, ref f), [0, 0, 0, 1, 0], UF);
        PerMode((RoundingMode rm, ref FFlags f) => F64.ToF32(0x8000_0000_0000_0001, rm, ref f), [Neg, Neg, Neg | 1, Neg, Neg], UF);
        PerMode((RoundingMode rm, ref FFlags f) => F64.ToF32(0x3690_0000_0000_0000, rm, ref f), [0, 0, 0, 1, 1], UF); // 2^-150: tie

        // Tininess after rounding: 2^-126 - 2^-151 is not tiny where full-precision rounding reaches 2^-126
        // (RNE ties to even, RUP, RMM); 2^-126 - 2^-150 is exact at full precision and tiny in every mode.
        PerMode((RoundingMode rm, ref FFlags f) => F64.ToF32(0x380f_ffff_f000_0000, rm, ref f), [0x0080_0000, 0x007f_ffff, 0x007f_ffff, 0x0080_0000, 0x0080_0000], [NX, UF, UF, NX, NX]);
        PerMode((RoundingMode rm, ref FFlags f) => F64.ToF32(0x380f_ffff_e000_0000, rm, ref f), [0x0080_0000, 0x007f_ffff, 0x007f_ffff, 0x0080_0000, 0x0080_0000], UF);
    }
}
