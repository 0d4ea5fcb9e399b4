using SharpVirt.Devices.Storage;

namespace SharpVirt.Tests.Storage;

/// <summary>Backing files: unallocated clusters read through, writes copy the rest of the cluster up.</summary>
public class Qcow2BackingTests
{
    private const int MiB = 1 << 20;

    [Theory]
    [InlineData("raw")]
    [InlineData("qcow2")]
    public void OverlayReadsBaseAndWritesCopyOnWrite(string baseFormat)
    {
        using var dir = new TempDir();
        byte[] baseData = DiskAssert.Random(4 * MiB, 1);
        string basePath = dir.File("base." + baseFormat);
        File.WriteAllBytes(dir.File("base.src"), baseData);
        QemuImg.Run("convert", "-q", "-f", "raw", "-O", baseFormat, dir.File("base.src"), basePath);
        byte[] baseFile = File.ReadAllBytes(basePath);
        string top = dir.File("top.qcow2");
        // Relative backing name: resolved against the overlay's directory.
        QemuImg.Run("create", "-q", "-f", "qcow2", "-b", "base." + baseFormat, "-F", baseFormat, "-o", "cluster_size=4096", top);

        byte[] model = (byte[])baseData.Clone();
        using (var image = Qcow2DiskImage.Open(top, readOnly: false))
        {
            Assert.NotNull(image.Backing);
            var all = new byte[model.Length];
            image.ReadAt(0, all);
            DiskAssert.Same(model, all, "read through");
            byte[] a = DiskAssert.Random(100, 2);
            image.WriteAt(4096 + 50, a);                 // partial cluster: the rest comes from the base
            a.CopyTo(model, 4096 + 50);
            byte[] b = DiskAssert.Random(9000, 3);
            image.WriteAt((3 * 4096) - 7, b);            // straddles clusters
            b.CopyTo(model, (3 * 4096) - 7);
            image.WriteZeroes(8 * 4096, 3 * 4096, mayUnmap: true);  // zero flag hides the base
            Array.Clear(model, 8 * 4096, 3 * 4096);
            image.Discard(20 * 4096, 2 * 4096);          // a discard over a base reads as zeroes, not the base
            Array.Clear(model, 20 * 4096, 2 * 4096);
            image.ReadAt(0, all);
            DiskAssert.Same(model, all, "read back");
        }
        QemuImg.CheckClean(top);
        DiskAssert.Same(model, QemuImg.ToRaw(top, dir.Path), "overlay");
        DiskAssert.Same(baseFile, File.ReadAllBytes(basePath), "base file is untouched");
    }

    [Fact]
    public void ThreeLevelChainAndSmallerBase()
    {
        using var dir = new TempDir();
        byte[] baseData = DiskAssert.Random(MiB, 1);
        File.WriteAllBytes(dir.File("base.raw"), baseData);
        QemuImg.Run("create", "-q", "-f", "qcow2", "-b", dir.File("base.raw"), "-F", "raw", dir.File("mid.qcow2"), "2M");
        QemuImg.Io(dir.File("mid.qcow2"), "qcow2", "write -P 0x5a 512k 4k");
        QemuImg.Run("create", "-q", "-f", "qcow2", "-b", dir.File("mid.qcow2"), "-F", "qcow2", dir.File("top.qcow2"), "3M");
        byte[] expected = QemuImg.ToRaw(dir.File("top.qcow2"), dir.Path);
        Assert.Equal(3 * MiB, expected.Length);
        Assert.Equal(0x5a, expected[(512 * 1024) + 1]);
        Assert.Equal(0, expected[(2 * MiB) + 5]);       // beyond the base: zeroes
        using (var image = Qcow2DiskImage.Open(dir.File("top.qcow2"), readOnly: false))
        {
            var all = new byte[image.Capacity];
            image.ReadAt(0, all);
            DiskAssert.Same(expected, all);
            // A cluster half inside the smaller base.
            image.WriteAt(MiB - 10, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 });
            new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }.CopyTo(expected, MiB - 10);
        }
        QemuImg.CheckClean(dir.File("top.qcow2"));
        DiskAssert.Same(expected, QemuImg.ToRaw(dir.File("top.qcow2"), dir.Path));
    }

    [Fact]
    public void BackingFileProblemsAreReported()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("base.raw"), new byte[MiB]);
        QemuImg.Run("create", "-q", "-f", "qcow2", "-b", dir.File("base.raw"), "-F", "raw", dir.File("top.qcow2"));
        File.Delete(dir.File("base.raw"));
        var e = Assert.Throws<DiskImageException>(() => Qcow2DiskImage.Open(dir.File("top.qcow2"), readOnly: true));
        Assert.StartsWith(dir.File("top.qcow2") + ": backing file ", e.Message, StringComparison.Ordinal);
        Assert.Contains("base.raw: no such file", e.Message, StringComparison.Ordinal);

        // A chain that loops back on itself.
        QemuImg.Create(dir.File("a.qcow2"), MiB);
        QemuImg.Create(dir.File("b.qcow2"), MiB);
        QemuImg.Run("rebase", "-u", "-b", dir.File("b.qcow2"), "-F", "qcow2", dir.File("a.qcow2"));
        QemuImg.Run("rebase", "-u", "-b", dir.File("a.qcow2"), "-F", "qcow2", dir.File("b.qcow2"));
        e = Assert.Throws<DiskImageException>(() => Qcow2DiskImage.Open(dir.File("a.qcow2"), readOnly: true));
        Assert.Contains("deeper than", e.Message, StringComparison.Ordinal);
    }
}
