using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace SharpVirt.Machine.Boot;

/// <summary>
/// A RISC-V Linux <c>Image</c> (flat binary) and its 64-byte header, as described in
/// Documentation/arch/riscv/boot-image-header.rst and arch/riscv/include/asm/image.h.
/// </summary>
public sealed class LinuxImage
{
    /// <summary>Size of <c>struct riscv_image_header</c>.</summary>
    public const int HeaderSize = 64;

    // Field offsets in struct riscv_image_header (all little-endian).
    private const int OffCode0 = 0x00, OffCode1 = 0x04, OffTextOffset = 0x08, OffImageSize = 0x10;
    private const int OffFlags = 0x18, OffVersion = 0x20, OffMagic = 0x30, OffMagic2 = 0x38;

    /// <summary>RISCV_IMAGE_MAGIC, "RISCV\0\0\0" at 0x30 (deprecated since header version 0.2).</summary>
    public const ulong Magic = 0x0000_0056_4353_4952;

    /// <summary>RISCV_IMAGE_MAGIC2, "RSC\x05" at 0x38.</summary>
    public const uint Magic2 = 0x0543_5352;

    // RISCV_IMAGE_FLAG_BE: bit 0 of flags set means a big-endian kernel.
    private const ulong FlagBigEndian = 1;

    private LinuxImage(byte[] data)
    {
        var h = data.AsSpan(0, HeaderSize);
        Data = data;
        Code0 = BinaryPrimitives.ReadUInt32LittleEndian(h[OffCode0..]);
        Code1 = BinaryPrimitives.ReadUInt32LittleEndian(h[OffCode1..]);
        TextOffset = BinaryPrimitives.ReadUInt64LittleEndian(h[OffTextOffset..]);
        ImageSize = BinaryPrimitives.ReadUInt64LittleEndian(h[OffImageSize..]);
        Flags = BinaryPrimitives.ReadUInt64LittleEndian(h[OffFlags..]);
        Version = BinaryPrimitives.ReadUInt32LittleEndian(h[OffVersion..]);
        HasDeprecatedMagic = BinaryPrimitives.ReadUInt64LittleEndian(h[OffMagic..]) == Magic;
    }

    /// <summary>The whole file; it is loaded byte for byte at the kernel address.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>First instruction word (an "MZ" stub when the kernel carries an EFI header).</summary>
    public uint Code0 { get; }

    /// <summary>Second instruction word.</summary>
    public uint Code1 { get; }

    /// <summary>Load offset from the start of RAM (0x200000 for RV64 S-mode kernels).</summary>
    public ulong TextOffset { get; }

    /// <summary>Effective size of the kernel in memory, including .bss (may be 0 in old headers).</summary>
    public ulong ImageSize { get; }

    /// <summary>Kernel flags; bit 0 is endianness.</summary>
    public ulong Flags { get; }

    /// <summary>Header version, major in bits 31:16 and minor in bits 15:0.</summary>
    public uint Version { get; }

    public int VersionMajor => (int)(Version >> 16);

    public int VersionMinor => (int)(Version & 0xffff);

    /// <summary>Whether the deprecated "RISCV" magic at 0x30 is present too.</summary>
    public bool HasDeprecatedMagic { get; }

    /// <summary>Bytes of RAM the kernel occupies from its load address: the larger of image_size and the file length.</summary>
    public ulong MemorySize => Math.Max(ImageSize, (ulong)Data.Length);

    /// <summary>Parses <paramref name="data"/>; throws <see cref="BootImageException"/> when it is not a usable RISC-V Image.</summary>
    public static LinuxImage Load(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        string? error = Check(data);
        if (error != null)
            throw new BootImageException(error);
        return new LinuxImage(data);
    }

    /// <summary>Parses <paramref name="data"/> without throwing; <paramref name="error"/> says why it was refused.</summary>
    public static bool TryParse(byte[] data, [NotNullWhen(true)] out LinuxImage? image, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(data);
        error = Check(data);
        image = error == null ? new LinuxImage(data) : null;
        return image != null;
    }

    /// <inheritdoc cref="TryParse(byte[], out LinuxImage?, out string?)"/>
    public static bool TryParse(byte[] data, [NotNullWhen(true)] out LinuxImage? image) => TryParse(data, out image, out _);

    /// <summary>Cheap test for the RISC-V Image magic, e.g. to choose between Image and ELF loaders.</summary>
    public static bool HasImageMagic(ReadOnlySpan<byte> data) =>
        data.Length >= HeaderSize && BinaryPrimitives.ReadUInt32LittleEndian(data[OffMagic2..]) == Magic2;

    private static string? Check(byte[] data)
    {
        if (data.Length < HeaderSize)
            return $"kernel image is too short ({data.Length} bytes): a RISC-V Linux Image starts with a {HeaderSize}-byte header";
        if (!HasImageMagic(data))
            return "kernel image is not a RISC-V Linux Image: magic \"RSC\\x05\" missing at offset 0x38";
        ulong flags = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(OffFlags));
        if ((flags & FlagBigEndian) != 0)
            return "kernel image is big-endian; only little-endian RISC-V kernels are supported";
        return null;
    }
}
