using SharpVirt.Cpu.Fpu;
using Xunit;

namespace SharpVirt.Tests.Fpu;

/// <summary>Assertion helpers that run an operation under every rounding mode with fresh flags.</summary>
internal static class FpuAssert
{
    public delegate ulong Op(RoundingMode rm, ref FFlags f);

    public static readonly RoundingMode[] Modes =
        [RoundingMode.Rne, RoundingMode.Rtz, RoundingMode.Rdn, RoundingMode.Rup, RoundingMode.Rmm];

    /// <summary>Expects <paramref name="want"/>[i] and <paramref name="flags"/>[i] under <see cref="Modes"/>[i].</summary>
    public static void PerMode(Op op, ulong[] want, FFlags[] flags)
    {
        for (int i = 0; i < Modes.Length; i++)
        {
            FFlags f = 0;
            ulong got = op(Modes[i], ref f);
            Assert.True(got == want[i] && f == flags[i], $"{Modes[i]}: want {want[i]:x} {flags[i]}, got {got:x} {f}");
        }
    }

    public static void PerMode(Op op, ulong[] want, FFlags flags) => PerMode(op, want, [flags, flags, flags, flags, flags]);

    /// <summary>Expects the same result and flags in every rounding mode.</summary>
    public static void AllModes(Op op, ulong want, FFlags flags) => PerMode(op, [want, want, want, want, want], flags);

    public static uint S(float x) => BitConverter.SingleToUInt32Bits(x);

    public static ulong D(double x) => BitConverter.DoubleToUInt64Bits(x);
}
