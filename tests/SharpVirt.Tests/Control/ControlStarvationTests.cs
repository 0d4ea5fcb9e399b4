using SharpVirt.Machine.Control;

namespace SharpVirt.Tests.Control;

/// <summary>Runs alone: it starves .NET's thread pool on purpose, which would stall tests running beside it.</summary>
[CollectionDefinition(nameof(ThreadPoolStarvation), DisableParallelization = true)]
public sealed class ThreadPoolStarvation;

[Collection(nameof(ThreadPoolStarvation))]
public sealed class ControlStarvationTests
{
    [Fact]
    public void TheControlSocketAnswersWhileTheThreadPoolIsStarved()
    {
        using var m = new ControlTestVm("starved", balloon: false);
        using var release = new ManualResetEventSlim();
        ThreadPool.GetMinThreads(out int workers, out _);
        int blockers = 4 * Math.Max(workers, Environment.ProcessorCount);
        using var finished = new CountdownEvent(blockers);
        for (int i = 0; i < blockers; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                release.Wait(TimeSpan.FromSeconds(30));
                finished.Signal();
            }, null);
        }
        try
        {
            // The pool adds a thread about every half second when starved: the queued blockers would take
            // longer than this timeout to drain, so a server that needed the pool would not answer in time.
            string reply = ControlClient.SendRaw(m.Server.SocketPath, "{\"op\":\"status\"}", TimeSpan.FromSeconds(2));
            Assert.Contains("\"state\":\"running\"", reply);
        }
        finally
        {
            release.Set();
            Assert.True(finished.Wait(TimeSpan.FromSeconds(30)), "the blocked pool items did not finish");
        }
    }
}
