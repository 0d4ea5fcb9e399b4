using SharpVirt.Devices.Storage;

namespace SharpVirt.Tests.Storage;

/// <summary>Reads images that qemu-img and qemu-io wrote, and compares with what qemu reads.</summary>
public class Qcow2ReadTests
{
    private const int MiB = 1 << 20;

    /// <summary>Random data with holes of zeroes, so conversion leaves some clusters unallocated.</summary>
    private static byte[] SparseData(int size, int seed)
    {
        byte[] data = DiskAssert.Random(size, seed);
        var r = new Random(seed);
        for (int i = 0; i < 20; i++)
        {
            int at = r.Next(0, size - 200_000);
            Array.Clear(data, at, r.Next(1, 200_000));
        }
        return data;
    }

    private static byte[] ReadAll(IDiskImage image)
    {
        var b = new byte[image.Capacity];
        image.ReadAt(0, b);
        return b;
    }

    [Theory]
    [InlineData("cluster_size=512")]
    [InlineData("cluster_size=65536")]
    [InlineData("cluster_size=2097152")]
    [InlineData("compat=0.10")]
    [InlineData("refcount_bits=1")]
    public void ReadsImagesQemuConverted(string options)
    {
        using var dir = new TempDir();
        byte[] data = SparseData(5 * MiB, 1);
        File.WriteAllBytes(dir.File("src.raw"), data);
        QemuImg.Run("convert", "-q", "-f", "raw", "-O", "qcow2", "-o", options, dir.File("src.raw"), dir.File("q.qcow2"));
        using var image = DiskImage.Open(dir.File("q.qcow2"), DiskImageFormat.Auto, readOnly: true);
        Assert.Equal(DiskImageFormat.Qcow2, image.Format);
        DiskAssert.Same(data, ReadAll(image));
        // Unaligned reads across cluster boundaries.
        var part = new byte[70_000];
        image.ReadAt(65_000, part);
        DiskAssert.Same(data.AsSpan(65_000, 70_000), part);
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(65536)]
    public void ReadsCompressedClusters(int clusterSize)
    {
        using var dir = new TempDir();
        byte[] data = SparseData(3 * MiB, 2);
        for (int i = 0; i < data.Length; i += 3)
        {
            data[i] = (byte)'x'; // compressible
        }
        File.WriteAllBytes(dir.File("src.raw"), data);
        QemuImg.Run("convert", "-q", "-c", "-f", "raw", "-O", "qcow2", "-o", $"cluster_size={clusterSize}", dir.File("src.raw"), dir.File("c.qcow2"));
        using var image = Qcow2DiskImage.Open(dir.File("c.qcow2"), readOnly: true);
        DiskAssert.Same(data, ReadAll(image));
    }

    [Fact]
    public void ReadsZeroClustersQemuIoWrote()
    {
        using var dir = new TempDir();
        string path = dir.File("z.qcow2");
        QemuImg.Create(path, 4 * MiB);
        QemuImg.Io(path, "qcow2", "write -P 0xab 0 1M");
        QemuImg.Io(path, "qcow2", "write -z 64k 128k");       // zero flag, allocation kept
        QemuImg.Io(path, "qcow2", "write -z -u 256k 64k");    // zero flag, unmapped
        QemuImg.Io(path, "qcow2", "discard 512k 64k");
        QemuImg.Io(path, "qcow2", "write -P 0xcd 2M 1000");
        byte[] expected = QemuImg.ToRaw(path, dir.Path);
        Assert.Equal(0, expected[100 * 1024]);
        Assert.Equal(0xab, expected[200 * 1024]);
        using (var image = Qcow2DiskImage.Open(path, readOnly: false))
        {
            DiskAssert.Same(expected, ReadAll(image));
            // Partial writes into each kind of zero cluster.
            image.WriteAt((64 * 1024) + 10, new byte[] { 1, 2, 3 });
            image.WriteAt((256 * 1024) + 10, new byte[] { 4, 5, 6 });
            image.WriteAt((512 * 1024) + 10, new byte[] { 7, 8, 9 });
            new byte[] { 1, 2, 3 }.CopyTo(expected, (64 * 1024) + 10);
            new byte[] { 4, 5, 6 }.CopyTo(expected, (256 * 1024) + 10);
            new byte[] { 7, 8, 9 }.CopyTo(expected, (512 * 1024) + 10);
        }
        QemuImg.CheckClean(path);
        DiskAssert.Same(expected, QemuImg.ToRaw(path, dir.Path));
    }

    [Fact]
    public void SnapshotImagesOpenReadOnlyOnly()
    {
        using var dir = new TempDir();
        string path = dir.File("snap.qcow2");
        QemuImg.Create(path, 2 * MiB);
        QemuImg.Io(path, "qcow2", "write -P 0x11 0 128k");
        QemuImg.Run("snapshot", "-c", "s1", path);
        QemuImg.Io(path, "qcow2", "write -P 0x22 0 64k");
        var e = Assert.Throws<DiskImageException>(() => Qcow2DiskImage.Open(path, readOnly: false));
        Assert.Contains("snapshot", e.Message, StringComparison.Ordinal);
        using var image = Qcow2DiskImage.Open(path, readOnly: true);
        DiskAssert.Same(QemuImg.ToRaw(path, dir.Path), ReadAll(image));
    }

    [Fact]
    public void ProbeAndExplicitFormats()
    {
        using var dir = new TempDir();
        string q = dir.File("a.qcow2");
        string r = dir.File("a.raw");
        QemuImg.Create(q, MiB);
        File.WriteAllBytes(r, new byte[MiB]);
        Assert.Equal(DiskImageFormat.Qcow2, DiskImage.Probe(q));
        Assert.Equal(DiskImageFormat.Raw, DiskImage.Probe(r));
        using (var image = DiskImage.Open(q))
        {
            Assert.IsType<Qcow2DiskImage>(image);
            Assert.Equal((ulong)MiB, image.Capacity);
        }
        using (var image = DiskImage.Open(q, DiskImageFormat.Raw, readOnly: true))
        {
            Assert.IsType<RawDiskImage>(image); // explicit raw shows the container bytes
            Assert.Equal((ulong)new FileInfo(q).Length, image.Capacity);
        }
        var e = Assert.Throws<DiskImageException>(() => DiskImage.Open(r, DiskImageFormat.Qcow2));
        Assert.Contains("not a qcow2 image", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<DiskImageException>(() => DiskImage.Open(dir.File("missing.img")));
        Assert.Contains("no such file", e.Message, StringComparison.Ordinal);
    }
}
