using System.Globalization;
using SharpVirt.Cpu.Fpu;

namespace SharpVirt.Tests.Fpu;

/// <summary>Runs reference vectors recorded on a RISC-V implementation (qemu-riscv64) through the library.
/// A vector line is <c>op rm a b c result fflags</c>, all numbers in hex.</summary>
internal static class VectorRunner
{
    /// <summary>Executes one instruction by its assembler mnemonic; returns the destination register value.</summary>
    public static ulong Execute(string op, RoundingMode rm, ulong a, ulong b, ulong c, ref FFlags f)
    {
        uint sa = (uint)a, sb = (uint)b, sc = (uint)c;
        return op switch
        {
            "fadd.s" => F32.Add(sa, sb, rm, ref f),
            "fsub.s" => F32.Sub(sa, sb, rm, ref f),
            "fmul.s" => F32.Mul(sa, sb, rm, ref f),
            "fdiv.s" => F32.Div(sa, sb, rm, ref f),
            "fsqrt.s" => F32.Sqrt(sa, rm, ref f),
            "fmadd.s" => F32.MulAdd(sa, sb, sc, rm, ref f),
            "fmin.s" => F32.Min(sa, sb, ref f),
            "fmax.s" => F32.Max(sa, sb, ref f),
            "feq.s" => F32.Eq(sa, sb, ref f) ? 1UL : 0,
            "flt.s" => F32.Lt(sa, sb, ref f) ? 1UL : 0,
            "fle.s" => F32.Le(sa, sb, ref f) ? 1UL : 0,
            "fclass.s" => F32.Classify(sa),
            "fcvt.w.s" => (ulong)F32.ToInt32(sa, rm, ref f),
            "fcvt.wu.s" => (ulong)F32.ToUInt32(sa, rm, ref f),
            "fcvt.l.s" => (ulong)F32.ToInt64(sa, rm, ref f),
            "fcvt.lu.s" => F32.ToUInt64(sa, rm, ref f),
            "fcvt.s.w" => F32.FromInt32((int)a, rm, ref f),
            "fcvt.s.wu" => F32.FromUInt32((uint)a, rm, ref f),
            "fcvt.s.l" => F32.FromInt64((long)a, rm, ref f),
            "fcvt.s.lu" => F32.FromUInt64(a, rm, ref f),
            "fcvt.d.s" => F32.ToF64(sa, ref f),
            "fadd.d" => F64.Add(a, b, rm, ref f),
            "fsub.d" => F64.Sub(a, b, rm, ref f),
            "fmul.d" => F64.Mul(a, b, rm, ref f),
            "fdiv.d" => F64.Div(a, b, rm, ref f),
            "fsqrt.d" => F64.Sqrt(a, rm, ref f),
            "fmadd.d" => F64.MulAdd(a, b, c, rm, ref f),
            "fmin.d" => F64.Min(a, b, ref f),
            "fmax.d" => F64.Max(a, b, ref f),
            "feq.d" => F64.Eq(a, b, ref f) ? 1UL : 0,
            "flt.d" => F64.Lt(a, b, ref f) ? 1UL : 0,
            "fle.d" => F64.Le(a, b, ref f) ? 1UL : 0,
            "fclass.d" => F64.Classify(a),
            "fcvt.w.d" => (ulong)F64.ToInt32(a, rm, ref f),
            "fcvt.wu.d" => (ulong)F64.ToUInt32(a, rm, ref f),
            "fcvt.l.d" => (ulong)F64.ToInt64(a, rm, ref f),
            "fcvt.lu.d" => F64.ToUInt64(a, rm, ref f),
            "fcvt.d.w" => F64.FromInt32((int)a, rm, ref f),
            "fcvt.d.wu" => F64.FromUInt32((uint)a, rm, ref f),
            "fcvt.d.l" => F64.FromInt64((long)a, rm, ref f),
            "fcvt.d.lu" => F64.FromUInt64(a, rm, ref f),
            "fcvt.s.d" => F64.ToF32(a, rm, ref f),
            _ => throw new ArgumentException("unknown op " + op, nameof(op)),
        };
    }

    /// <summary>Checks the vectors of <paramref name="op"/> in <paramref name="data"/>, lines of the form
    /// <c>op a b c result:fflags...</c> with one result per rounding mode (or one if the mode is irrelevant).
    /// Returns the number of vectors checked and descriptions of the first mismatches.</summary>
    public static (int Count, List<string> Failures) Check(string data, string op, int maxFailures = 20)
    {
        var failures = new List<string>();
        int count = 0;
        foreach (string raw in data.Split('\n'))
        {
            string[] p = raw.Trim().Split(' ');
            if (p[0] != op)
            {
                continue;
            }

            ulong a = Hex(p[1]), b = Hex(p[2]), c = Hex(p[3]);
            for (int i = 4; i < p.Length; i++)
            {
                count++;
                string[] rf = p[i].Split(':');
                var rm = (RoundingMode)(i - 4);
                FFlags f = 0;
                ulong got = Execute(op, rm, a, b, c, ref f);
                if ((got != Hex(rf[0]) || f != (FFlags)Hex(rf[1])) && failures.Count < maxFailures)
                {
                    failures.Add($"{op} {rm} a={a:x} b={b:x} c={c:x}: want {rf[0]}:{rf[1]} got {got:x}:{(int)f:x}");
                }
            }
        }

        return (count, failures);
    }

    /// <summary>Checks one line as printed by the generator: <c>op rm a b c result fflags</c>.</summary>
    public static bool CheckRaw(string line, out string message)
    {
        string[] p = line.Split(' ');
        var rm = (RoundingMode)byte.Parse(p[1], CultureInfo.InvariantCulture);
        FFlags f = 0;
        ulong got = Execute(p[0], rm, Hex(p[2]), Hex(p[3]), Hex(p[4]), ref f);
        message = $"{line}  => got {got:x} flags {(int)f:x}";
        return got == Hex(p[5]) && f == (FFlags)Hex(p[6]);
    }

    private static ulong Hex(string s) => ulong.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
