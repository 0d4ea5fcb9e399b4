using SharpVirt.Cpu.Fpu;
using Xunit;

namespace SharpVirt.Tests.Fpu;

/// <summary>
/// The public entry points take hardware-assisted fast paths; the internal integer soft-float core is the
/// independent slow path. Random operands, biased towards cancellation, ties, and the edges of the fast
/// paths' exponent windows, must give identical results and flags through both in every rounding mode.
/// </summary>
public class FastPathCrossTests
{
    private const int Iterations = 20_000;

    private ulong _state = 0x9E37_79B9_7F4A_7C15;

    private ulong Next()
    {
        _state ^= _state << 13;
        _state ^= _state >> 7;
        _state ^= _state << 17;
        return _state;
    }

    private ulong Operand(int mantBits, int expBits, int[] hotExponents)
    {
        ulong m = Next() & ((1UL << mantBits) - 1);
        switch (Next() % 4)
        {
            case 0:
                m &= ~((1UL << (int)(Next() % (ulong)(mantBits + 1))) - 1); // short significand: exact results, ties
                break;
            case 1:
                m |= ((1UL << mantBits) - 1) >> (int)(Next() % (ulong)mantBits); // long run of ones
                break;
        }

        ulong maxExp = (1UL << expBits) - 1;
        ulong e = (Next() % 3) switch
        {
            0 => Next() % (maxExp + 1),
            1 => (ulong)Math.Clamp(hotExponents[Next() % (ulong)hotExponents.Length] + (int)(Next() % 9) - 4, 0, (int)maxExp),
            _ => (maxExp >> 1) - 20 + (Next() % 40),
        };
        return ((Next() & 1) << (mantBits + expBits)) | (e << mantBits) | m;
    }

    private static void Same(string op, RoundingMode rm, ulong a, ulong b, ulong c, ulong fast, FFlags ff, ulong soft, FFlags fs) =>
        Assert.True(fast == soft && ff == fs, $"{op} {rm} {a:x} {b:x} {c:x}: fast {fast:x} {ff}, soft {soft:x} {fs}");

    [Fact]
    public void Binary64FastPathsMatchSoftFloat()
    {
        int[] hot = [0, 1, 2, 3, 54, 108, 109, 110, 111, 1023, 2044, 2045, 2046, 2047];
        for (int i = 0; i < Iterations; i++)
        {
            ulong a = Operand(52, 11, hot), b = Operand(52, 11, hot);
            ulong p = BitConverter.DoubleToUInt64Bits(BitConverter.UInt64BitsToDouble(a) * BitConverter.UInt64BitsToDouble(b));
            ulong c = (Next() % 3) switch
            {
                0 => (p ^ (1UL << 63)) + (Next() % 5) - 2, // near-total cancellation
                1 => Operand(52, 11, hot),
                _ => (a ^ (1UL << 63)) + (Next() % 5) - 2,
            };
            foreach (RoundingMode rm in FpuAssert.Modes)
            {
                FFlags f1 = 0, f2 = 0;
                Same("add", rm, a, c, 0, F64.Add(a, c, rm, ref f1), f1, SoftFloat<Binary64>.Add(a, c, rm, ref f2), f2);
                f1 = f2 = 0;
                Same("mul", rm, a, b, 0, F64.Mul(a, b, rm, ref f1), f1, SoftFloat<Binary64>.Mul(a, b, rm, ref f2), f2);
                f1 = f2 = 0;
                Same("div", rm, a, b, 0, F64.Div(a, b, rm, ref f1), f1, SoftFloat<Binary64>.Div(a, b, rm, ref f2), f2);
                f1 = f2 = 0;
                Same("fma", rm, a, b, c, F64.MulAdd(a, b, c, rm, ref f1), f1, SoftFloat<Binary64>.MulAdd(a, b, c, rm, ref f2), f2);
                f1 = f2 = 0;
                Same("cvt.s.d", rm, a, 0, 0, F64.ToF32(a, rm, ref f1), f1, SoftFloat<Binary32>.Convert<Binary64>(a, rm, ref f2), f2);
            }
        }
    }

    [Fact]
    public void Binary32FastPathsMatchSoftFloat()
    {
        int[] hot = [0, 1, 2, 3, 24, 25, 126, 127, 128, 253, 254, 255];
        for (int i = 0; i < Iterations; i++)
        {
            uint a = (uint)Operand(23, 8, hot), b = (uint)Operand(23, 8, hot);
            uint p = BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle(a) * BitConverter.UInt32BitsToSingle(b));
            uint c = (Next() % 3) switch
            {
                0 => (p ^ 0x8000_0000) + (uint)(Next() % 5) - 2,
                1 => (uint)Operand(23, 8, hot),
                _ => (a ^ 0x8000_0000) + (uint)(Next() % 5) - 2,
            };
            foreach (RoundingMode rm in FpuAssert.Modes)
            {
                FFlags f1 = 0, f2 = 0;
                Same("add", rm, a, c, 0, F32.Add(a, c, rm, ref f1), f1, SoftFloat<Binary32>.Add(a, c, rm, ref f2), f2);
                f1 = f2 = 0;
                Same("mul", rm, a, b, 0, F32.Mul(a, b, rm, ref f1), f1, SoftFloat<Binary32>.Mul(a, b, rm, ref f2), f2);
                f1 = f2 = 0;
                Same("div", rm, a, b, 0, F32.Div(a, b, rm, ref f1), f1, SoftFloat<Binary32>.Div(a, b, rm, ref f2), f2);
                f1 = f2 = 0;
                Same("fma", rm, a, b, c, F32.MulAdd(a, b, c, rm, ref f1), f1, SoftFloat<Binary32>.MulAdd(a, b, c, rm, ref f2), f2);
                f1 = f2 = 0;
                long wide = (long)(Next() >> (int)(Next() % 64)) * ((Next() & 1) == 0 ? 1 : -1);
                Same("cvt.s.l", rm, (ulong)wide, 0, 0, F32.FromInt64(wide, rm, ref f1), f1, SoftFloat<Binary32>.FromInt(wide < 0, wide < 0 ? 0 - (ulong)wide : (ulong)wide, rm, ref f2), f2);
            }
        }
    }

    [Fact]
    public void SqrtResultsAreCorrectlyRounded()
    {
        // Check r against the exact square with integer arithmetic: r is the rounding of sqrt(x) iff x lies
        // on the right side of r^2 and of the squares of the neighbouring midpoints.
        for (int i = 0; i < Iterations; i++)
        {
            ulong x = Operand(52, 11, [0, 1, 2, 50, 108, 109, 110, 1023, 2046]) & ~(1UL << 63);
            if (x == 0 || x >= 0x7ff0_0000_0000_0000)
            {
                continue;
            }

            foreach (RoundingMode rm in FpuAssert.Modes)
            {
                FFlags f = 0;
                ulong r = F64.Sqrt(x, rm, ref f);
                int cmp = CompareSquare(r, 0, x);
                Assert.True(cmp == 0 ? f == 0 : f == FFlags.NX, $"{x:x} {rm}: flags {f}");
                switch (rm)
                {
                    case RoundingMode.Rtz or RoundingMode.Rdn:
                        Assert.True(cmp <= 0 && CompareSquare(r + 1, 0, x) > 0, $"{x:x} {rm}");
                        break;
                    case RoundingMode.Rup:
                        Assert.True(cmp >= 0 && CompareSquare(r - 1, 0, x) < 0, $"{x:x} {rm}");
                        break;
                    default: // nearest: x between the squares of the midpoints around r (no ties possible)
                        Assert.True(CompareSquare(r, -1, x) < 0 && CompareSquare(r, 1, x) > 0, $"{x:x} {rm}");
                        break;
                }
            }
        }
    }

    /// <summary>Compares (r + half*ulp(r)/2)^2 with x exactly, for positive normal r and positive finite x.</summary>
    private static int CompareSquare(ulong r, int half, ulong x)
    {
        // r +- ulp/2 = (2*mr +- 1) * 2^(E - 1076) with mr the 53-bit significand and E the biased exponent.
        ulong mr = (r & ((1UL << 52) - 1)) | (1UL << 52);
        UInt128 m = (ulong)((long)(2 * mr) + half);
        UInt128 sq = m * m; // in [2^106, 2^108)
        int e2 = 2 * ((int)(r >> 52) - 1076);
        ulong sx = SoftFloat<Binary64>.Unpack(x, out int ex);
        int n = ex - e2;
        if (n <= 0)
        {
            return 1; // sx < 2^53 < sq and 2^ex <= 2^e2
        }

        if (n + 64 - System.Numerics.BitOperations.LeadingZeroCount(sx) > 127)
        {
            return -1;
        }

        return sq.CompareTo((UInt128)sx << n);
    }
}
