using SharpVirt.Devices.Storage;

namespace SharpVirt.Tests.Storage;

public class RawDiskImageTests
{
    private const int MiB = 1 << 20;

    [Fact]
    public void ReadWriteZeroDiscardFlush()
    {
        using var dir = new TempDir();
        string path = dir.File("disk.raw");
        byte[] model = DiskAssert.Random(4 * MiB, 1);
        File.WriteAllBytes(path, model);
        using (var image = DiskImage.Open(path))
        {
            Assert.IsType<RawDiskImage>(image);
            Assert.Equal((ulong)model.Length, image.Capacity);
            Assert.False(image.ReadOnly);
            var back = new byte[model.Length];
            image.ReadAt(0, back);
            DiskAssert.Same(model, back);
            byte[] a = DiskAssert.Random(10_000, 2);
            image.WriteAt(4095, a);
            a.CopyTo(model, 4095);
            image.WriteZeroes(MiB + 3, 70_000, mayUnmap: false);
            Array.Clear(model, MiB + 3, 70_000);
            image.WriteZeroes(2 * MiB, MiB, mayUnmap: true);
            Array.Clear(model, 2 * MiB, MiB);
            image.Discard(3 * MiB, 64 * 1024); // reads back as zeroes or old data
            image.Flush();
            image.ReadAt(0, back);
            DiskAssert.Same(model.AsSpan(0, 3 * MiB), back.AsSpan(0, 3 * MiB));
            var q = QemuImg.ToRaw(path, dir.Path); // visible to others while open
            DiskAssert.Same(model.AsSpan(0, 3 * MiB), q.AsSpan(0, 3 * MiB));
        }
        Assert.Equal(4 * MiB, new FileInfo(path).Length); // discard and zeroing keep the size
    }

    [Fact]
    public void ReadOnlyAndRangeChecks()
    {
        using var dir = new TempDir();
        string path = dir.File("ro.raw");
        File.WriteAllBytes(path, new byte[MiB]);
        using var image = DiskImage.Open(path, DiskImageFormat.Raw, readOnly: true);
        Assert.True(image.ReadOnly);
        Assert.Throws<InvalidOperationException>(() => image.WriteAt(0, new byte[1]));
        Assert.Throws<InvalidOperationException>(() => image.Discard(0, 512));
        Assert.Throws<InvalidOperationException>(() => image.WriteZeroes(0, 512, mayUnmap: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => image.ReadAt(MiB - 1, new byte[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => image.ReadAt(ulong.MaxValue, new byte[2]));
        image.ReadAt(MiB - 1, new byte[1]);
    }

    [Fact]
    public void AWritableImageIsLockedAgainstASecondOpener()
    {
        using var dir = new TempDir();
        string path = dir.File("locked.raw");
        File.WriteAllBytes(path, new byte[MiB]);
        using var first = DiskImage.Open(path, DiskImageFormat.Raw);
        var e = Assert.Throws<DiskImageException>(() => DiskImage.Open(path, DiskImageFormat.Raw).Dispose());
        Assert.Contains("in use", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<DiskImageException>(() => DiskImage.Open(path, DiskImageFormat.Raw, readOnly: true).Dispose());
        Assert.Contains("in use", e.Message, StringComparison.Ordinal);
    }
}
