using System.Buffers.Binary;

namespace SharpVirt.Machine.Boot;

/// <summary>
/// OpenSBI's <c>struct fw_dynamic_info</c> (include/sbi/fw_dynamic.h): handed to a FW_DYNAMIC
/// firmware in <c>a2</c> by the previous boot stage. On RV64 every member is an
/// <c>unsigned long</c>, so version 2 is six little-endian 64-bit words.
/// </summary>
public sealed record FwDynamicInfo
{
    /// <summary>FW_DYNAMIC_INFO_MAGIC_VALUE, "OSBI" in ASCII.</summary>
    public const ulong MagicValue = 0x4942534f;

    /// <summary>FW_DYNAMIC_INFO_VERSION_2: adds <c>boot_hart</c>.</summary>
    public const ulong Version2 = 2;

    /// <summary>FW_DYNAMIC_INFO_NEXT_MODE_U.</summary>
    public const ulong NextModeU = 0;

    /// <summary>FW_DYNAMIC_INFO_NEXT_MODE_S.</summary>
    public const ulong NextModeS = 1;

    /// <summary>FW_DYNAMIC_INFO_NEXT_MODE_M.</summary>
    public const ulong NextModeM = 3;

    /// <summary>Options bit SBI_SCRATCH_NO_BOOT_PRINTS (include/sbi/sbi_scratch.h).</summary>
    public const ulong OptionNoBootPrints = 1 << 0;

    /// <summary>Options bit SBI_SCRATCH_DEBUG_PRINTS.</summary>
    public const ulong OptionDebugPrints = 1 << 1;

    /// <summary>Serialized size of version 2 on RV64: 6 x 8 bytes.</summary>
    public const int Size = 6 * 8;

    /// <summary>Address the firmware jumps to next (the kernel).</summary>
    public required ulong NextAddress { get; init; }

    /// <summary>Privilege mode for the next stage; S-mode by default.</summary>
    public ulong NextMode { get; init; } = NextModeS;

    /// <summary>OpenSBI library options.</summary>
    public ulong Options { get; init; }

    /// <summary>Preferred boot hart; <see cref="ulong.MaxValue"/> (-1UL) asks for the relocation lottery.</summary>
    public ulong BootHart { get; init; }

    /// <summary>Little-endian bytes: magic, version, next_addr, next_mode, options, boot_hart.</summary>
    public byte[] ToBytes()
    {
        var b = new byte[Size];
        var s = b.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(s[0..], MagicValue);
        BinaryPrimitives.WriteUInt64LittleEndian(s[8..], Version2);
        BinaryPrimitives.WriteUInt64LittleEndian(s[16..], NextAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], NextMode);
        BinaryPrimitives.WriteUInt64LittleEndian(s[32..], Options);
        BinaryPrimitives.WriteUInt64LittleEndian(s[40..], BootHart);
        return b;
    }
}
