using SharpVirt.Devices.Interrupts;

namespace SharpVirt.Tests.Devices;

public class PlicTests
{
    private const ulong Pending = 0x1000;

    private readonly List<(int Context, bool Level)> _events = [];
    private readonly Plic _plic;

    public PlicTests() => _plic = new Plic(2, (ctx, level) => _events.Add((ctx, level)));

    private static ulong Priority(int source) => 4ul * (ulong)source;

    private static ulong Enable(int ctx) => 0x2000 + (0x80ul * (ulong)ctx);

    private static ulong Threshold(int ctx) => 0x20_0000 + (0x1000ul * (ulong)ctx);

    private static ulong Claim(int ctx) => Threshold(ctx) + 4;

    private void Write(ulong offset, uint value) => _plic.Write(offset, 4, value);

    private uint Read(ulong offset) => (uint)_plic.Read(offset, 4);

    private void EnableSource(int ctx, int source)
    {
        ulong reg = Enable(ctx) + (4ul * (ulong)(source / 32));
        Write(reg, Read(reg) | (1u << (source % 32)));
    }

    [Fact]
    public void PriorityRegistersAreThreeBitsAndSourceZeroIsHardwired()
    {
        Write(Priority(0), 5);
        Assert.Equal(0u, Read(Priority(0)));
        Write(Priority(10), 0xff);
        Assert.Equal(7u, Read(Priority(10)));
        Write(Priority(95), 3);
        Assert.Equal(3u, Read(Priority(95)));
        Write(Priority(96), 3);
        Assert.Equal(0u, Read(Priority(96)));
    }

    [Fact]
    public void EnableBitsForMissingSourcesReadZero()
    {
        Write(Enable(1), 0xffff_ffff);
        Write(Enable(1) + 8, 0xffff_ffff);
        Write(Enable(1) + 12, 0xffff_ffff);
        Assert.Equal(0xffff_fffeu, Read(Enable(1)));
        Assert.Equal(0xffff_ffffu, Read(Enable(1) + 8)); // sources 64..95
        Assert.Equal(0u, Read(Enable(1) + 12));
        Assert.Equal(0u, Read(Enable(0)));
        // Contexts past the last hart do not exist.
        Write(Enable(4), 0xffff_ffff);
        Assert.Equal(0u, Read(Enable(4)));
    }

    [Fact]
    public void OnlyWordAccessesAreImplemented()
    {
        Write(Priority(1), 3);
        Assert.Equal(0ul, _plic.Read(Priority(1), 8));
        Assert.Equal(0ul, _plic.Read(Priority(1), 1));
        _plic.Write(Priority(2), 1, 3);
        Assert.Equal(0u, Read(Priority(2)));
    }

    [Fact]
    public void PendingFollowsTheLineUntilClaimed()
    {
        IIrqLine line = _plic.GetSource(10);
        line.SetLevel(true);
        Assert.Equal(1u << 10, Read(Pending));
        line.SetLevel(false);
        Assert.Equal(0u, Read(Pending));
        _plic.GetSource(70).SetLevel(true);
        Assert.Equal(1u << 6, Read(Pending + 8));
        Assert.Empty(_events); // nothing enabled, nothing signalled
    }

    [Fact]
    public void ContextLineNeedsEnableAndPriorityAboveThreshold()
    {
        const int s = Plic.SourceCount; // the last source, 95
        _plic.GetSource(s).SetLevel(true);
        EnableSource(1, s);
        Assert.Empty(_events); // priority 0 never interrupts
        Write(Priority(s), 1);
        Assert.Equal([(1, true)], _events);
        Write(Threshold(1), 1);
        Assert.Equal([(1, true), (1, false)], _events);
        Write(Threshold(1), 0);
        Assert.Equal((1, true), _events[^1]);
        Write(Enable(1) + 8, 0);
        Assert.Equal((1, false), _events[^1]);
        Assert.Equal(4, _events.Count);
    }

    [Fact]
    public void ClaimPicksHighestPriorityThenLowestIdAndCompleteRearms()
    {
        foreach (int s in new[] { 3, 5, 7 })
        {
            Write(Priority(s), s == 7 ? 1u : 2u);
            EnableSource(1, s);
            _plic.GetSource(s).SetLevel(true);
        }
        Assert.Equal([(1, true)], _events);

        Assert.Equal(3u, Read(Claim(1)));
        Assert.Equal((1u << 5) | (1u << 7), Read(Pending));
        Assert.Equal(5u, Read(Claim(1)));
        Assert.Equal(7u, Read(Claim(1)));
        Assert.Equal((1, false), _events[^1]);
        Assert.Equal(0u, Read(Claim(1)));

        // Source 5 drops its line before completion: it stays quiet afterwards.
        _plic.GetSource(5).SetLevel(false);
        Write(Claim(1), 5);
        Assert.Equal(0u, Read(Pending));

        // Source 3 is still high: completing it makes it pending again.
        Write(Claim(1), 3);
        Assert.Equal(1u << 3, Read(Pending));
        Assert.Equal((1, true), _events[^1]);
        Assert.Equal(3u, Read(Claim(1)));
    }

    [Fact]
    public void ClaimedSourceIsNotPendingAgainUntilCompleted()
    {
        Write(Priority(1), 1);
        EnableSource(1, 1);
        IIrqLine line = _plic.GetSource(1);
        line.SetLevel(true);
        Assert.Equal(1u, Read(Claim(1)));
        line.SetLevel(false);
        line.SetLevel(true);
        Assert.Equal(0u, Read(Pending));
        Assert.Equal(0u, Read(Claim(1)));
        Write(Claim(1), 1);
        Assert.Equal(1u << 1, Read(Pending));
    }

    [Fact]
    public void CompletionForASourceNotEnabledOnTheContextIsIgnored()
    {
        Write(Priority(4), 1);
        EnableSource(1, 4);
        IIrqLine line = _plic.GetSource(4);
        line.SetLevel(true);
        Assert.Equal(4u, Read(Claim(1)));
        Write(Claim(3), 4); // hart 1's S-mode context has source 4 disabled
        Assert.Equal(0u, Read(Pending));
        Write(Claim(1), 4);
        Assert.Equal(1u << 4, Read(Pending));
    }

    [Fact]
    public void ContextsAreIndependentAndThresholdAppliesToClaim()
    {
        Write(Priority(9), 2);
        EnableSource(Plic.MachineContext(1), 9);
        EnableSource(Plic.SupervisorContext(1), 9);
        Write(Threshold(Plic.SupervisorContext(1)), 2);
        _plic.GetSource(9).SetLevel(true);
        Assert.Equal([(2, true)], _events);
        Assert.Equal(0u, Read(Claim(3)));
        Assert.Equal(2u, Read(Threshold(3)));
        Assert.Equal(9u, Read(Claim(2)));
        Assert.Equal([(2, true), (2, false)], _events);
        Assert.Equal(4, _plic.ContextCount);
    }

    [Fact]
    public void SourceOutOfRangeThrows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _plic.GetSource(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _plic.GetSource(96));
    }

    [Fact]
    public async Task ConcurrentSourcesAndClaimsStayConsistent()
    {
        var plic = new Plic(1, (_, _) => { });
        for (int s = 1; s <= 8; s++)
        {
            plic.Write(4ul * (ulong)s, 4, 1);
        }
        plic.Write(Enable(1), 4, 0x1fe);
        var devices = Enumerable.Range(1, 8).Select(s => Task.Run(() =>
        {
            IIrqLine line = plic.GetSource(s);
            for (int i = 0; i < 2000; i++)
            {
                line.SetLevel(true);
                line.SetLevel(false);
            }
        })).ToArray();
        var cpu = Task.Run(() =>
        {
            while (!devices.All(t => t.IsCompleted))
            {
                uint id = (uint)plic.Read(Claim(1), 4);
                if (id != 0)
                {
                    Assert.InRange(id, 1u, 8u);
                    plic.Write(Claim(1), 4, id);
                }
            }
        });
        await Task.WhenAll([.. devices, cpu]);
        Assert.Equal(0ul, plic.Read(Pending, 4));
    }
}
