using SharpVirt.Cpu.Fpu;
using Xunit;
using static SharpVirt.Tests.Fpu.FpuAssert;

namespace SharpVirt.Tests.Fpu;

/// <summary>Targeted binary64 arithmetic cases: every rounding mode, flag, and special operand class.</summary>
public class F64Tests
{
    private const ulong One = 0x3ff0_0000_0000_0000, NegOne = 0xbff0_0000_0000_0000;
    private const ulong PosInf = 0x7ff0_0000_0000_0000, NegInf = 0xfff0_0000_0000_0000, QNaN = F64.CanonicalNaN;
    private const ulong SNaN = 0x7ff0_0000_0000_0001, MaxD = 0x7fef_ffff_ffff_ffff, MinNormal = 0x0010_0000_0000_0000;
    private const ulong NegZero = 0x8000_0000_0000_0000, MaxSub = 0x000f_ffff_ffff_ffff;
    private const FFlags NX = FFlags.NX, UF = FFlags.UF | FFlags.NX, OF = FFlags.OF | FFlags.NX;

    [Theory]
    [InlineData(One, 0x3ca0_0000_0000_0000ul, One, One, One, One + 1, One + 1)] // 1 + 2^-53: tie, even is down
    [InlineData(One + 1, 0x3ca0_0000_0000_0000ul, One + 2, One + 1, One + 1, One + 2, One + 2)] // tie, even is up
    [InlineData(One, 0x3c90_0000_0000_0000ul, One, One, One, One + 1, One)] // below half an ulp
    [InlineData(One, 0x3ca8_0000_0000_0000ul, One + 1, One, One, One + 1, One + 1)] // above half an ulp
    [InlineData(NegOne, 0xbca0_0000_0000_0000ul, NegOne, NegOne, NegOne + 1, NegOne, NegOne + 1)] // negative tie
    [InlineData(0x4350_0000_0000_0000ul, NegOne, 0x4350_0000_0000_0000ul, 0x434f_ffff_ffff_ffffUL, 0x434f_ffff_ffff_ffffUL, 0x4350_0000_0000_0000ul, 0x4350_0000_0000_0000ul)] // 2^54 - 1
    public void AddRoundsInEveryMode(ulong a, ulong b, ulong rne, ulong rtz, ulong rdn, ulong rup, ulong rmm)
    {
        PerMode((RoundingMode rm, ref FFlags f) => F64.Add(a, b, rm, ref f), [rne, rtz, rdn, rup, rmm], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F64.Sub(b, a ^ NegZero, rm, ref f), [rne, rtz, rdn, rup, rmm], NX);
    }

    [Fact]
    public void ExactSumsRaiseNothing()
    {
        AllModes((RoundingMode rm, ref FFlags f) => F64.Add(MinNormal + 3, NegZero | 1, rm, ref f), MinNormal + 2, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Sub(D(1e300), D(-1e300), rm, ref f), D(2e300), 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Add(D(0.75), D(-0.5), rm, ref f), D(0.25), 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Add(NegZero, D(-7), rm, ref f), D(-7), 0);
    }

    [Fact]
    public void ExactZeroSumsArePositiveExceptWhenRoundingDown()
    {
        ulong[] plusExceptRdn = [0, 0, NegZero, 0, 0];
        PerMode((RoundingMode rm, ref FFlags f) => F64.Add(D(1.5), D(-1.5), rm, ref f), plusExceptRdn, 0);
        PerMode((RoundingMode rm, ref FFlags f) => F64.Sub(MaxD, MaxD, rm, ref f), plusExceptRdn, 0);
        PerMode((RoundingMode rm, ref FFlags f) => F64.Sub(1, 1, rm, ref f), plusExceptRdn, 0);
        PerMode((RoundingMode rm, ref FFlags f) => F64.Add(NegZero, 0, rm, ref f), plusExceptRdn, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Add(NegZero, NegZero, rm, ref f), NegZero, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Sub(0, NegZero, rm, ref f), 0, 0);
    }

    [Fact]
    public void AddOverflowAndSpecials()
    {
        PerMode((RoundingMode rm, ref FFlags f) => F64.Add(MaxD, MaxD, rm, ref f), [PosInf, MaxD, MaxD, PosInf, PosInf], OF);
        PerMode(
            (RoundingMode rm, ref FFlags f) => F64.Sub(MaxD | NegZero, MaxD, rm, ref f),
            [NegInf, MaxD | NegZero, NegInf, MaxD | NegZero, NegInf],
            OF);

        // MAX + half an ulp (2^970) ties to 2^1024 and overflows; a quarter ulp does not.
        PerMode(
            (RoundingMode rm, ref FFlags f) => F64.Add(MaxD, 0x7c90_0000_0000_0000, rm, ref f),
            [PosInf, MaxD, MaxD, PosInf, PosInf],
            [OF, NX, NX, OF, OF]);
        PerMode(
            (RoundingMode rm, ref FFlags f) => F64.Add(MaxD, 0x7c80_0000_0000_0000, rm, ref f),
            [MaxD, MaxD, MaxD, PosInf, MaxD],
            [NX, NX, NX, OF, NX]);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Add(PosInf, NegInf, rm, ref f), QNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Add(NegInf, MaxD, rm, ref f), NegInf, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Add(0x7ff8_0000_dead_beef, One, rm, ref f), QNaN, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Sub(One, 0xfff4_0000_0000_0000, rm, ref f), QNaN, FFlags.NV);
    }

    [Fact]
    public void MulRoundsInEveryMode()
    {
        // (1 + 2^-52)^2 = 1 + 2^-51 + 2^-104
        PerMode((RoundingMode rm, ref FFlags f) => F64.Mul(One + 1, One + 1, rm, ref f), [One + 2, One + 2, One + 2, One + 3, One + 2], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F64.Mul(One + 1, NegOne + 1, rm, ref f), [NegOne + 2, NegOne + 2, NegOne + 3, NegOne + 2, NegOne + 2], NX);

        // (1 + 3*2^-52) * 1.5 = 1.5 + 4.5*2^-52: a tie that RNE breaks down and RMM away.
        const ulong Onep5 = 0x3ff8_0000_0000_0000;
        PerMode((RoundingMode rm, ref FFlags f) => F64.Mul(One + 3, Onep5, rm, ref f), [Onep5 + 4, Onep5 + 4, Onep5 + 4, Onep5 + 5, Onep5 + 5], NX);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Mul(D(-1.25), D(4), rm, ref f), D(-5), 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Mul(PosInf, NegZero, rm, ref f), QNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Mul(NegInf, D(-3), rm, ref f), PosInf, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Mul(NegZero, D(3), rm, ref f), NegZero, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Mul(SNaN, PosInf, rm, ref f), QNaN, FFlags.NV);
    }

    [Fact]
    public void MulOverflowAndUnderflow()
    {
        PerMode((RoundingMode rm, ref FFlags f) => F64.Mul(0x6570_0000_0000_0000, 0x6570_0000_0000_0000, rm, ref f), [PosInf, MaxD, MaxD, PosInf, PosInf], OF);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Mul(MinNormal, D(0.5), rm, ref f), 0x0008_0000_0000_0000, 0);
        PerMode((RoundingMode rm, ref FFlags f) => F64.Mul(1, D(0.5), rm, ref f), [0, 0, 0, 1, 1], UF);
        PerMode((RoundingMode rm, ref FFlags f) => F64.Mul(NegZero | 1, D(0.75), rm, ref f), [NegZero | 1, NegZero, NegZero | 1, NegZero, NegZero | 1], UF);
        PerMode((RoundingMode rm, ref FFlags f) => F64.Mul(D(1e-200), D(-1e-200), rm, ref f), [NegZero, NegZero, NegZero | 1, NegZero, NegZero], UF);
    }

    [Fact]
    public void TininessIsDetectedAfterRounding()
    {
        // 2^-1022 * (1 - 2^-53) is exact at full precision: tiny in every mode.
        PerMode(
            (RoundingMode rm, ref FFlags f) => F64.Mul(MinNormal, 0x3fef_ffff_ffff_ffff, rm, ref f),
            [MinNormal, MaxSub, MaxSub, MinNormal, MinNormal],
            UF);

        // qemu-riscv64 reference: just below 2^-1022; full-precision rounding reaches 2^-1022 only in RUP.
        PerMode(
            (RoundingMode rm, ref FFlags f) => F64.Mul(0x3ec6_1b75_d296_ffff, 0x0137_28e9_07d6_b42f, rm, ref f),
            [MinNormal, MaxSub, MaxSub, MinNormal, MinNormal],
            [UF, UF, UF, NX, UF]);

        // ... and here in RNE, RUP and RMM: the result 2^-1022 is then not tiny.
        PerMode(
            (RoundingMode rm, ref FFlags f) => F64.Mul(0xbf10_0265_3e94_a115, 0x80ef_fb36_3a5b_dc4f, rm, ref f),
            [MinNormal, MaxSub, MaxSub, MinNormal, MinNormal],
            [NX, UF, UF, NX, NX]);
    }

    [Fact]
    public void DivCases()
    {
        const ulong Third = 0x3fd5_5555_5555_5555;
        PerMode((RoundingMode rm, ref FFlags f) => F64.Div(One, D(3), rm, ref f), [Third, Third, Third, Third + 1, Third], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F64.Div(One, D(-3), rm, ref f), [Third | NegZero, Third | NegZero, (Third + 1) | NegZero, Third | NegZero, Third | NegZero], NX);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Div(D(10), D(4), rm, ref f), D(2.5), 0);
        PerMode((RoundingMode rm, ref FFlags f) => F64.Div(MaxD, D(0.5), rm, ref f), [PosInf, MaxD, MaxD, PosInf, PosInf], OF);
        PerMode((RoundingMode rm, ref FFlags f) => F64.Div(MinNormal, D(3), rm, ref f), [0x5_5555_5555_5555, 0x5_5555_5555_5555, 0x5_5555_5555_5555, 0x5_5555_5555_5556, 0x5_5555_5555_5555], UF);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Div(1, 2, rm, ref f), D(0.5), 0); // subnormal operands
        AllModes((RoundingMode rm, ref FFlags f) => F64.Div(NegOne, 0, rm, ref f), NegInf, FFlags.DZ);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Div(1, NegZero, rm, ref f), NegInf, FFlags.DZ);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Div(NegZero, 0, rm, ref f), QNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Div(NegInf, PosInf, rm, ref f), QNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Div(PosInf, NegZero, rm, ref f), NegInf, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Div(D(-2), PosInf, rm, ref f), NegZero, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Div(QNaN, 0, rm, ref f), QNaN, 0);
    }

    [Fact]
    public void SqrtCases()
    {
        const ulong Sqrt2 = 0x3ff6_a09e_667f_3bcd; // rounded up in RNE
        PerMode((RoundingMode rm, ref FFlags f) => F64.Sqrt(D(2), rm, ref f), [Sqrt2, Sqrt2 - 1, Sqrt2 - 1, Sqrt2, Sqrt2], NX);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Sqrt(D(6.25), rm, ref f), D(2.5), 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Sqrt(1, rm, ref f), 0x1e60_0000_0000_0000, 0); // sqrt(2^-1074) = 2^-537
        PerMode((RoundingMode rm, ref FFlags f) => F64.Sqrt(2, rm, ref f), [0x1e66_a09e_667f_3bcd, 0x1e66_a09e_667f_3bcc, 0x1e66_a09e_667f_3bcc, 0x1e66_a09e_667f_3bcd, 0x1e66_a09e_667f_3bcd], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F64.Sqrt(MaxD, rm, ref f), [0x5fef_ffff_ffff_ffff, 0x5fef_ffff_ffff_ffff, 0x5fef_ffff_ffff_ffff, 0x5ff0_0000_0000_0000, 0x5fef_ffff_ffff_ffff], NX);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Sqrt(NegZero, rm, ref f), NegZero, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Sqrt(PosInf, rm, ref f), PosInf, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Sqrt(NegZero | 1, rm, ref f), QNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Sqrt(NegInf, rm, ref f), QNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Sqrt(SNaN, rm, ref f), QNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.Sqrt(0xfff8_0000_0000_0001, rm, ref f), QNaN, 0);
    }

    [Fact]
    public void MulAddRoundsOnce()
    {
        // (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104 exactly.
        AllModes((RoundingMode rm, ref FFlags f) => F64.MulAdd(One + 1, 0x3fef_ffff_ffff_fffe, NegOne, rm, ref f), 0xb970_0000_0000_0000, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.MulAdd(MaxD, D(2), MaxD | NegZero, rm, ref f), MaxD, 0);
        PerMode((RoundingMode rm, ref FFlags f) => F64.MulAdd(MaxD, D(-2), 0, rm, ref f), [NegInf, MaxD | NegZero, NegInf, MaxD | NegZero, NegInf], OF);

        // Ties and near-ties of the fused sum.
        PerMode((RoundingMode rm, ref FFlags f) => F64.MulAdd(One, One, 0x3ca0_0000_0000_0000, rm, ref f), [One, One, One, One + 1, One + 1], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F64.MulAdd(One, One, 0x3ca0_0000_0000_0001, rm, ref f), [One + 1, One, One, One + 1, One + 1], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F64.MulAdd(One, One, 0xbc90_0000_0000_0000, rm, ref f), [One, One - 1, One - 1, One, One], NX);
        PerMode((RoundingMode rm, ref FFlags f) => F64.MulAdd(D(3), D(1.0 / 3), NegOne, rm, ref f), [0xbc90_0000_0000_0000, 0xbc90_0000_0000_0000, 0xbc90_0000_0000_0000, 0xbc90_0000_0000_0000, 0xbc90_0000_0000_0000], 0);
        PerMode((RoundingMode rm, ref FFlags f) => F64.MulAdd(D(1e-200), D(1e-200), 0, rm, ref f), [0, 0, 0, 1, 0], UF);
        PerMode((RoundingMode rm, ref FFlags f) => F64.MulAdd(MinNormal, 0x3fef_ffff_ffff_ffff, 0, rm, ref f), [MinNormal, MaxSub, MaxSub, MinNormal, MinNormal], UF);
    }

    [Fact]
    public void MulAddSpecialCasesAndZeroSigns()
    {
        AllModes((RoundingMode rm, ref FFlags f) => F64.MulAdd(0, NegInf, QNaN, rm, ref f), QNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.MulAdd(PosInf, 0, One, rm, ref f), QNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.MulAdd(QNaN, 0, One, rm, ref f), QNaN, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.MulAdd(One, SNaN, One, rm, ref f), QNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.MulAdd(NegInf, One, PosInf, rm, ref f), QNaN, FFlags.NV);
        AllModes((RoundingMode rm, ref FFlags f) => F64.MulAdd(MaxD, MaxD, NegInf, rm, ref f), NegInf, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.MulAdd(NegZero, D(7), D(-2), rm, ref f), D(-2), 0);

        ulong[] plusExceptRdn = [0, 0, NegZero, 0, 0];
        PerMode((RoundingMode rm, ref FFlags f) => F64.MulAdd(D(3), D(5), D(-15), rm, ref f), plusExceptRdn, 0);
        PerMode((RoundingMode rm, ref FFlags f) => F64.MulAdd(NegZero, One, 0, rm, ref f), plusExceptRdn, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.MulAdd(0, NegOne, NegZero, rm, ref f), NegZero, 0);
        AllModes((RoundingMode rm, ref FFlags f) => F64.MulAdd(NegZero, NegOne, 0, rm, ref f), 0, 0);
    }
}
