using SharpVirt.Cpu.Mmu;

namespace SharpVirt.Tests.Cpu;

/// <summary>
/// The TLB's generation, the key of what was cached by virtual address (the jump cache): a flush of one
/// address starts a new one only where code was cached; Linux flushes the address of every page fault.
/// </summary>
public sealed class TlbGenerationTests : IDisposable
{
    private readonly Tlb tlb = new();
    private readonly long first;

    public TlbGenerationTests()
    {
        tlb.NoteCodePage(0xffff_ffff_8000_1234);
        first = tlb.Generation;
    }

    public void Dispose() => tlb.Dispose();

    [Fact]
    public void AFlushOfADataPageKeepsTheGeneration()
    {
        tlb.Flush(0x3f_ffff_f000, null);
        tlb.Flush(0x1_0000, 5);
        Assert.Equal(first, tlb.Generation);
    }

    [Fact]
    public void AFlushOfACodePageOrOfEverythingStartsANewGeneration()
    {
        tlb.Flush(0xffff_ffff_8000_1ff8, null);
        Assert.Equal(first + 1, tlb.Generation);
        tlb.Flush(0xffff_ffff_8000_1ff8, null); // nothing cached for it since
        Assert.Equal(first + 1, tlb.Generation);
        tlb.Flush(null, null);
        Assert.Equal(first + 2, tlb.Generation);
        tlb.FlushAll();
        Assert.Equal(first + 3, tlb.Generation);
    }
}
