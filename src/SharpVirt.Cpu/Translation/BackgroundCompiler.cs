namespace SharpVirt.Cpu.Translation;

/// <summary>
/// Compiles hot blocks on a background thread, so a vCPU keeps interpreting instead of waiting for
/// RyuJIT; the block's function appears once ready. One thread serves every hart of the process and
/// takes the hottest waiting block first (blocks go on counting their runs while they wait), so a hot
/// loop does not wait behind a queue of lukewarm code.
/// </summary>
public static unsafe class BackgroundCompiler
{
    public const int Capacity = 8192;

    /// <summary>
    /// A region to compile for <paramref name="Block"/> of <paramref name="Hart"/>, from guest bytes <paramref name="Code"/> (see
    /// <see cref="CompiledRegion"/>). A <paramref name="TierUp"/> job recompiles a compiled block with a bigger region; it waits until no other job does,
    /// and its region goes to <see cref="Block.Upgrade"/>, for the hart's own thread to bind: the hart may be running the block's old code
    /// (see <see cref="Block.TryBind"/>).
    /// </summary>
    public sealed record Job(Hart Hart, Block Block, List<Segment> Segments, ulong Pc, int Start, byte[] Code, bool TierUp = false);

    private static readonly List<Job> Waiting = [];
    /// <summary>The job being compiled (guarded by the lock on <see cref="Waiting"/>).</summary>
    private static Job? running;
    private static readonly SemaphoreSlim Ready = new(0);
    private static int started;

    /// <summary>Queues a block; false when the queue is full (the caller tries again later).</summary>
    public static bool TryEnqueue(Job job)
    {
        if (Interlocked.Exchange(ref started, 1) == 0)
            new Thread(Loop) { IsBackground = true, Name = "jit", Priority = ThreadPriority.BelowNormal }.Start();
        lock (Waiting)
        {
            if (Waiting.Count >= Capacity)
                return false;
            Waiting.Add(job);
        }
        Ready.Release();
        return true;
    }

    /// <summary>
    /// Drops the waiting jobs of <paramref name="hart"/> and waits for the one being compiled for it, if any:
    /// after this the compiler no longer touches the hart's blocks or their guest memory (the hart is being
    /// disposed, and its memory may be next).
    /// </summary>
    public static void Forget(Hart hart)
    {
        lock (Waiting)
        {
            Waiting.RemoveAll(job => job.Hart == hart);
            while (running?.Hart == hart)
                Monitor.Wait(Waiting);
        }
    }

    /// <summary>Removes and returns the waiting block with the most runs (null if <see cref="Forget"/> took them).</summary>
    private static Job? TakeHottest()
    {
        lock (Waiting)
        {
            if (Waiting.Count == 0)
                return null;
            int best = 0;
            for (int i = 1; i < Waiting.Count; i++)
                if (IsBefore(Waiting[i], Waiting[best]))
                    best = i;
            var job = Waiting[best];
            Waiting[best] = Waiting[^1];
            Waiting.RemoveAt(Waiting.Count - 1);
            running = job;
            return job;
        }
    }

    private static bool IsBefore(Job a, Job b) => a.TierUp != b.TierUp ? !a.TierUp : a.Block.Heat > b.Block.Heat;

    private static void Loop()
    {
        while (true)
        {
            Ready.Wait();
            if (TakeHottest() is not { } job)
                continue;
            try
            {
                Compile(job);
            }
            catch (Exception e) when (e is InvalidProgramException or NotSupportedException or InvalidOperationException)
            {
                // A translator bug must not take the VM down: the block stays interpreted.
                Console.Error.WriteLine($"sharpvirt: could not compile the block at 0x{job.Pc:x} ({e.Message}); it stays interpreted");
            }
            finally
            {
                lock (Waiting)
                {
                    running = null;
                    Monitor.PulseAll(Waiting);
                }
            }
        }
    }

    /// <summary>Does one job (on the compiler's thread; tests call it directly).</summary>
    internal static void Compile(Job job)
    {
        var block = job.Block;
        if (!block.PageUnchanged || (!job.TierUp && Volatile.Read(ref block.Function) != null))
            return; // replaced since (nobody runs it), or bound to a region compiled since
        // Another hart may have compiled the same code meanwhile.
        if (job.Hart.Translations.FindFor(block) is { } found && (!job.TierUp || found.Instructions >= job.Segments.Sum(s => s.Insns.Length)))
        {
            if (job.TierUp)
                Volatile.Write(ref block.Upgrade, found);
            else
                job.Hart.TryBind(block, found);
            return;
        }
        var region = CompiledRegion.Compile(job.Segments, job.Pc, job.Start, job.Code);
        // A DynamicMethod is only compiled to machine code at its first call: make that call here,
        // with no registers (the block returns at once), so the vCPU thread never waits for RyuJIT.
        BlockTranslator.Bind(region.Method, job.Hart)(null, 0, 0, 0);
        job.Hart.Translations.Add(block.Code, region, job.Segments);
        if (job.TierUp)
            Volatile.Write(ref block.Upgrade, region);
        else
            job.Hart.BindRegion(block, region, job.Segments);
    }
}
