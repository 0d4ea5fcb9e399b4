using SharpVirt.Devices.Storage;

namespace SharpVirt.Tests.Storage;

/// <summary>
/// Random writes, write-zeroes, discards, flushes and reopens on a qcow2 image (optionally over a backing
/// file), checked against an in-memory model, then against qemu-img convert and qemu-img check.
/// </summary>
public class Qcow2RandomOpsTests
{
    [Theory]
    [InlineData(1, 9, false)]
    [InlineData(2, 12, false)]
    [InlineData(3, 16, false)]
    [InlineData(4, 12, true)]
    [InlineData(5, 16, true)]
    public void RandomOperationsMatchTheModel(int seed, int clusterBits, bool withBacking)
    {
        using var dir = new TempDir();
        int cs = 1 << clusterBits;
        int size = (8 << 20) + 1536;
        string path = dir.File("fuzz.qcow2");
        var model = new byte[size];
        if (withBacking)
        {
            byte[] baseData = DiskAssert.Random(6 << 20, seed); // smaller than the overlay
            File.WriteAllBytes(dir.File("base.raw"), baseData);
            baseData.CopyTo(model, 0);
            QemuImg.Run("create", "-q", "-f", "qcow2", "-b", "base.raw", "-F", "raw", "-o", $"cluster_size={cs}", path, size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            QemuImg.Create(path, (ulong)size, $"cluster_size={cs}");
        }

        var r = new Random(seed);
        var image = Qcow2DiskImage.Open(path, readOnly: false);
        try
        {
            for (int op = 0; op < 400; op++)
            {
                int off = r.Next(0, size - 1);
                int len = Math.Min(size - off, r.Next(4) == 0 ? r.Next(1, 4 * cs) : r.Next(1, 3000));
                switch (r.Next(10))
                {
                    case < 6:
                        byte[] data = DiskAssert.Random(len, op);
                        image.WriteAt((ulong)off, data);
                        data.CopyTo(model, off);
                        break;
                    case 6:
                        image.WriteZeroes((ulong)off, (ulong)len, mayUnmap: r.Next(2) == 0);
                        Array.Clear(model, off, len);
                        break;
                    case 7:
                        image.Discard((ulong)off, (ulong)len);
                        // Whole clusters read as zeroes afterwards; partial ones keep their data.
                        int first = (off + cs - 1) / cs * cs;
                        int end = off + len == size ? size : (off + len) / cs * cs;
                        if (end > first)
                        {
                            Array.Clear(model, first, end - first);
                        }
                        break;
                    case 8:
                        image.Flush();
                        break;
                    default:
                        var probe = new byte[len];
                        image.ReadAt((ulong)off, probe);
                        DiskAssert.Same(model.AsSpan(off, len), probe, $"read at op {op}");
                        break;
                }
                if (op % 100 == 99)
                {
                    image.Dispose();
                    QemuImg.CheckClean(path);
                    image = Qcow2DiskImage.Open(path, readOnly: false);
                }
            }
            var all = new byte[size];
            image.ReadAt(0, all);
            DiskAssert.Same(model, all, "final read");
        }
        finally
        {
            image.Dispose();
        }
        QemuImg.CheckClean(path);
        DiskAssert.Same(model, QemuImg.ToRaw(path, dir.Path), "qemu-img convert");
    }
}
