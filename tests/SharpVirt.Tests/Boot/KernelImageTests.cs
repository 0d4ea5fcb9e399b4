using SharpVirt.Machine.Board;
using SharpVirt.Machine.Boot;
using SharpVirt.Memory;

namespace SharpVirt.Tests.Boot;

public sealed class KernelImageTests : IDisposable
{
    private const ulong RamBase = 0x8000_0000;
    private readonly string dir = Directory.CreateTempSubdirectory("sv-kernel-").FullName;
    private readonly GuestMemory memory = new();

    public KernelImageTests() => memory.AddSlot(RamBase, 1 << 20);

    public void Dispose()
    {
        memory.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    private string Write(byte[] bytes)
    {
        string path = Path.Combine(dir, "Image");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Image(int length, ulong imageSize)
    {
        var bytes = LinuxImageTests.SyntheticImage(imageSize: imageSize, length: length);
        for (int i = LinuxImage.HeaderSize; i < length; i++)
            bytes[i] = (byte)(i * 7);
        return bytes;
    }

    [Fact]
    public void ALinuxImageGoesFromItsFileIntoRamByteForByte()
    {
        var bytes = Image(10_000, imageSize: 0x4000);
        using var kernel = KernelImage.Open(Write(bytes), "kernel");
        Assert.Equal(0x20_0000UL, kernel.TextOffset);
        Assert.Equal(0x4000UL, kernel.MemorySize); // image_size when it is larger than the file
        kernel.LoadAt(memory, RamBase + 0x1000);
        var loaded = new byte[bytes.Length];
        Assert.True(memory.TryRead(RamBase + 0x1000, loaded));
        Assert.Equal(bytes, loaded);
        Assert.Equal(RamBase + 0x1000, kernel.EntryAt(RamBase + 0x1000));
    }

    [Fact]
    public void TheFileLengthCountsWhenItIsLargerThanImageSize()
    {
        using var kernel = KernelImage.Open(Write(Image(10_000, imageSize: 0x100)), "kernel");
        Assert.Equal(10_000UL, kernel.MemorySize);
    }

    [Fact]
    public void AnImageThatDoesNotFitIsRefused()
    {
        using var kernel = KernelImage.Open(Write(Image(10_000, imageSize: 0)), "kernel");
        var e = Assert.Throws<BootImageException>(() => kernel.LoadAt(memory, RamBase + (1 << 20) - 4096));
        Assert.Contains("does not fit", e.Message);
    }

    [Fact]
    public void AFileCutShortAfterOpeningIsAClearError()
    {
        string path = Write(Image(10_000, imageSize: 0));
        using var kernel = KernelImage.Open(path, "kernel");
        using (var f = new FileStream(path, FileMode.Open))
            f.SetLength(5_000);
        var e = Assert.Throws<BootImageException>(() => kernel.LoadAt(memory, RamBase));
        Assert.Contains("cannot read the kernel image", e.Message);
    }

    [Fact]
    public void ABigEndianImageIsRefusedAtOpen()
    {
        var bytes = LinuxImageTests.SyntheticImage(flags: 1);
        Assert.Throws<BootImageException>(() => KernelImage.Open(Write(bytes), "kernel"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    public void AFileThatIsNeitherELFNorImageIsRefused(int length)
    {
        var e = Assert.Throws<BootImageException>(() => KernelImage.Open(Write(new byte[length]), "kernel"));
        Assert.Contains("neither an ELF file nor a RISC-V Linux Image", e.Message);
    }

    [Fact]
    public void AMissingFileIsAClearError()
    {
        var e = Assert.Throws<BootImageException>(() => KernelImage.Open(Path.Combine(dir, "nope"), "kernel"));
        Assert.Contains("cannot read kernel", e.Message);
    }
}
