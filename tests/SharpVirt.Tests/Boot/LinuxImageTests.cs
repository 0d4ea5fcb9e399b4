using System.Buffers.Binary;
using SharpVirt.Machine.Boot;

namespace SharpVirt.Tests.Boot;

public class LinuxImageTests
{
    // A synthetic header laid out as arch/riscv/include/asm/image.h, followed by a little payload.
    internal static byte[] SyntheticImage(ulong textOffset = 0x20_0000, ulong imageSize = 0x1_0000, ulong flags = 0, int length = 4096)
    {
        var b = new byte[length];
        var s = b.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x00..], 0x5a4d_0000); // code0
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x04..], 0x0000_0013); // code1
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x08..], textOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x10..], imageSize);
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x18..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x20..], 0x0000_0002); // version 0.2
        "RISCV\0\0\0"u8.CopyTo(s[0x30..]);
        "RSC\x05"u8.CopyTo(s[0x38..]);
        return b;
    }

    [Fact]
    public void Parses_header_fields()
    {
        var img = LinuxImage.Load(SyntheticImage());
        Assert.Equal(0x20_0000UL, img.TextOffset);
        Assert.Equal(0x1_0000UL, img.ImageSize);
        Assert.Equal(0x5a4d_0000u, img.Code0);
        Assert.Equal(0x13u, img.Code1);
        Assert.Equal(0, img.VersionMajor);
        Assert.Equal(2, img.VersionMinor);
        Assert.True(img.HasDeprecatedMagic);
        Assert.Equal(0x1_0000UL, img.MemorySize); // image_size covers .bss beyond the 4 KiB file
        Assert.Equal(4096, img.Data.Length);
    }

    [Fact]
    public void Memory_size_is_never_below_the_file_length()
    {
        var img = LinuxImage.Load(SyntheticImage(imageSize: 0));
        Assert.Equal(4096UL, img.MemorySize);
    }

    [Fact]
    public void Deprecated_magic_is_optional()
    {
        var b = SyntheticImage();
        b.AsSpan(0x30, 8).Clear();
        Assert.False(LinuxImage.Load(b).HasDeprecatedMagic);
    }

    [Fact]
    public void Short_file_is_refused_with_a_clear_message()
    {
        var ex = Assert.Throws<BootImageException>(() => LinuxImage.Load(SyntheticImage().AsSpan(0, 63).ToArray()));
        Assert.Contains("too short (63 bytes)", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Throws<BootImageException>(() => LinuxImage.Load([]));
    }

    [Fact]
    public void Missing_magic2_is_refused()
    {
        var b = SyntheticImage();
        b[0x3b] = 0x06;
        var ex = Assert.Throws<BootImageException>(() => LinuxImage.Load(b));
        Assert.Contains("not a RISC-V Linux Image", ex.Message);
        Assert.False(LinuxImage.TryParse(b, out var img, out var error));
        Assert.Null(img);
        Assert.Equal(ex.Message, error);
    }

    [Fact]
    public void Big_endian_kernel_is_refused() =>
        Assert.Throws<BootImageException>(() => LinuxImage.Load(SyntheticImage(flags: 1)));

    [Fact]
    public void TryParse_accepts_a_valid_image()
    {
        Assert.True(LinuxImage.TryParse(SyntheticImage(), out var img));
        Assert.Equal(0x20_0000UL, img.TextOffset);
        Assert.True(LinuxImage.HasImageMagic(SyntheticImage()));
    }
}
