using SharpVirt.Cpu;
using SharpVirt.Cpu.Traps;
using E = SharpVirt.Tests.Asm.Encode;

namespace SharpVirt.Tests.Cpu;

/// <summary>The A extension on one hart: LR/SC reservations, every AMO in both widths, alignment and device rules.</summary>
public class AtomicTests : IDisposable
{
    private const ulong D = HartBench.Data;
    private readonly HartBench b;

    public AtomicTests() : this(jit: false)
    {
    }

    protected AtomicTests(bool jit) => b = new HartBench(jit: jit);

    public void Dispose()
    {
        b.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void LrScSucceedsOnce()
    {
        b.Write64(D, 5);
        b.RunProgram(new Asm().Li(10, (long)D)
            .LrD(11, 10).Addi(12, 11, 1).ScD(13, 12, 10)   // succeeds: 6
            .Li(14, 100).ScD(15, 14, 10)                    // the reservation is gone: fails
            .Ecall());
        Assert.Equal(5UL, b.X(11));
        Assert.Equal(0UL, b.X(13));
        Assert.NotEqual(0UL, b.X(15));
        Assert.Equal(6UL, b.Read64(D));
    }

    [Fact]
    public void ScWithoutLrFails()
    {
        b.Write64(D, 5);
        b.RunProgram(new Asm().Li(10, (long)D).Li(12, 9).ScW(13, 12, 10).ScD(14, 12, 10).Ecall());
        Assert.Equal(1UL, b.X(13));
        Assert.Equal(1UL, b.X(14));
        Assert.Equal(5UL, b.Read64(D));
    }

    [Fact]
    public void ScToAnotherAddressFails()
    {
        b.Write64(D, 5);
        b.Write64(D + 64, 7);
        b.RunProgram(new Asm().Li(10, (long)D).Addi(11, 10, 64).LrD(12, 10).ScD(13, 12, 11).Ecall());
        Assert.NotEqual(0UL, b.X(13));
        Assert.Equal(7UL, b.Read64(D + 64));
    }

    [Fact]
    public void ScFailsWhenAnotherAgentChangedTheValue()
    {
        b.Write32(D, 5);
        b.Reset();
        b.Load(new Asm().Li(10, (long)D).LrW(11, 10).Addi(12, 11, 1).ScW(13, 12, 10).Ecall());
        int steps = 0;
        // Step through the li and the lr, then change the word behind the hart's back.
        ulong lrPc = HartBench.Code + (ulong)(E.Li(10, (long)D).Length * 4);
        while (b.Hart.Pc != lrPc + 4)
        {
            b.Hart.Run(1);
            Assert.True(++steps < 10);
        }
        b.Write32(D, 40); // a store by someone else between LR and SC
        b.RunToHalt();
        Assert.Equal(1UL, b.X(13));
        Assert.Equal(40U, b.Read32(D));
    }

    [Fact]
    public void LrWSignExtendsAndScWStoresWord()
    {
        b.Write64(D, 0xcafe_babe_8000_0000);
        b.RunProgram(new Asm().Li(10, (long)D).LrW(11, 10).Li(12, unchecked((long)0x1111_1111_9999_9999UL)).ScW(13, 12, 10).Ecall());
        Assert.Equal(0xffff_ffff_8000_0000UL, b.X(11));
        Assert.Equal(0UL, b.X(13));
        Assert.Equal(0xcafe_babe_9999_9999UL, b.Read64(D));
    }

    public static TheoryData<string, ulong> AmoWCases => new()
    {
        // memory word 0x8000_0001 (negative), rs2 = 0x1234_5678_0000_0003 (only its low word counts):
        // (op, the new memory word); rd is always the old word sign-extended
        { "amoswap.w", 3 }, { "amoadd.w", 0x8000_0004 }, { "amoxor.w", 0x8000_0002 }, { "amoand.w", 1 },
        { "amoor.w", 0x8000_0003 }, { "amomin.w", 0x8000_0001 }, { "amomax.w", 3 },
        { "amominu.w", 3 }, { "amomaxu.w", 0x8000_0001 },
    };

    private static Func<int, int, int, uint> Amo(string name) => name switch
    {
        "amoswap.w" => (d, s, a) => E.AmoswapW(d, s, a),
        "amoadd.w" => (d, s, a) => E.AmoaddW(d, s, a),
        "amoxor.w" => (d, s, a) => E.AmoxorW(d, s, a),
        "amoand.w" => (d, s, a) => E.AmoandW(d, s, a),
        "amoor.w" => (d, s, a) => E.AmoorW(d, s, a),
        "amomin.w" => (d, s, a) => E.AmominW(d, s, a),
        "amomax.w" => (d, s, a) => E.AmomaxW(d, s, a),
        "amominu.w" => (d, s, a) => E.AmominuW(d, s, a),
        "amomaxu.w" => (d, s, a) => E.AmomaxuW(d, s, a),
        "amoswap.d" => (d, s, a) => E.AmoswapD(d, s, a),
        "amoadd.d" => (d, s, a) => E.AmoaddD(d, s, a),
        "amoxor.d" => (d, s, a) => E.AmoxorD(d, s, a),
        "amoand.d" => (d, s, a) => E.AmoandD(d, s, a),
        "amoor.d" => (d, s, a) => E.AmoorD(d, s, a),
        "amomin.d" => (d, s, a) => E.AmominD(d, s, a),
        "amomax.d" => (d, s, a) => E.AmomaxD(d, s, a),
        "amominu.d" => (d, s, a) => E.AmominuD(d, s, a),
        "amomaxu.d" => (d, s, a) => E.AmomaxuD(d, s, a),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(AmoWCases))]
    public void AmoWord(string op, ulong newWord)
    {
        b.Write32(D, 0x8000_0001);
        b.Write32(D + 4, 0xcafe_babe); // the neighbouring word must not change
        b.RunProgram(new Asm().Li(10, (long)D).Li(11, unchecked((long)0x1234_5678_0000_0003UL)).Word(Amo(op)(12, 11, 10)).Ecall());
        Assert.Equal(11UL, b.Mcause);
        Assert.Equal(0xffff_ffff_8000_0001UL, b.X(12));
        Assert.Equal((uint)newWord, b.Read32(D));
        Assert.Equal(0xcafe_babeU, b.Read32(D + 4));
    }

    public static TheoryData<string, ulong> AmoDCases => new()
    {
        // memory 0x8000_0000_0000_0001, rs2 = 3
        { "amoswap.d", 3 }, { "amoadd.d", 0x8000_0000_0000_0004 }, { "amoxor.d", 0x8000_0000_0000_0002 }, { "amoand.d", 1 },
        { "amoor.d", 0x8000_0000_0000_0003 }, { "amomin.d", 0x8000_0000_0000_0001 }, { "amomax.d", 3 },
        { "amominu.d", 3 }, { "amomaxu.d", 0x8000_0000_0000_0001 },
    };

    [Theory]
    [MemberData(nameof(AmoDCases))]
    public void AmoDouble(string op, ulong newValue)
    {
        b.Write64(D, 0x8000_0000_0000_0001);
        b.RunProgram(new Asm().Li(10, (long)D).Li(11, 3).Word(Amo(op)(12, 11, 10)).Ecall());
        Assert.Equal(11UL, b.Mcause);
        Assert.Equal(0x8000_0000_0000_0001UL, b.X(12));
        Assert.Equal(newValue, b.Read64(D));
    }

    [Fact]
    public void AmoWithRdEqualRs2()
    {
        b.Write64(D, 10);
        b.RunProgram(new Asm().Li(10, (long)D).Li(11, 5).AmoaddD(11, 11, 10).Ecall());
        Assert.Equal(10UL, b.X(11));
        Assert.Equal(15UL, b.Read64(D));
    }

    [Theory]
    [InlineData("amoadd.w", 2, ExceptionCause.StoreAddressMisaligned)]
    [InlineData("amoswap.w", 1, ExceptionCause.StoreAddressMisaligned)]
    [InlineData("amoadd.d", 4, ExceptionCause.StoreAddressMisaligned)]
    [InlineData("amomaxu.d", 7, ExceptionCause.StoreAddressMisaligned)]
    [InlineData("lr.w", 2, ExceptionCause.LoadAddressMisaligned)]
    [InlineData("lr.d", 4, ExceptionCause.LoadAddressMisaligned)]
    [InlineData("sc.w", 2, ExceptionCause.StoreAddressMisaligned)]
    [InlineData("sc.d", 4, ExceptionCause.StoreAddressMisaligned)]
    public void MisalignedAtomicsFault(string op, int offset, ExceptionCause cause)
    {
        b.Write64(D, 1);
        b.Write64(D + 8, 1);
        uint insn = op switch
        {
            "lr.w" => E.LrW(12, 10),
            "lr.d" => E.LrD(12, 10),
            "sc.w" => E.ScW(12, 11, 10),
            "sc.d" => E.ScD(12, 11, 10),
            _ => Amo(op)(12, 11, 10),
        };
        var a = new Asm().Li(10, (long)D + offset).Li(11, 1).Label("insn").Word(insn).Ecall();
        b.RunProgram(a);
        b.AssertMTrap((ulong)cause, HartBench.Code + (ulong)a.OffsetOf("insn"), D + (ulong)offset);
        Assert.Equal(1UL, b.Read64(D));
        Assert.Equal(1UL, b.Read64(D + 8));
    }

    [Theory]
    [InlineData(HartBench.Device, ExceptionCause.StoreAccessFault)]
    [InlineData(HartBench.Hole, ExceptionCause.StoreAccessFault)]
    public void AmoOutsideRamIsAccessFault(ulong address, ExceptionCause cause)
    {
        var a = new Asm().Li(10, (long)address).Li(11, 1).Label("insn").AmoaddW(12, 11, 10).Ecall();
        b.RunProgram(a);
        b.AssertMTrap((ulong)cause, HartBench.Code + (ulong)a.OffsetOf("insn"), address);
        Assert.DoesNotContain(b.Bus.Log, e => e.Write);
    }

    [Fact]
    public void LrOutsideRamIsLoadAccessFault()
    {
        var a = new Asm().Li(10, (long)HartBench.Hole).Label("insn").LrD(12, 10).Ecall();
        b.RunProgram(a);
        b.AssertMTrap((ulong)ExceptionCause.LoadAccessFault, HartBench.Code + (ulong)a.OffsetOf("insn"), HartBench.Hole);
    }
}

/// <summary>The same programs with every block compiled at its first run: the atomics run in compiled code.</summary>
public sealed class CompiledAtomicTests() : AtomicTests(jit: true);
