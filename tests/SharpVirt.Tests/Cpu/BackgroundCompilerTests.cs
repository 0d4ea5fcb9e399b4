namespace SharpVirt.Tests.Cpu;

/// <summary>The background compiler and the lifetime of the harts it serves.</summary>
public class BackgroundCompilerTests
{
    /// <summary>
    /// Hundreds of blocks queued for compiling, then the hart and its memory are disposed at once (a VM
    /// powering off): the compiler must drop those jobs, not read the freed memory (which crashed the process
    /// with an access violation in a full test run).
    /// </summary>
    [Fact]
    public void ADisposedHartsQueuedBlocksAreDroppedBeforeItsMemoryIsFreed()
    {
        var program = new Asm().Li(5, 3).Label("top");
        for (int i = 0; i < 300; i++)
            program.Addi(6, 6, 1).J($"b{i}").Label($"b{i}");
        program.Addi(5, 5, -1).Bnez(5, "top").Ecall();
        for (int round = 0; round < 20; round++)
        {
            // 2 GiB: the page states of the slot are big enough to be unmapped when freed.
            var b = new HartBench(jit: true, ramSize: 2UL << 30);
            b.Hart.HotThreshold = 2;
            b.Hart.CompileInForeground = false;
            b.RunProgram(program);
            Assert.Equal(900UL, b.X(6));
            Assert.True(b.Hart.BlocksCompiled > 0); // queued, and some perhaps compiled already
            b.Dispose();
        }
    }
}
