using System.Collections.Concurrent;
using SharpVirt.Cpu.Decoders;

namespace SharpVirt.Cpu.Translation;

/// <summary>
/// Compiles hot blocks on a background thread, so a vCPU keeps interpreting instead of waiting for
/// RyuJIT; the block's function appears once ready. One thread serves every hart of the process.
/// </summary>
public static unsafe class BackgroundCompiler
{
    private static readonly BlockingCollection<(Block Block, DecodedInsn[] Insns, ulong Pc)> Queue = new(boundedCapacity: 8192);
    private static int started;

    /// <summary>Queues a block; false when the queue is full (the caller compiles it itself).</summary>
    public static bool TryEnqueue(Block block, DecodedInsn[] insns, ulong pc)
    {
        if (Interlocked.Exchange(ref started, 1) == 0)
            new Thread(Loop) { IsBackground = true, Name = "jit", Priority = ThreadPriority.BelowNormal }.Start();
        return Queue.TryAdd((block, insns, pc));
    }

    private static void Loop()
    {
        foreach (var (block, insns, pc) in Queue.GetConsumingEnumerable())
        {
            var function = BlockTranslator.Compile(insns, pc);
            // A DynamicMethod is only compiled to machine code at its first call: make that call here, with
            // no hart (the block returns at once), so the vCPU thread never waits for RyuJIT.
            function(null!, null, 0);
            Volatile.Write(ref block.Function, function);
        }
    }
}
