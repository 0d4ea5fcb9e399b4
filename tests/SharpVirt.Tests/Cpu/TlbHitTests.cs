using SharpVirt.Cpu;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Traps;
using static SharpVirt.Tests.Cpu.PageTable;
using C = SharpVirt.Cpu.Csr.CsrAddress;

namespace SharpVirt.Tests.Cpu;

/// <summary>
/// The TLB hit check of both engines: an access that starts in a cached page but ends in the next one must
/// take the slow path, which translates that page too (here mapped elsewhere in RAM, and read-only).
/// </summary>
public sealed class TlbHitTests
{
    private const ulong Va = 0x4000_0000;
    // The page after P1 in RAM (and in host memory) is not the one Va + 0x1000 maps to.
    private const ulong P1 = HartBench.Data, Beyond = P1 + 0x1000, P2 = P1 + 0x3000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnAccessIntoTheNextPageTranslatesThatPage(bool jit)
    {
        using var b = new HartBench(jit: jit);
        var pt = new PageTable(b, Satp.Sv39);
        pt.Map(HartBench.RamBase, HartBench.RamBase, 2, V | RWX | A | D);
        pt.Map(Va, P1, 0, V | R | W | A | D);
        pt.Map(Va + 0x1000, P2, 0, V | R | A | D);
        b.Write32(P1 + 0xffc, 0x0403_0201);
        b.Write32(Beyond, 0xeeee_eeee);
        b.Write32(P2, 0x0807_0605);
        var program = new Asm()
            .Li(5, (long)Va + 0x800).Li(6, 3).Li(7, -1)
            .Label("loop")
            .Lw(10, 5, 0x7f8) // within P1: fills its entry
            .Ld(11, 5, 0x7fc) // half in P1, half in P2
            .Add(12, 12, 11)
            .Addi(6, 6, -1).Bnez(6, "loop")
            .Sw(7, 5, 0x7f0) // within P1: fills its store entry
            .Label("store")
            .Sd(7, 5, 0x7fc) // into the read-only P2: faults before writing
            .Ecall();
        b.Load(program);
        b.Poke(C.Satp, pt.Satp());
        b.Enter(PrivilegeMode.Supervisor, HartBench.Code);
        b.RunToHalt();

        Assert.Equal(3 * 0x0807_0605_0403_0201UL, b.X(12));
        b.AssertMTrap((ulong)ExceptionCause.StorePageFault, HartBench.Code + (ulong)program.OffsetOf("store"), Va + 0x1000);
        Assert.Equal(0x0403_0201U, b.Read32(P1 + 0xffc));
        Assert.Equal(0xeeee_eeeeU, b.Read32(Beyond));
    }
}
