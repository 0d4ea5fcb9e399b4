using Xunit;

namespace SharpVirt.Tests.Fpu;

/// <summary>Runs the recorded qemu-riscv64 reference vectors, one test case per instruction.</summary>
public class ReferenceVectorTests
{
    public static TheoryData<string> F32Ops => Ops(F32Vectors.Data);

    public static TheoryData<string> F64Ops => Ops(F64Vectors.Data);

    private static IEnumerable<string> OpNames(string data) =>
        data.Split('\n').Select(l => l.Trim().Split(' ')[0]).Where(o => o.Length > 0).Distinct();

    private static TheoryData<string> Ops(string data)
    {
        var ops = new TheoryData<string>();
        foreach (string op in OpNames(data))
        {
            ops.Add(op);
        }

        return ops;
    }

    [Theory]
    [MemberData(nameof(F32Ops))]
    public void F32MatchesReference(string op) => Run(F32Vectors.Data, op);

    [Theory]
    [MemberData(nameof(F64Ops))]
    public void F64MatchesReference(string op) => Run(F64Vectors.Data, op);

    [Fact]
    public void VectorsCoverEveryInstruction()
    {
        string[] ops =
        [
            "fadd", "fsub", "fmul", "fdiv", "fsqrt", "fmadd", "fmin", "fmax", "feq", "flt", "fle", "fclass",
            "fcvt.w", "fcvt.wu", "fcvt.l", "fcvt.lu",
        ];
        var f32 = OpNames(F32Vectors.Data).ToHashSet();
        var f64 = OpNames(F64Vectors.Data).ToHashSet();
        foreach (string op in ops)
        {
            Assert.Contains(op + ".s", f32);
            Assert.Contains(op + ".d", f64);
        }

        foreach (string src in new[] { "w", "wu", "l", "lu" })
        {
            Assert.Contains("fcvt.s." + src, f32);
            Assert.Contains("fcvt.d." + src, f64);
        }

        Assert.Contains("fcvt.d.s", f32);
        Assert.Contains("fcvt.s.d", f64);
    }

    private static void Run(string data, string op)
    {
        (int count, List<string> failures) = VectorRunner.Check(data, op);
        Assert.True(count > 0, "no vectors for " + op);
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }
}
