using SharpVirt.Devices.Virtio;

namespace SharpVirt.Tests.Virtio;

/// <summary>The I/O thread's hold (snapshot quiescence): the request in hand finishes, kicks wait until release.</summary>
public sealed class VirtioWorkerTests
{
    [Fact]
    public void HoldWaitsForTheCallbackInHandAndKeepsKicksPendingUntilRelease()
    {
        using var inside = new ManualResetEventSlim();
        using var proceed = new ManualResetEventSlim();
        int calls = 0;
        ulong seen = 0;
        using var worker = new VirtioWorker("test-worker", bits =>
        {
            Interlocked.Or(ref seen, bits);
            if (Interlocked.Increment(ref calls) == 1)
            {
                inside.Set();
                proceed.Wait();
            }
        });
        worker.Start();
        worker.Kick(0);
        Assert.True(inside.Wait(5000));
        var hold = new Thread(worker.Hold);
        hold.Start();
        Assert.False(hold.Join(100)); // the callback is still running
        proceed.Set();
        Assert.True(hold.Join(5000));
        Assert.True(worker.IsHeld);

        worker.Kick(3);
        Thread.Sleep(50);
        Assert.Equal(1, Volatile.Read(ref calls)); // held: nothing runs
        worker.Release();
        VirtioTestDriver.WaitUntil(() => Volatile.Read(ref calls) == 2);
        Assert.Equal(0b1001ul, Interlocked.Read(ref seen));
        Assert.False(worker.IsHeld);
    }

    [Fact]
    public void AHeldWorkerStopsAndAThreadStartedWhileHeldWaits()
    {
        int calls = 0;
        using var worker = new VirtioWorker("test-worker", _ => Interlocked.Increment(ref calls));
        worker.Hold();
        worker.Start();
        worker.Kick(1);
        Thread.Sleep(50);
        Assert.Equal(0, Volatile.Read(ref calls));
        worker.Stop(); // does not hang on the held thread
        Assert.False(worker.IsRunning);
        worker.Start();
        worker.Release();
        worker.Kick(2);
        VirtioTestDriver.WaitUntil(() => Volatile.Read(ref calls) == 1);
    }
}
