using System.Runtime.InteropServices;
using SharpVirt.Cpu.Translation;

namespace SharpVirt.Tests.Cpu;

public unsafe class BlockCacheTests
{
    /// <summary>A page state word that never changes (blocks here hold no code bytes).</summary>
    private static readonly int* State = (int*)NativeMemory.AllocZeroed(sizeof(int));

    private static Block NewBlock(nint host) => new(host, State, 0, [], 0, 0);

    /// <summary>Host addresses that all fall in one set of the cache.</summary>
    private static List<nint> Colliding(int count)
    {
        var found = new List<nint>();
        int set = BlockCache.IndexOf(0x1000);
        for (nint host = 0x1000; found.Count < count; host += 2)
            if (BlockCache.IndexOf(host) == set)
                found.Add(host);
        return found;
    }

    [Fact]
    public void TwoBlocksOfOneSetAreBothKept()
    {
        var cache = new BlockCache();
        var hosts = Colliding(2);
        var a = NewBlock(hosts[0]);
        var b = NewBlock(hosts[1]);
        cache.Store(a);
        cache.Store(b);
        Assert.Same(a, cache.Find(hosts[0]));
        Assert.Same(b, cache.Find(hosts[1]));
    }

    [Fact]
    public void ACompiledBlockPushedOutIsFoundAgainAndAnUncompiledOneIsNot()
    {
        var cache = new BlockCache();
        var hosts = Colliding(4);
        var compiled = NewBlock(hosts[0]);
        compiled.Function = (x, pc, budget, entry) => 0;
        var plain = NewBlock(hosts[1]);
        cache.Store(compiled);
        cache.Store(plain);
        cache.Store(NewBlock(hosts[2])); // pushes out compiled (the older of the two)
        cache.Store(NewBlock(hosts[3])); // pushes out plain
        Assert.Same(compiled, cache.Find(hosts[0]));
        Assert.Null(cache.Find(hosts[1]));
        cache.Clear();
        Assert.Null(cache.Find(hosts[0]));
    }
}
