using SharpVirt.Cpu.Fpu;
using Xunit;
using static SharpVirt.Tests.Fpu.FpuAssert;

namespace SharpVirt.Tests.Fpu;

/// <summary>fmin/fmax (v2.2 semantics), feq/flt/fle and fclass for both formats.</summary>
public class CompareTests
{
    private const uint QNaN = F32.CanonicalNaN, SNaN = 0x7f80_0001, NegZero = 0x8000_0000;
    private const ulong DQNaN = F64.CanonicalNaN, DSNaN = 0x7ff0_0000_0000_0001, DNegZero = 0x8000_0000_0000_0000;

    private static (uint, FFlags) Min32(uint a, uint b)
    {
        FFlags f = 0;
        return (F32.Min(a, b, ref f), f);
    }

    private static (uint, FFlags) Max32(uint a, uint b)
    {
        FFlags f = 0;
        return (F32.Max(a, b, ref f), f);
    }

    private static (ulong, FFlags) Min64(ulong a, ulong b)
    {
        FFlags f = 0;
        return (F64.Min(a, b, ref f), f);
    }

    private static (ulong, FFlags) Max64(ulong a, ulong b)
    {
        FFlags f = 0;
        return (F64.Max(a, b, ref f), f);
    }

    [Fact]
    public void MinMaxOrdinaryValues()
    {
        Assert.Equal((S(1f), (FFlags)0), Min32(S(1f), S(2f)));
        Assert.Equal((S(2f), (FFlags)0), Max32(S(1f), S(2f)));
        Assert.Equal((S(-3f), (FFlags)0), Min32(S(2f), S(-3f)));
        Assert.Equal((0xff80_0000u, (FFlags)0), Min32(0xff80_0000, 0x7f7f_ffff));
        Assert.Equal((D(-1e300), (FFlags)0), Min64(D(1e-300), D(-1e300)));
        Assert.Equal((D(1e-300), (FFlags)0), Max64(D(1e-300), D(-1e300)));
        Assert.Equal((2UL, (FFlags)0), Max64(1, 2));
        Assert.Equal((0x8000_0000_0000_0002UL, (FFlags)0), Min64(0x8000_0000_0000_0001, 0x8000_0000_0000_0002));
    }

    [Fact]
    public void MinMaxOrderNegativeZeroBelowPositiveZero()
    {
        Assert.Equal((NegZero, (FFlags)0), Min32(0, NegZero));
        Assert.Equal((NegZero, (FFlags)0), Min32(NegZero, 0));
        Assert.Equal((0u, (FFlags)0), Max32(0, NegZero));
        Assert.Equal((0u, (FFlags)0), Max32(NegZero, 0));
        Assert.Equal((DNegZero, (FFlags)0), Min64(0, DNegZero));
        Assert.Equal((0UL, (FFlags)0), Max64(DNegZero, 0));
    }

    [Fact]
    public void MinMaxNaNHandling()
    {
        // A single NaN operand is ignored; two NaNs give the canonical NaN; any sNaN raises NV.
        Assert.Equal((S(1f), (FFlags)0), Min32(QNaN, S(1f)));
        Assert.Equal((S(1f), (FFlags)0), Max32(S(1f), 0xffc1_2345));
        Assert.Equal((S(1f), FFlags.NV), Min32(SNaN, S(1f)));
        Assert.Equal((S(-1f), FFlags.NV), Max32(S(-1f), 0xff80_0001));
        Assert.Equal((QNaN, (FFlags)0), Min32(0x7fc1_2345, 0xffc0_0001));
        Assert.Equal((QNaN, FFlags.NV), Max32(SNaN, QNaN));
        Assert.Equal((D(2), (FFlags)0), Max64(DQNaN, D(2)));
        Assert.Equal((D(2), FFlags.NV), Min64(D(2), DSNaN));
        Assert.Equal((DQNaN, (FFlags)0), Max64(0xfff8_0000_0000_0001, DQNaN));
        Assert.Equal((DQNaN, FFlags.NV), Min64(DSNaN, DSNaN));
        Assert.Equal((0xfff0_0000_0000_0000UL, (FFlags)0), Min64(DQNaN, 0xfff0_0000_0000_0000));
    }

    [Theory]
    [InlineData(1f, 2f, false, true, true)]
    [InlineData(2f, 1f, false, false, false)]
    [InlineData(-2f, -1f, false, true, true)]
    [InlineData(-1f, -2f, false, false, false)]
    [InlineData(5f, 5f, true, false, true)]
    [InlineData(0f, -0f, true, false, true)]
    [InlineData(float.NegativeInfinity, float.MinValue, false, true, true)]
    [InlineData(float.PositiveInfinity, float.PositiveInfinity, true, false, true)]
    [InlineData(-1e-45f, 1e-45f, false, true, true)]
    public void OrderedComparisons(float a, float b, bool eq, bool lt, bool le)
    {
        FFlags f = 0;
        Assert.Equal(eq, F32.Eq(S(a), S(b), ref f));
        Assert.Equal(lt, F32.Lt(S(a), S(b), ref f));
        Assert.Equal(le, F32.Le(S(a), S(b), ref f));
        Assert.Equal(eq, F64.Eq(D(a), D(b), ref f));
        Assert.Equal(lt, F64.Lt(D(a), D(b), ref f));
        Assert.Equal(le, F64.Le(D(a), D(b), ref f));
        Assert.Equal((FFlags)0, f);
    }

    [Fact]
    public void NegativeZeroEqualsPositiveZero()
    {
        FFlags f = 0;
        Assert.True(F32.Eq(NegZero, 0, ref f));
        Assert.False(F32.Lt(NegZero, 0, ref f));
        Assert.True(F32.Le(NegZero, 0, ref f));
        Assert.True(F64.Eq(DNegZero, 0, ref f));
        Assert.False(F64.Lt(DNegZero, 0, ref f));
        Assert.True(F64.Le(DNegZero, 0, ref f));
        Assert.Equal((FFlags)0, f);
    }

    [Fact]
    public void EqIsQuietAndLtLeAreSignalling()
    {
        FFlags f = 0;
        Assert.False(F32.Eq(QNaN, QNaN, ref f));
        Assert.False(F32.Eq(S(1f), 0xffc0_0000, ref f));
        Assert.False(F64.Eq(DQNaN, D(1), ref f));
        Assert.Equal((FFlags)0, f);
        Assert.False(F32.Eq(SNaN, S(1f), ref f));
        Assert.Equal(FFlags.NV, f);
        f = 0;
        Assert.False(F64.Eq(DQNaN, DSNaN, ref f));
        Assert.Equal(FFlags.NV, f);

        foreach (bool first in new[] { true, false })
        {
            f = 0;
            Assert.False(first ? F32.Lt(QNaN, S(1f), ref f) : F32.Lt(S(1f), QNaN, ref f));
            Assert.Equal(FFlags.NV, f);
            f = 0;
            Assert.False(first ? F32.Le(QNaN, S(1f), ref f) : F32.Le(S(1f), QNaN, ref f));
            Assert.Equal(FFlags.NV, f);
            f = 0;
            Assert.False(first ? F64.Lt(DQNaN, D(1), ref f) : F64.Lt(D(1), DQNaN, ref f));
            Assert.Equal(FFlags.NV, f);
            f = 0;
            Assert.False(first ? F64.Le(DSNaN, DSNaN, ref f) : F64.Le(D(1), DQNaN, ref f));
            Assert.Equal(FFlags.NV, f);
        }
    }

    [Theory]
    [InlineData(0xff80_0000u, 0xfff0_0000_0000_0000ul, 0)] // -inf
    [InlineData(0xbf80_0000u, 0xbff0_0000_0000_0000ul, 1)] // negative normal
    [InlineData(0x8000_0001u, 0x800f_ffff_ffff_fffful, 2)] // negative subnormal
    [InlineData(0x8000_0000u, 0x8000_0000_0000_0000ul, 3)] // -0
    [InlineData(0x0000_0000u, 0x0000_0000_0000_0000ul, 4)] // +0
    [InlineData(0x007f_ffffu, 0x0000_0000_0000_0001ul, 5)] // positive subnormal
    [InlineData(0x0080_0000u, 0x7fef_ffff_ffff_fffful, 6)] // positive normal
    [InlineData(0x7f80_0000u, 0x7ff0_0000_0000_0000ul, 7)] // +inf
    [InlineData(0x7f80_0001u, 0xfff7_ffff_ffff_fffful, 8)] // signalling NaN
    [InlineData(0xffc0_0000u, 0x7ff8_0000_0000_0000ul, 9)] // quiet NaN
    public void ClassifyIsOneHot(uint s, ulong d, int bit)
    {
        Assert.Equal(1u << bit, F32.Classify(s));
        Assert.Equal(1UL << bit, F64.Classify(d));
    }
}
