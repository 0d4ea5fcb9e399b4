using SharpVirt.Cpu.Fpu;
using Xunit;
using static SharpVirt.Tests.Fpu.FpuAssert;

namespace SharpVirt.Tests.Fpu;

/// <summary>Targeted binary32 arithmetic cases: every rounding mode, flag, and special operand class.</summary>
public class F32Tests
{
    private const uint One = 0x3f80_0000, PosInf = 0x7f80_0000, NegInf = 0xff80_0000, QNaN = 0x7fc0_0000;
    private const uint SNaN = 0x7f80_0001, MaxF = 0x7f7f_ffff, MinNormal = 0x0080_0000, NegZero = 0x8000_0000;
    private const FFlags NX = FFlags.NX, UF = FFlags.UF | FFlags.NX, OF = FFlags.OF | FFlags.NX;

    [Theory]
    [InlineData(One, 0x3380_0000u, One, One, One, 0x3f80_0001u, 0x3f80_0001u)] // 1 + 2^-24: tie, even is down
    [InlineData(0x3f80_0001u, 0x3380_0000u, 0x3f80_0002u, 0x3f80_0001u, 0x3f80_0001u, 0x3f80_0002u, 0x3f80_0002u)] // tie, even is up
    [InlineData(One, 0x3300_0000u, One, One, One, 0x3f80_0001u, One)] // below half an ulp
    [InlineData(One, 0x33c0_0000u, 0x3f80_0001u, One, One, 0x3f80_0001u, 0x3f80_0001u)] // above half an ulp
    [InlineData(0xbf80_0000u, 0xb380_0000u, 0xbf80_0000u, 0xbf80_0000u, 0xbf80_0001u, 0xbf80_0000u, 0xbf80_0001u)] // negative tie
    [InlineData(0x4c00_0000u, 0xbf80_0000u, 0x4c00_0000u, 0x4bff_ffffu, 0x4bff_ffffu, 0x4c00_0000u, 0x4c00_0000u)] // 2^25 - 1
    public void AddRoundsInEveryMode(uint a, uint b, uint rne, uint rtz, uint rdn, uint rup, uint rmm) =>
        PerMode((RoundingMode rm, ref FFlags f) => F32.Add(a, b, rm, ref f), [rne, rtz, rdn, rup, rmm], NX);

    [Fact]
    public void ExactSumsRaiseNothing()
    {
        AllModes((RoundingMode rm, ref FFlags f) => F32.Add(S(1.5f), S(2.25f), rm, ref f), S(3.75f), 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sub(S(1e30f), S(1e30f / 2), rm, ref f), S(1e30f / 2), 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Add(1, 2, rm, ref f), 3, 0); // subnormals add exactly
        AllModes((RoundingMode rm, ref FFlags f) => F32.Add(S(-7f), NegZero, rm, ref f), S(-7f), 0);
    }

    [Fact]
    public void ExactZeroSumsArePositiveExceptWhenRoundingDown()
    {
        ulong[] plusExceptRdn = [0, 0, NegZero, 0, 0];
        PerMode((RoundingMode rm, ref FFlags f) => F32.Add(S(1.5f), S(-1.5f), rm, ref f), plusExceptRdn, 0);
        PerMode((RoundingMode rm, ref FFlags f) => F32.Sub(S(-3f), S(-3f), rm, ref f), plusExceptRdn, 0);
        PerMode((RoundingMode rm, ref FFlags f) => F32.Add(0, NegZero, rm, ref f), plusExceptRdn, 0);
        PerMode((RoundingMode rm, ref FFlags f) => F32.Sub(0, 0, rm, ref f), plusExceptRdn, 0);
        PerMode((RoundingMode rm, ref FFlags f) => F32.Add(1, 0x8000_0001, rm, ref f), plusExceptRdn, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Add(NegZero, NegZero, rm, ref f), NegZero, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sub(NegZero, 0, rm, ref f), NegZero, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Add(0, 0, rm, ref f), 0, 0);
    }

    [Fact]
    public void AddOverflowDependsOnModeAndSign()
    {
        PerMode((RoundingMode rm, ref FFlags f) => F32.Add(MaxF, MaxF, rm, ref f), [PosInf, MaxF, MaxF, PosInf, PosInf], OF);
        PerMode(
            (RoundingMode rm, ref FFlags f) => F32.Add(MaxF | NegZero, MaxF | NegZero, rm, ref f),
            [NegInf, MaxF | NegZero, NegInf, MaxF | NegZero, NegInf],
            OF);

        // MAX + half an ulp ties to the even neighbour 2^128, which overflows.
        PerMode(
            (RoundingMode rm, ref FFlags f) => F32.Add(MaxF, 0x7300_0000, rm, ref f),
            [PosInf, MaxF, MaxF, PosInf, PosInf],
            [OF, NX, NX, OF, OF]);
        PerMode(
            (RoundingMode rm, ref FFlags f) => F32.Add(MaxF, 0x7280_0000, rm, ref f),
            [MaxF, MaxF, MaxF, PosInf, MaxF],
            [NX, NX, NX, OF, NX]);
    }

    [Fact]
    public void NaNOperandsGiveTheCanonicalNaN()
    {
        AllModes((RoundingMode rm, ref FFlags f) => F32.Add(QNaN, One, rm, ref f), F32.CanonicalNaN, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Add(0xffc1_2345, One, rm, ref f), F32.CanonicalNaN, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sub(One, 0x7fff_ffff, rm, ref f), F32.CanonicalNaN, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Add(SNaN, One, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Add(QNaN, 0xffbf_ffff, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Mul(SNaN, 0, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Div(QNaN, 0, rm, ref f), F32.CanonicalNaN, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Div(One, SNaN, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sqrt(0xffc0_0001, rm, ref f), F32.CanonicalNaN, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sqrt(SNaN, rm, ref f), F32.CanonicalNaN, FFlags.NV);
    }

    [Fact]
    public void InfinityArithmetic()
    {
        AllModes((RoundingMode rm, ref FFlags f) => F32.Add(PosInf, NegInf, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sub(PosInf, PosInf, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Add(PosInf, PosInf, rm, ref f), PosInf, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Add(NegInf, MaxF, rm, ref f), NegInf, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Mul(PosInf, 0, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Mul(NegZero, NegInf, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Mul(PosInf, S(-2f), rm, ref f), NegInf, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Div(PosInf, PosInf, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Div(NegInf, 0, rm, ref f), NegInf, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Div(S(5f), NegInf, rm, ref f), NegZero, 0);
    }

    [Fact]
    public void MulRoundsInEveryMode()
    {
        // (1 + 2^-23)^2 = 1 + 2^-22 + 2^-46
        PerMode(
            (RoundingMode rm, ref FFlags f) => F32.Mul(0x3f80_0001, 0x3f80_0001, rm, ref f),
            [0x3f80_0002, 0x3f80_0002, 0x3f80_0002, 0x3f80_0003, 0x3f80_0002],
            NX);
        PerMode(
            (RoundingMode rm, ref FFlags f) => F32.Mul(0x3f80_0001, 0xbf80_0001, rm, ref f),
            [0xbf80_0002, 0xbf80_0002, 0xbf80_0003, 0xbf80_0002, 0xbf80_0002],
            NX);

        // (1 + 3*2^-23) * 1.5 = 1.5 + 4.5*2^-23: a tie that RNE breaks down and RMM away
        PerMode(
            (RoundingMode rm, ref FFlags f) => F32.Mul(0x3f80_0003, 0x3fc0_0000, rm, ref f),
            [0x3fc0_0004, 0x3fc0_0004, 0x3fc0_0004, 0x3fc0_0005, 0x3fc0_0005],
            NX);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Mul(S(1.5f), S(-1.5f), rm, ref f), S(-2.25f), 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Mul(NegZero, S(5f), rm, ref f), NegZero, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Mul(NegZero, NegZero, rm, ref f), 0, 0);
    }

    [Fact]
    public void MulOverflowAndUnderflow()
    {
        PerMode((RoundingMode rm, ref FFlags f) => F32.Mul(0x7180_0000, 0xf180_0000, rm, ref f), [NegInf, 0xff7f_ffff, NegInf, 0xff7f_ffff, NegInf], OF);

        // Exact subnormal results raise nothing.
        AllModes((RoundingMode rm, ref FFlags f) => F32.Mul(MinNormal, S(0.5f), rm, ref f), 0x0040_0000, 0);

        // Half the smallest subnormal: a tie between 0 and 2^-149.
        PerMode((RoundingMode rm, ref FFlags f) => F32.Mul(1, S(0.5f), rm, ref f), [0, 0, 0, 1, 1], UF);
        PerMode((RoundingMode rm, ref FFlags f) => F32.Mul(1, S(0.75f), rm, ref f), [1, 0, 0, 1, 1], UF);
        PerMode(
            (RoundingMode rm, ref FFlags f) => F32.Mul(0x8000_0001, S(0.25f), rm, ref f),
            [NegZero, NegZero, 0x8000_0001, NegZero, NegZero],
            UF);
        PerMode((RoundingMode rm, ref FFlags f) => F32.Mul(S(1e-30f), S(1e-30f), rm, ref f), [0, 0, 0, 1, 0], UF);
    }

    [Fact]
    public void TininessIsDetectedAfterRounding()
    {
        // 2^-126 * (1 - 2^-24) = 2^-126 - 2^-150 is exact at full precision, so tiny in every mode, even
        // where the subnormal rounding then carries into the smallest normal.
        PerMode(
            (RoundingMode rm, ref FFlags f) => F32.Mul(MinNormal, 0x3f7f_ffff, rm, ref f),
            [MinNormal, 0x007f_ffff, 0x007f_ffff, MinNormal, MinNormal],
            UF);

        // Below 2^-126 in every mode, but rounding up at full precision reaches 2^-126 only for RUP:
        // the same result is tiny (UF) for RNE/RMM and not tiny for RUP (qemu-riscv64 reference).
        PerMode(
            (RoundingMode rm, ref FFlags f) => F32.Mul(0x3584_cf12, 0x0a76_bb02, rm, ref f),
            [MinNormal, 0x007f_ffff, 0x007f_ffff, MinNormal, MinNormal],
            [UF, UF, UF, NX, UF]);
    }

    [Fact]
    public void DivRoundsInEveryMode()
    {
        PerMode(
            (RoundingMode rm, ref FFlags f) => F32.Div(One, S(3f), rm, ref f),
            [0x3eaa_aaab, 0x3eaa_aaaa, 0x3eaa_aaaa, 0x3eaa_aaab, 0x3eaa_aaab],
            NX);
        PerMode(
            (RoundingMode rm, ref FFlags f) => F32.Div(S(-1f), S(3f), rm, ref f),
            [0xbeaa_aaab, 0xbeaa_aaaa, 0xbeaa_aaab, 0xbeaa_aaaa, 0xbeaa_aaab],
            NX);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Div(S(7.5f), S(-2.5f), rm, ref f), S(-3f), 0);
        PerMode((RoundingMode rm, ref FFlags f) => F32.Div(MaxF, S(0.5f), rm, ref f), [PosInf, MaxF, MaxF, PosInf, PosInf], OF);
        PerMode((RoundingMode rm, ref FFlags f) => F32.Div(MinNormal, S(3f), rm, ref f), [0x002a_aaab, 0x002a_aaaa, 0x002a_aaaa, 0x002a_aaab, 0x002a_aaab], UF);
    }

    [Fact]
    public void DivisionByZero()
    {
        AllModes((RoundingMode rm, ref FFlags f) => F32.Div(One, 0, rm, ref f), PosInf, FFlags.DZ);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Div(One, NegZero, rm, ref f), NegInf, FFlags.DZ);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Div(0x8000_0001, 0, rm, ref f), NegInf, FFlags.DZ);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Div(0, 0, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Div(NegZero, S(5f), rm, ref f), NegZero, 0);
    }

    [Fact]
    public void SqrtCases()
    {
        PerMode(
            (RoundingMode rm, ref FFlags f) => F32.Sqrt(S(2f), rm, ref f),
            [0x3fb5_04f3, 0x3fb5_04f3, 0x3fb5_04f3, 0x3fb5_04f4, 0x3fb5_04f3],
            NX);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sqrt(S(2.25f), rm, ref f), S(1.5f), 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sqrt(0x0020_0000, rm, ref f), 0x1f80_0000, 0); // sqrt(2^-128) = 2^-64
        PerMode((RoundingMode rm, ref FFlags f) => F32.Sqrt(1, rm, ref f), [0x1a35_04f3, 0x1a35_04f3, 0x1a35_04f3, 0x1a35_04f4, 0x1a35_04f3], NX);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sqrt(NegZero, rm, ref f), NegZero, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sqrt(0, rm, ref f), 0, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sqrt(PosInf, rm, ref f), PosInf, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sqrt(S(-1f), rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sqrt(0x8000_0001, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.Sqrt(NegInf, rm, ref f), F32.CanonicalNaN, FFlags.NV);
    }

    [Fact]
    public void MulAddRoundsOnce()
    {
        // (1 + 2^-23)(1 - 2^-23) - 1 = -2^-46 exactly; separate rounding would give 0.
        AllModes((RoundingMode rm, ref FFlags f) => F32.MulAdd(0x3f80_0001, 0x3f7f_fffe, 0xbf80_0000, rm, ref f), 0xa880_0000, 0);

        // MAX*2 - MAX does not overflow when rounded once.
        AllModes((RoundingMode rm, ref FFlags f) => F32.MulAdd(MaxF, S(2f), MaxF | NegZero, rm, ref f), MaxF, 0);
        PerMode((RoundingMode rm, ref FFlags f) => F32.MulAdd(MaxF, S(2f), 0, rm, ref f), [PosInf, MaxF, MaxF, PosInf, PosInf], OF);

        // 1*1 + 2^-24 is a tie; 3 * RN(1/3) - 1 = 2^-25 exactly.
        PerMode((RoundingMode rm, ref FFlags f) => F32.MulAdd(One, One, 0x3380_0000, rm, ref f), [One, One, One, 0x3f80_0001, 0x3f80_0001], NX);
        PerMode(
            (RoundingMode rm, ref FFlags f) => F32.MulAdd(S(3f), 0x3eaa_aaab, S(-1f), rm, ref f),
            [0x3300_0000, 0x3300_0000, 0x3300_0000, 0x3300_0000, 0x3300_0000],
            0);
        PerMode((RoundingMode rm, ref FFlags f) => F32.MulAdd(S(1e-30f), S(1e-30f), 0, rm, ref f), [0, 0, 0, 1, 0], UF);
        PerMode((RoundingMode rm, ref FFlags f) => F32.MulAdd(S(1e-30f), S(-1e-30f), 0, rm, ref f), [NegZero, NegZero, 0x8000_0001, NegZero, NegZero], UF);
    }

    [Fact]
    public void MulAddSpecialCases()
    {
        // inf*0 is invalid even with a quiet NaN addend (spec "F", fused multiply-add).
        AllModes((RoundingMode rm, ref FFlags f) => F32.MulAdd(PosInf, 0, QNaN, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.MulAdd(NegZero, PosInf, One, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.MulAdd(QNaN, 0, One, rm, ref f), F32.CanonicalNaN, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.MulAdd(One, One, SNaN, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.MulAdd(PosInf, S(2f), NegInf, rm, ref f), F32.CanonicalNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F32.MulAdd(PosInf, S(-2f), NegInf, rm, ref f), NegInf, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.MulAdd(MaxF, S(2f), PosInf, rm, ref f), PosInf, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.MulAdd(0, S(5f), S(1.5f), rm, ref f), S(1.5f), 0);
    }

    [Fact]
    public void MulAddZeroSigns()
    {
        ulong[] plusExceptRdn = [0, 0, NegZero, 0, 0];
        PerMode((RoundingMode rm, ref FFlags f) => F32.MulAdd(0, One, NegZero, rm, ref f), plusExceptRdn, 0);
        PerMode((RoundingMode rm, ref FFlags f) => F32.MulAdd(S(3f), S(5f), S(-15f), rm, ref f), plusExceptRdn, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.MulAdd(NegZero, One, NegZero, rm, ref f), NegZero, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.MulAdd(NegZero, S(-1f), 0, rm, ref f), 0, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F32.MulAdd(S(1e-30f), S(-1e-30f), NegZero, rm, ref f) & NegZero, NegZero, UF);
    }

    [Fact]
    public void FlagsAccumulate()
    {
        FFlags f = FFlags.DZ;
        F32.Add(One, 0x3300_0000, RoundingMode.Rne, ref f);
        Assert.Equal(FFlags.DZ | FFlags.NX, f);
        F32.Add(One, One, RoundingMode.Rne, ref f);
        Assert.Equal(FFlags.DZ | FFlags.NX, f);
        F32.Sqrt(S(-1f), RoundingMode.Rne, ref f);
        Assert.Equal(FFlags.DZ | FFlags.NX | FFlags.NV, f);
    }
}
