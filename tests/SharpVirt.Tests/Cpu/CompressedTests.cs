using SharpVirt.Cpu;
using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Traps;
using E = SharpVirt.Tests.Asm.Encode;

namespace SharpVirt.Tests.Cpu;

/// <summary>16-bit instructions executing among 32-bit ones, at any 2-byte alignment and across pages.</summary>
public sealed class CompressedTests : IDisposable
{
    // Hand-encoded RVC instructions (unprivileged spec, "C" chapter), each checked against its expansion below.
    private const ushort CLiA0_5 = 0x4515;      // c.li a0, 5
    private const ushort CAddiA0_1 = 0x0505;    // c.addi a0, 1
    private const ushort CMvA1A0 = 0x85aa;      // c.mv a1, a0
    private const ushort CAddA0A1 = 0x952e;     // c.add a0, a1
    private const ushort CSlliA0_3 = 0x050e;    // c.slli a0, 3
    private const ushort CAddiwA0M1 = 0x357d;   // c.addiw a0, -1
    private const ushort CSdspA0_0 = 0xe02a;    // c.sdsp a0, 0(sp)
    private const ushort CLdspA1_0 = 0x6582;    // c.ldsp a1, 0(sp)
    private const ushort CJalrA2 = 0x9602;      // c.jalr a2
    private const ushort CNop = 0x0001;         // c.nop
    private const ushort CEbreak = 0x9002;      // c.ebreak

    private readonly HartBench b = new();

    public void Dispose() => b.Dispose();

    [Fact]
    public void EncodingsExpandAsIntended()
    {
        Assert.Equal(E.Addi(10, 0, 5), Rvc.Expand(CLiA0_5));
        Assert.Equal(E.Addi(10, 10, 1), Rvc.Expand(CAddiA0_1));
        Assert.Equal(E.Add(11, 0, 10), Rvc.Expand(CMvA1A0));
        Assert.Equal(E.Add(10, 10, 11), Rvc.Expand(CAddA0A1));
        Assert.Equal(E.Slli(10, 10, 3), Rvc.Expand(CSlliA0_3));
        Assert.Equal(E.Addiw(10, 10, -1), Rvc.Expand(CAddiwA0M1));
        Assert.Equal(E.Sd(10, 2, 0), Rvc.Expand(CSdspA0_0));
        Assert.Equal(E.Ld(11, 2, 0), Rvc.Expand(CLdspA1_0));
        Assert.Equal(E.Jalr(1, 12, 0), Rvc.Expand(CJalrA2));
        Assert.Equal(E.Addi(0, 0, 0), Rvc.Expand(CNop));
        Assert.Equal(E.Ebreak(), Rvc.Expand(CEbreak));
    }

    [Fact]
    public void MixedLengthsExecute()
    {
        var a = new Asm()
            .Half(CLiA0_5)                 // a0 = 5
            .Addi(11, 0, 7)                // 32-bit at a 2-byte offset
            .Half(CAddA0A1)                // 12
            .Half(CSlliA0_3)               // 96
            .Half(CAddiwA0M1)              // 95
            .Half(CMvA1A0)
            .Half(CAddiA0_1)               // 96
            .Li(2, (long)HartBench.Data)
            .Half(CSdspA0_0)
            .Addi(10, 0, 0)
            .Half(CLdspA1_0)               // a1 = 96 through memory
            .La(12, "f")
            .Half(CJalrA2)
            .Label("ret").Half(CNop)
            .Ecall()
            .Label("f").Addi(13, 1, 0).Jalr(0, 1, 0);
        b.RunProgram(a);
        Assert.Equal(11UL, b.Mcause);
        Assert.Equal(0UL, b.X(10));
        Assert.Equal(96UL, b.X(11));
        Assert.Equal(HartBench.Code + (ulong)a.OffsetOf("ret"), b.X(13)); // c.jalr links pc + 2
        Assert.Equal(96UL, b.Read64(HartBench.Data));
    }

    [Fact]
    public void CompressedEbreakAndIllegalReportTheirBits()
    {
        var a = new Asm().Half(CNop).Half(CEbreak);
        b.RunProgram(a);
        b.AssertMTrap((ulong)ExceptionCause.Breakpoint, HartBench.Code + 2, HartBench.Code + 2);

        // The all-zero halfword is illegal; mtval holds its 16 bits.
        b.RunProgram(new Asm().Half(CNop).Half(0).Half(0xffff));
        b.AssertMTrap((ulong)ExceptionCause.IllegalInstruction, HartBench.Code + 2, 0);

        // c.addi4spn with a zero immediate is reserved.
        b.RunProgram(new Asm().Half(0x0010).Half(CNop));
        b.AssertMTrap((ulong)ExceptionCause.IllegalInstruction, HartBench.Code, 0x0010);
    }

    [Fact]
    public void InstructionCrossingAPageBoundary()
    {
        // A 32-bit addi whose halves sit in two pages, then a 16-bit one at the end of a page.
        const ulong page = HartBench.Code + 0x1000;
        var a = new Asm();
        while (a.Position < 0x1000 - 6)
            a.Half(CNop);
        a.Half(CLiA0_5).Addi(10, 10, 100); // the addi spans 0xffe..0x1001
        while (a.Position < 0x2000 - 2)
            a.Half(CNop);
        a.Half(CAddiA0_1).Ecall(); // last halfword of the second page, then the next page
        b.RunProgram(a);
        Assert.Equal(11UL, b.Mcause);
        Assert.Equal(page + 0x1000 + 0, b.Mepc);
        Assert.Equal(106UL, b.X(10));
    }
}
