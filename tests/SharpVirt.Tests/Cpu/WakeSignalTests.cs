using SharpVirt.Cpu;

namespace SharpVirt.Tests.Cpu;

/// <summary>The signal a hart in WFI sleeps on: manual reset, settable from any thread.</summary>
public sealed class WakeSignalTests
{
    /// <summary>This host (Linux) serves the futex call, so harts sleep on it rather than on the fallback.</summary>
    [Fact]
    public void TheFutexServesThisHost()
    {
        Assert.True(WakeSignal.FutexUsable);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ASetBeforeTheWaitEndsItAtOnceAndStaysUntilReset(bool futex)
    {
        var s = new WakeSignal(futex);
        s.Set();
        Assert.True(s.Wait(TimeSpan.FromSeconds(30)));
        Assert.True(s.Wait(TimeSpan.FromSeconds(30)));
        s.Reset();
        Assert.False(s.Wait(TimeSpan.FromMilliseconds(1)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AWaitWithoutASetTimesOut(bool futex)
    {
        var s = new WakeSignal(futex);
        Assert.False(s.Wait(TimeSpan.FromMicroseconds(200)));
        Assert.False(s.Wait(TimeSpan.Zero));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ASetFromAnotherThreadWakesTheSleeper(bool futex)
    {
        var s = new WakeSignal(futex);
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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NoWakeUpIsLostInAPingPong(bool futex)
    {
        // The hart's pattern, 20,000 times: reset, check for work, wait; another thread posts work, then sets.
        // A lost wake-up leaves the waiter asleep until its timeout (it does when a set does not wake it).
        var s = new WakeSignal(futex);
        const int Rounds = 20_000;
        int posted = 0, taken = 0, late = 0;
        var waiter = new Thread(() =>
        {
            for (int i = 1; i <= Rounds; i++)
            {
                while (Volatile.Read(ref posted) < i)
                {
                    s.Reset();
                    if (Volatile.Read(ref posted) >= i)
                        break;
                    long start = System.Diagnostics.Stopwatch.GetTimestamp();
                    s.Wait(TimeSpan.FromSeconds(2));
                    if (System.Diagnostics.Stopwatch.GetElapsedTime(start) >= TimeSpan.FromSeconds(2))
                    {
                        Volatile.Write(ref late, i);
                        return;
                    }
                }
                Volatile.Write(ref taken, i);
            }
        });
        waiter.Start();
        for (int i = 1; i <= Rounds && Volatile.Read(ref late) == 0; i++)
        {
            Volatile.Write(ref posted, i);
            s.Set();
            var spin = new SpinWait();
            while (Volatile.Read(ref taken) < i && Volatile.Read(ref late) == 0)
                spin.SpinOnce();
        }
        waiter.Join();
        Assert.True(late == 0, $"round {late} slept to its timeout");
    }
}
