using SharpVirt.Machine.Guest;

namespace SharpVirt.Tests.Guest;

public class KernelModulesTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void ReadsModinfoFromElf(bool is64, bool little)
    {
        byte[] elf = ElfTestModule.Create(
            ["softdep=pre: crypto-crc32c", "alias=fs-ext4", "alias=ext3", "depends=jbd2,mbcache,crc16", "name=ext4", "vermagic=6.1.0 SMP"],
            is64, little);
        var info = KernelModules.ReadModinfo(elf, "fallback");
        Assert.Equal("ext4", info.Name);
        Assert.Equal(["jbd2", "mbcache", "crc16"], info.Depends);
        Assert.Equal(["crypto_crc32c"], info.SoftPre);
        Assert.Equal(["fs-ext4", "ext3"], info.Aliases);
        Assert.Equal("6.1.0 SMP", info.VerMagic);
    }

    [Fact]
    public void EmptyDependsAndMissingNameFallBackToFileName()
    {
        var info = KernelModules.ReadModinfo(ElfTestModule.Create(["depends=", "license=GPL"]), KernelModules.NameFromFile("virtio-rng.ko.xz"));
        Assert.Equal("virtio_rng", info.Name);
        Assert.Empty(info.Depends);
    }

    [Fact]
    public void RejectsNonElfData() =>
        Assert.Throws<GuestImageException>(() => KernelModules.ReadModinfo(new byte[] { 0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0 }.Concat(new byte[100]).ToArray(), "x"));

    private static Func<string, KernelModuleInfo?> Index(params KernelModuleInfo[] modules) =>
        name => modules.FirstOrDefault(m => m.Name == name);

    private static KernelModuleInfo M(string name, string[]? depends = null, string[]? softPre = null, string[]? aliases = null) =>
        new(name, depends ?? [], softPre ?? [], aliases ?? [], null);

    [Fact]
    public void DependenciesComeFirstAndRequestedOrderIsKept()
    {
        var lookup = Index(
            M("virtio_mmio"), M("virtio_blk"), M("failover"), M("net_failover", ["failover"]), M("virtio_net", ["net_failover"]),
            M("crc16"), M("mbcache"), M("jbd2", softPre: ["crypto_crc32c"]), M("crc32c_generic", aliases: ["crypto-crc32c", "crc32c"]),
            M("ext4", ["jbd2", "mbcache", "crc16"], ["crypto_crc32c"]));
        var order = KernelModules.LoadOrder(["virtio_mmio", "virtio-blk", "virtio_net", "ext4", "crc32c_generic"], lookup);
        Assert.Equal(
            ["virtio_mmio", "virtio_blk", "failover", "net_failover", "virtio_net", "crc32c_generic", "jbd2", "mbcache", "crc16", "ext4"],
            order.Select(m => m.Name));
    }

    [Fact]
    public void DiamondDependenciesAppearOnce()
    {
        var lookup = Index(M("base"), M("left", ["base"]), M("right", ["base"]), M("top", ["left", "right"]));
        Assert.Equal(["base", "left", "right", "top"], KernelModules.LoadOrder(["top", "base"], lookup).Select(m => m.Name));
    }

    [Fact]
    public void SoftDependenciesOutsideTheSetAreIgnored()
    {
        var lookup = Index(M("jbd2", softPre: ["crypto_crc32c"]));
        Assert.Equal(["jbd2"], KernelModules.LoadOrder(["jbd2"], lookup).Select(m => m.Name));
    }

    [Fact]
    public void MissingDependencyNamesWhoNeedsIt()
    {
        var e = Assert.Throws<GuestImageException>(() => KernelModules.LoadOrder(["ext4"], Index(M("ext4", ["jbd2"]))));
        Assert.Contains("ext4 needs jbd2", e.Message);
    }

    [Fact]
    public void CyclesAreReported()
    {
        var e = Assert.Throws<GuestImageException>(() => KernelModules.LoadOrder(["a"], Index(M("a", ["b"]), M("b", ["a"]))));
        Assert.Contains("cycle", e.Message);
    }
}
