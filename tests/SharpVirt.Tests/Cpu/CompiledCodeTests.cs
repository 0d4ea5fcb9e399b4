using SharpVirt.Cpu.Translation;

namespace SharpVirt.Tests.Cpu;

/// <summary>Compiled code is shared by the bytes it came from: another hart, at another address, binds it instead of compiling again.</summary>
public class CompiledCodeTests
{
    private const ulong Other = HartBench.Code + 0x3000;

    [Fact]
    public unsafe void ARegionMatchesOnlyItsOwnBytesWithinThePage()
    {
        byte* page = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(0x1000, 0x1000);
        try
        {
            for (int i = 0; i < 0x1000; i++)
                page[i] = (byte)(i * 7);
            nint head = (nint)(page + 0x100);
            var region = new CompiledRegion(null!, -0x20, new ReadOnlySpan<byte>(page + 0xe0, 0x60).ToArray());
            Assert.True(region.Matches(head));
            page[0x13f] ^= 1; // the last byte of the region
            Assert.False(region.Matches(head));
            page[0x13f] ^= 1;
            page[0x140] ^= 1; // just after it
            Assert.True(region.Matches(head));
            // The same bytes would reach before the page start (or past its end) from other heads.
            Assert.False(new CompiledRegion(null!, -0x200, new byte[0x60]).Matches(head));
            Assert.False(new CompiledRegion(null!, 0, new byte[0xf01]).Matches(head));
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.AlignedFree(page);
        }
    }

    /// <summary>
    /// J start; start: AUIPC x10, 0; ADDI x12, x10, 5; JAL x11, end; end: ECALL. The block at start (AUIPC to
    /// JAL) is what gets compiled; it uses the PC, so a copy elsewhere must compute other values.
    /// </summary>
    private static Asm Program() => new Asm().J("start")
        .Label("start").Auipc(10, 0).Addi(12, 10, 5).Jal(11, "end")
        .Label("end").Ecall();

    [Fact]
    public void AnotherHartRunsTheSameBytesElsewhereWithTheSharedMethod()
    {
        using var h0 = new HartBench(0, jit: true);
        using var h1 = new HartBench(1, h0.Memory, h0.Time, jit: true, h0.Hart.Translations);
        byte[] program = Program().Assemble();
        byte[] block = program[4..16];

        h0.Load(HartBench.Code, program);
        h0.Reset(HartBench.Code);
        h0.RunToHalt();
        Assert.Equal(HartBench.Code + 4, h0.X(10));
        Assert.Equal(HartBench.Code + 9, h0.X(12));
        Assert.Equal(HartBench.Code + 16, h0.X(11));
        Assert.NotNull(h0.Hart.Translations.Find(block));
        Assert.Equal(1, h0.Hart.BlocksCompiled);

        // h1 would never compile anything itself: its code can only come from h0's method.
        h1.Hart.HotThreshold = int.MaxValue;
        h1.Load(Other, program);
        h1.Reset(Other);
        h1.RunToHalt();
        Assert.Equal(Other + 4, h1.X(10));
        Assert.Equal(Other + 9, h1.X(12));
        Assert.Equal(Other + 16, h1.X(11));
        Assert.Equal(1, h1.Hart.BlocksCompiled); // bound at decode
    }

    [Fact]
    public void MethodsAreFoundByEqualBytesOnly()
    {
        byte[] code = [0x13, 0x05, 0x75, 0x33, 0x67, 0x80, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];
        var method = BlockTranslator.Emit([new Segment(0, [SharpVirt.Cpu.Decoders.Decoder.Decode(0x33750513)])], 0);
        var region = new CompiledRegion(method, 0, code);
        var table = new CompiledCode();
        table.Add(code, region);
        Assert.Same(region, table.Find([.. code]));
        byte[] other = [.. code];
        other[^1] ^= 1;
        Assert.Null(table.Find(other));
    }
}
