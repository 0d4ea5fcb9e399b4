using System.Buffers.Binary;
using SharpVirt.Devices.Storage;

namespace SharpVirt.Tests.Storage;

/// <summary>Corrupt, truncated and unsupported images are refused with a one-line reason.</summary>
public class Qcow2CorruptionTests
{
    private const int MiB = 1 << 20;

    /// <summary>A valid 4 MiB image with some data, 64 KiB clusters.</summary>
    private static string MakeImage(TempDir dir, params string[] options)
    {
        string path = dir.File("c.qcow2");
        QemuImg.Create(path, 4 * MiB, options);
        QemuImg.Io(path, "qcow2", "write -P 0x42 0 256k");
        return path;
    }

    private static void Patch(string path, int offset, Action<Span<byte>> change)
    {
        using var f = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        var b = new byte[16];
        f.Position = offset;
        f.ReadExactly(b);
        change(b);
        f.Position = offset;
        f.Write(b);
    }

    private static void Be32(string path, int offset, uint value) => Patch(path, offset, b => BinaryPrimitives.WriteUInt32BigEndian(b, value));

    private static void Be64(string path, int offset, ulong value) => Patch(path, offset, b => BinaryPrimitives.WriteUInt64BigEndian(b, value));

    private static ulong ReadBe64(string path, int offset)
    {
        var b = new byte[8];
        using var f = File.OpenRead(path);
        f.Position = offset;
        f.ReadExactly(b);
        return BinaryPrimitives.ReadUInt64BigEndian(b);
    }

    private static DiskImageException Refused(string path, string expected, bool readOnly = false)
    {
        var e = Assert.Throws<DiskImageException>(() => Qcow2DiskImage.Open(path, readOnly).Dispose());
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void BadMagic()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be32(p, 0, 0x12345678);
        Refused(p, "not a qcow2 image");
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(4u)]
    public void UnsupportedVersion(uint version)
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be32(p, 4, version);
        Refused(p, $"version {version} is not supported");
    }

    [Theory]
    [InlineData(8u)]
    [InlineData(22u)]
    [InlineData(63u)]
    public void ClusterBitsOutOfRange(uint bits)
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be32(p, 20, bits);
        Refused(p, $"cluster_bits {bits} out of range");
    }

    [Fact]
    public void L1TableOutsideTheFile()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be64(p, 40, 1UL << 40);
        Refused(p, "L1 table at 0x10000000000 (+0x8) lies outside the file");
    }

    [Fact]
    public void L1TableMisaligned()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be64(p, 40, ReadBe64(p, 40) + 512);
        Refused(p, "L1 table offset");
    }

    [Fact]
    public void L1TooSmallForTheVirtualSize()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be64(p, 24, 1UL << 40); // size: 1 TiB needs 2048 L1 entries
        Refused(p, "fewer than");
    }

    [Fact]
    public void RefcountTableOverlappingTheHeader()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be64(p, 48, 0);
        Refused(p, "refcount table overlaps the header");
    }

    [Fact]
    public void RefcountTableEmpty()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be32(p, 56, 0);
        Refused(p, "refcount table is empty");
    }

    [Fact]
    public void L1OverlapsRefcountTable()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be64(p, 40, ReadBe64(p, 48));
        Refused(p, "L1 table overlaps the refcount table");
    }

    [Fact]
    public void L2TableOutsideTheFile()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        ulong l1 = ReadBe64(p, 40);
        Be64(p, (int)l1, (1UL << 63) | (1UL << 36));
        Refused(p, "L2 table 0 at 0x1000000000 lies outside the file");
    }

    [Fact]
    public void L1EntryWithReservedBits()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        ulong l1 = ReadBe64(p, 40);
        Be64(p, (int)l1, ReadBe64(p, (int)l1) | 1);
        Refused(p, "L1 entry 0 has reserved bits set");
    }

    [Fact]
    public void EncryptionIsRefused()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be32(p, 32, 1);
        Refused(p, "encrypted");
    }

    [Fact]
    public void UnknownIncompatibleFeature()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be64(p, 72, 1UL << 20);
        Refused(p, "unsupported incompatible features: bit 20", readOnly: true);
    }

    [Fact]
    public void ExtendedL2IsRefused()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir, "extended_l2=on", "cluster_size=65536");
        Refused(p, "extended L2 entries", readOnly: true);
    }

    [Fact]
    public void ZstdCompressionIsRefused()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir, "compression_type=zstd");
        Refused(p, "non-zlib compression type", readOnly: true);
    }

    [Fact]
    public void DirtyAndCorruptBitsRefuseWritingOnly()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be64(p, 72, 1); // dirty
        Refused(p, "marked dirty");
        Qcow2DiskImage.Open(p, readOnly: true).Dispose();
        Be64(p, 72, 2); // corrupt
        Refused(p, "marked corrupt");
        Qcow2DiskImage.Open(p, readOnly: true).Dispose();
    }

    [Fact]
    public void BadHeaderLengthAndRefcountOrder()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be32(p, 100, 101);
        Refused(p, "header_length 101 is invalid");
        Be32(p, 100, 112);
        Be32(p, 96, 7);
        Refused(p, "refcount_order 7 out of range");
    }

    [Fact]
    public void TruncatedImages()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        long full = new FileInfo(p).Length;
        using (var f = File.Open(p, FileMode.Open))
        {
            f.SetLength(full - (128 * 1024)); // cut off allocated data clusters
        }
        Refused(p, "truncated image");

        File.WriteAllBytes(p, File.ReadAllBytes(p).AsSpan(0, 50).ToArray());
        Refused(p, "header is truncated");

        File.WriteAllBytes(p, []);
        Refused(p, "header is truncated");
    }

    [Fact]
    public void BackingFileNameTooLong()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        Be64(p, 8, 512);
        Be32(p, 16, 2000);
        Refused(p, "backing file name length 2000 is invalid");
    }

    [Fact]
    public void CorruptL2EntryFailsTheRequestNotTheProcess()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        ulong l2 = ReadBe64(p, (int)ReadBe64(p, 40)) & 0x00ff_ffff_ffff_fe00;
        Be64(p, (int)l2, (1UL << 63) | 0x3000_0000_0000_0000); // reserved bits 60-61
        using var image = Qcow2DiskImage.Open(p, readOnly: false);
        var e = Assert.Throws<DiskImageException>(() => image.ReadAt(0, new byte[512]));
        Assert.Contains("reserved bits", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<DiskImageException>(() => image.WriteAt(0, new byte[512]));
        Assert.Contains("reserved bits", e.Message, StringComparison.Ordinal);
        // Other clusters still work.
        image.WriteAt(MiB, new byte[] { 1 });
    }

    [Fact]
    public void DataClusterPointingAtMetadata()
    {
        using var dir = new TempDir();
        string p = MakeImage(dir);
        ulong l2 = ReadBe64(p, (int)ReadBe64(p, 40)) & 0x00ff_ffff_ffff_fe00;
        Be64(p, (int)l2, (1UL << 63) | ReadBe64(p, 48)); // cluster 0 -> the refcount table
        using var image = Qcow2DiskImage.Open(p, readOnly: false);
        var e = Assert.Throws<DiskImageException>(() => image.WriteAt(0, new byte[512]));
        Assert.Contains("overlaps image metadata", e.Message, StringComparison.Ordinal);
    }
}
