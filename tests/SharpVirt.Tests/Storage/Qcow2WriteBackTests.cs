using System.Diagnostics;
using SharpVirt.Devices.Storage;

namespace SharpVirt.Tests.Storage;

/// <summary>
/// What the file holds while the image is still open, as a killed VMM (SIGKILL) leaves it: data flushed stays,
/// and after <see cref="Qcow2DiskImage.WriteBack"/> every completed write is visible, including writes that
/// allocated clusters after the last flush (regression: those lived only in the L2 cache, so a guest that wrote
/// metadata after its last FLUSH came back with a mix of old and new blocks).
/// </summary>
public class Qcow2WriteBackTests
{
    /// <summary>A copy of the open image's file, taken the way a dead process leaves it (no flock taken).</summary>
    private static byte[] ReadAsKilled(TempDir dir, string path, int size, string name)
    {
        string copy = dir.File(name);
        using (var cp = Process.Start("cp", [path, copy])!)
        {
            cp.WaitForExit();
            Assert.Equal(0, cp.ExitCode);
        }
        QemuImg.CheckNoErrors(copy); // a killed process may leak clusters (frees wait for a flush), never corrupt
        using var image = Qcow2DiskImage.Open(copy, readOnly: true);
        var all = new byte[size];
        image.ReadAt(0, all);
        return all;
    }

    [Fact]
    public void AllocatingWriteAfterFlushSurvivesAKilledProcessOnceWrittenBack()
    {
        using var dir = new TempDir();
        const int size = 4 << 20;
        string path = dir.File("k.qcow2");
        QemuImg.Create(path, size, "cluster_size=65536");
        var model = new byte[size];
        using var image = Qcow2DiskImage.Open(path, readOnly: false);

        byte[] a = DiskAssert.Random(64 << 10, 1);
        image.WriteAt(0, a);
        a.CopyTo(model, 0);
        image.Flush();

        // After the flush: an overwrite in place (reaches the file at once) and a write that allocates.
        byte[] b = DiskAssert.Random(4096, 2);
        image.WriteAt(8192, b);
        b.CopyTo(model, 8192);
        byte[] c = DiskAssert.Random(5120, 3);
        image.WriteAt(1 << 20, c);
        c.CopyTo(model, 1 << 20);
        image.WriteZeroes(0, 4096, mayUnmap: false);
        Array.Clear(model, 0, 4096);
        image.WriteBack();

        DiskAssert.Same(model, ReadAsKilled(dir, path, size, "killed.qcow2"), "image as a killed process leaves it");
    }

    [Theory]
    [InlineData(1, 16)]
    [InlineData(2, 12)]
    [InlineData(3, 9)]
    public void RandomOperationsSurviveAKilledProcess(int seed, int clusterBits)
    {
        using var dir = new TempDir();
        int cs = 1 << clusterBits;
        const int size = 2 << 20;
        string path = dir.File("f.qcow2");
        QemuImg.Create(path, size, $"cluster_size={cs}");
        var r = new Random(seed);
        var model = new byte[size];
        using var image = Qcow2DiskImage.Open(path, readOnly: false);
        for (int op = 0; op < 300; op++)
        {
            int off = r.Next(0, size / 512) * 512;
            int len = Math.Min(size - off, (r.Next(4) == 0 ? r.Next(1, 4 * cs) : r.Next(1, 9000)) / 512 * 512 + 512);
            switch (r.Next(10))
            {
                case < 6:
                    byte[] data = DiskAssert.Random(len, op + (seed * 1000));
                    image.WriteAt((ulong)off, data);
                    data.CopyTo(model, off);
                    break;
                case 6:
                    image.WriteZeroes((ulong)off, (ulong)len, mayUnmap: r.Next(2) == 0);
                    Array.Clear(model, off, len);
                    break;
                case 7:
                    image.Discard((ulong)off, (ulong)len);
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
                    break;
            }
            // What virtio-blk does before completing each write request.
            image.WriteBack();
            if (op % 50 == 49)
            {
                DiskAssert.Same(model, ReadAsKilled(dir, path, size, $"killed{op}.qcow2"), $"killed after op {op}");
            }
        }
    }
}
