using SharpVirt.Devices.Storage;

namespace SharpVirt.Tests.Storage;

/// <summary>
/// Writes through <see cref="Qcow2DiskImage"/> into images qemu-img created; qemu-img check must then find
/// the image clean and qemu-img convert must show the written data.
/// </summary>
public class Qcow2WriteTests
{
    private const ulong MiB = 1 << 20;

    /// <summary>Writes at cluster boundaries, across clusters, at both ends, then over the same places again.</summary>
    private static IEnumerable<(ulong Offset, int Length)> Writes(ulong cs, ulong size)
    {
        yield return (0, 1);
        yield return (cs - 1, 2);                               // straddles the first boundary
        yield return ((3 * cs) + 17, (int)((2 * cs) + 5));      // spans three clusters
        yield return (8 * cs, (int)cs);                         // exactly one cluster
        yield return (size - 1, 1);                             // the last byte
        yield return (size - cs - 100, (int)cs + 100);          // to the end
        yield return (MiB + 333, (int)MiB);                     // a big unaligned write
        yield return (17, 100);                                 // in place, into allocated clusters
        yield return ((3 * cs) + 1, (int)cs);
        var r = new Random(7);
        for (int i = 0; i < 40; i++)
        {
            int len = r.Next(1, (int)Math.Min(3 * cs, 200_000));
            yield return ((ulong)r.NextInt64(0, (long)size - len), len);
        }
    }

    [Theory]
    [InlineData(9, 16)]
    [InlineData(12, 16)]
    [InlineData(16, 16)]
    [InlineData(21, 16)]
    [InlineData(12, 1)]
    [InlineData(12, 2)]
    [InlineData(12, 4)]
    [InlineData(12, 8)]
    [InlineData(12, 32)]
    [InlineData(12, 64)]
    public void WritesAreSeenByQemuAndCheckClean(int clusterBits, int refcountBits)
    {
        using var dir = new TempDir();
        string path = dir.File("disk.qcow2");
        ulong cs = 1UL << clusterBits;
        ulong size = Math.Max(6 * MiB, 12 * cs) + (3 * 512); // the last cluster is partial
        QemuImg.Create(path, size, $"cluster_size={cs}", $"refcount_bits={refcountBits}");
        var model = new byte[size];
        int seed = 1;
        using (var image = Qcow2DiskImage.Open(path, readOnly: false))
        {
            Assert.Equal(size, image.Capacity);
            foreach (var (offset, length) in Writes(cs, size))
            {
                byte[] data = DiskAssert.Random(length, seed++);
                image.WriteAt(offset, data);
                data.CopyTo(model, (int)offset);
            }
            var back = new byte[size];
            image.ReadAt(0, back);
            DiskAssert.Same(model, back, "read back through the engine");
        }
        QemuImg.CheckClean(path);
        DiskAssert.Same(model, QemuImg.ToRaw(path, dir.Path), "qemu-img convert");

        // Reopened, the engine reads what qemu reads.
        using (var again = Qcow2DiskImage.Open(path, readOnly: true))
        {
            var back = new byte[size];
            again.ReadAt(0, back);
            DiskAssert.Same(model, back, "read after reopening");
        }
    }

    [Fact]
    public void Version2ImagesAreWritable()
    {
        using var dir = new TempDir();
        string path = dir.File("v2.qcow2");
        ulong size = 4 * MiB;
        QemuImg.Create(path, size, "compat=0.10", "cluster_size=4096");
        var model = new byte[size];
        using (var image = Qcow2DiskImage.Open(path, readOnly: false))
        {
            byte[] a = DiskAssert.Random(10_000, 1);
            image.WriteAt(4000, a);
            a.CopyTo(model, 4000);
            image.WriteZeroes(4096, 4096, mayUnmap: false);
            Array.Clear(model, 4096, 4096);
            image.WriteZeroes(100, 50, mayUnmap: true);
            Array.Clear(model, 100, 50);
        }
        QemuImg.CheckClean(path);
        DiskAssert.Same(model, QemuImg.ToRaw(path, dir.Path));
    }

    /// <summary>
    /// 512-byte clusters with 64-bit refcounts: a refcount block covers 64 clusters and the one-cluster table
    /// 4096, so filling 8 MiB allocates hundreds of refcount blocks and moves the refcount table several times.
    /// </summary>
    [Fact]
    public void RefcountStructuresGrowAsTheImageFills()
    {
        using var dir = new TempDir();
        string path = dir.File("grow.qcow2");
        ulong size = 8 * MiB;
        QemuImg.Create(path, size, "cluster_size=512", "refcount_bits=64");
        byte[] model = DiskAssert.Random((int)size, 3);
        using (var image = Qcow2DiskImage.Open(path, readOnly: false))
        {
            // Scattered order, so allocation interleaves data, L2 tables and refcount blocks.
            const int chunk = 64 * 1024;
            for (int pass = 0; pass < 2; pass++)
            {
                for (int i = pass; i < (int)(size / chunk); i += 2)
                {
                    image.WriteAt((ulong)(i * chunk), model.AsSpan(i * chunk, chunk));
                }
            }
        }
        QemuImg.CheckClean(path);
        DiskAssert.Same(model, QemuImg.ToRaw(path, dir.Path));
        string info = QemuImg.Run("info", "-U", path);
        Assert.Contains("refcount bits: 64", info, StringComparison.Ordinal);
        // The refcount table (header refcount_table_clusters) outgrew its first cluster.
        byte[] header = File.ReadAllBytes(path).AsSpan(0, 64).ToArray();
        Assert.True(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(56)) > 1);
    }

    [Fact]
    public void WriteZeroesAndDiscardFreeClustersAndReadZero()
    {
        using var dir = new TempDir();
        string path = dir.File("zero.qcow2");
        ulong size = 4 * MiB;
        const int cs = 65536;
        QemuImg.Create(path, size);
        byte[] model = DiskAssert.Random((int)size, 5);
        using (var image = Qcow2DiskImage.Open(path, readOnly: false))
        {
            image.WriteAt(0, model);
            image.Flush();
            // Whole clusters: unmapped, kept allocated, discarded; partial ones are written as zeroes.
            image.WriteZeroes(cs, 2 * cs, mayUnmap: true);
            Array.Clear(model, cs, 2 * cs);
            image.WriteZeroes(4 * cs, cs, mayUnmap: false);
            Array.Clear(model, 4 * cs, cs);
            image.WriteZeroes((6 * cs) + 100, cs, mayUnmap: true);
            Array.Clear(model, (6 * cs) + 100, cs);
            image.Discard(10 * cs, 3 * cs);
            Array.Clear(model, 10 * cs, 3 * cs);
            image.Discard((20 * cs) + 1, cs); // covers no whole cluster: nothing changes
            // Write into a kept-allocated zero cluster and into an unmapped one.
            byte[] a = DiskAssert.Random(300, 9);
            image.WriteAt((4 * cs) + 1000, a);
            a.CopyTo(model, (4 * cs) + 1000);
            image.WriteAt((2 * cs) + 5, a);
            a.CopyTo(model, (2 * cs) + 5);
            var back = new byte[size];
            image.ReadAt(0, back);
            DiskAssert.Same(model, back, "read back");
        }
        QemuImg.CheckClean(path);
        DiskAssert.Same(model, QemuImg.ToRaw(path, dir.Path));
        string map = QemuImg.Run("map", "-U", "--output=json", path);
        Assert.Contains("\"zero\": true", map, StringComparison.Ordinal);
    }

    [Fact]
    public void WritingOverCompressedClustersReleasesThem()
    {
        using var dir = new TempDir();
        string raw = dir.File("src.raw");
        string path = dir.File("compressed.qcow2");
        // Compressible data: repeated text with some noise.
        byte[] model = new byte[2 * MiB];
        var r = new Random(11);
        for (int i = 0; i < model.Length; i++)
        {
            model[i] = (byte)(i % 251 < 200 ? 'a' + (i / 4096 % 26) : r.Next(256));
        }
        File.WriteAllBytes(raw, model);
        QemuImg.Run("convert", "-q", "-c", "-f", "raw", "-O", "qcow2", "-o", "cluster_size=4096", raw, path);
        Assert.True(new FileInfo(path).Length < model.Length / 2, "qemu-img convert -c did not compress");
        using (var image = Qcow2DiskImage.Open(path, readOnly: false))
        {
            var back = new byte[model.Length];
            image.ReadAt(0, back);
            DiskAssert.Same(model, back, "compressed read");
            byte[] a = DiskAssert.Random(10_000, 2);
            image.WriteAt(5000, a);
            a.CopyTo(model, 5000);
            image.WriteZeroes(64 * 1024, 64 * 1024, mayUnmap: true);
            Array.Clear(model, 64 * 1024, 64 * 1024);
            image.WriteAt(1_000_000, DiskAssert.Random(4096, 4));
            DiskAssert.Random(4096, 4).CopyTo(model, 1_000_000);
        }
        QemuImg.CheckClean(path);
        DiskAssert.Same(model, QemuImg.ToRaw(path, dir.Path));
    }

    /// <summary>A tiny L2 cache forces dirty tables out mid-write: each eviction flushes in order.</summary>
    [Fact]
    public void L2CacheEvictionKeepsTheImageConsistent()
    {
        using var dir = new TempDir();
        string path = dir.File("evict.qcow2");
        ulong size = 64 * MiB;
        QemuImg.Create(path, size, "cluster_size=4096"); // one L2 table maps 2 MiB
        var model = new byte[size];
        using (var image = Qcow2DiskImage.Open(path, readOnly: false, depth: 0, l2CacheTables: 2))
        {
            var r = new Random(13);
            for (int i = 0; i < 200; i++)
            {
                ulong off = (ulong)r.NextInt64(0, (long)size - 9000);
                byte[] a = DiskAssert.Random(r.Next(1, 9000), i);
                image.WriteAt(off, a);
                a.CopyTo(model, (int)off);
                if (i % 50 == 0)
                {
                    ulong zero = (ulong)r.NextInt64(0, 32) * 2 * MiB;
                    image.WriteZeroes(zero, 2 * MiB, mayUnmap: i % 100 == 0);
                    Array.Clear(model, (int)zero, (int)(2 * MiB));
                }
            }
            var back = new byte[size];
            image.ReadAt(0, back);
            DiskAssert.Same(model, back, "read back");
        }
        QemuImg.CheckClean(path);
        DiskAssert.Same(model, QemuImg.ToRaw(path, dir.Path));
    }

    /// <summary>
    /// After Flush, the file alone holds the data and consistent metadata, as it would after the VMM is killed
    /// (SIGKILL keeps what reached the kernel; Flush puts it there and fdatasyncs it). Without a flush the
    /// file may miss recent writes, but is never corrupt.
    /// </summary>
    [Fact]
    public void FlushedWritesSurviveWithoutClose()
    {
        using var dir = new TempDir();
        string path = dir.File("crash.qcow2");
        ulong size = 8 * MiB;
        QemuImg.Create(path, size);
        var model = new byte[size];
        var image = Qcow2DiskImage.Open(path, readOnly: false);
        try
        {
            byte[] a = DiskAssert.Random(300_000, 1);
            image.WriteAt(12345, a);
            a.CopyTo(model, 12345);
            image.Flush();
            // What is on disk now, with the image still open and never closed:
            QemuImg.CheckClean(path);
            DiskAssert.Same(model, QemuImg.ToRaw(path, dir.Path), "flushed data");

            // Unflushed writes to new clusters: the file stays free of errors.
            image.WriteAt(4 * MiB, DiskAssert.Random(200_000, 2));
            image.Discard(0, 1 * MiB);
            QemuImg.CheckNoErrors(path);
        }
        finally
        {
            image.Dispose();
        }
        QemuImg.CheckClean(path);
    }
}
