using SharpVirt.Cpu;

namespace SharpVirt.Tests.Cpu;

/// <summary>The signal a hart in WFI sleeps on: manual reset, settable from any thread.</summary>
public sealed class WakeSignalTests
{
    [Fact]
    public void ASetBeforeTheWaitEndsItAtOnceAndStaysUntilReset()
    {
        var s = new WakeSignal();
        s.Set();
        Assert.True(s.Wait(TimeSpan.FromSeconds(30)));
        Assert.True(s.Wait(TimeSpan.FromSeconds(30)));
        s.Reset();
        Assert.False(s.Wait(TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public void AWaitWithoutASetTimesOut()
    {
        var s = new WakeSignal();
        Assert.False(s.Wait(TimeSpan.FromMicroseconds(200)));
        Assert.False(s.Wait(TimeSpan.Zero));
    }

    [Fact]
    public void ASetFromAnotherThreadWakesTheSleeper()
    {
        var s = new WakeSignal();
        var t = new Thread(() =>
        {
            Thread.Sleep(50);
            s.Set();
        });
        t.Start();
        bool woke = false;
        // A signal to the thread may end a wait early; the hart then waits again, and so does this loop.
        for (int i = 0; i < 100 && !woke; i++)
            woke = s.Wait(TimeSpan.FromSeconds(30));
        t.Join();
        Assert.True(woke);
    }
}
