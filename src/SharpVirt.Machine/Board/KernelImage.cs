using Microsoft.Win32.SafeHandles;
using SharpVirt.Machine.Boot;
using SharpVirt.Memory;

namespace SharpVirt.Machine.Board;

/// <summary>
/// A bootable image in any of the forms we accept: an ELF (segments placed relative to its lowest
/// physical address), a Linux Image (RISC-V header), or, for firmware and bare programs, a raw binary.
/// A Linux Image opened from a file (<see cref="Open"/>) is read from it straight into guest RAM.
/// </summary>
public sealed class KernelImage : IDisposable
{
    private readonly ElfImage? elf;
    private readonly byte[] raw;
    /// <summary>The file of a Linux Image that <see cref="LoadAt"/> reads into RAM (then <see cref="raw"/> is empty).</summary>
    private readonly SafeFileHandle? file;
    private readonly int fileLength;

    private KernelImage(ElfImage? elf, byte[] raw, ulong textOffset, SafeFileHandle? file = null, int fileLength = 0)
    {
        this.elf = elf;
        this.raw = raw;
        this.file = file;
        this.fileLength = fileLength;
        TextOffset = textOffset;
    }

    public ulong TextOffset { get; }

    /// <summary>Bytes of RAM the image occupies from its load address.</summary>
    public ulong MemorySize => elf is null ? Math.Max((ulong)Math.Max(raw.Length, fileLength), imageSize) : elf.HighestAddress - elf.LowestAddress;

    private ulong imageSize;


    /// <summary>HTIF's tohost address, when the ELF defines the symbol.</summary>
    public ulong? ToHost => elf is not null && elf.TryGetSymbol("tohost", out ulong v) ? v : null;

    /// <summary>
    /// Opens the kernel at <paramref name="path"/>: a Linux Image stays in its file until <see cref="LoadAt"/>
    /// (a 31 MB kernel then never passes through the managed heap); anything else is read and parsed.
    /// </summary>
    public static KernelImage Open(string path, string what)
    {
        var handle = BootLoader.Reading(path, what, () => File.OpenHandle(path));
        try
        {
            var (length, header) = BootLoader.Reading(path, what, () =>
            {
                var bytes = new byte[LinuxImage.HeaderSize];
                return (RandomAccess.GetLength(handle), bytes[..RandomAccess.Read(handle, bytes, 0)]);
            });
            if (!ElfImage.HasElfMagic(header) && LinuxImage.HasImageMagic(header) && length <= int.MaxValue)
            {
                var image = LinuxImage.Load(header);
                var kernel = new KernelImage(null, [], image.TextOffset, handle, (int)length) { imageSize = image.ImageSize };
                handle = null; // the kernel owns it now
                return kernel;
            }
        }
        finally
        {
            handle?.Dispose();
        }
        return Parse(BootLoader.ReadFile(path, what), path);
    }

    public void Dispose() => file?.Dispose();

    public static KernelImage Parse(byte[] data, string path, bool rawAllowed = false)
    {
        if (ElfImage.HasElfMagic(data))
            return new KernelImage(ElfImage.Load(data), data, 0);
        if (LinuxImage.HasImageMagic(data))
        {
            var image = LinuxImage.Load(data);
            return new KernelImage(null, data, image.TextOffset) { imageSize = image.MemorySize };
        }
        if (!rawAllowed)
            throw new BootImageException($"'{path}' is neither an ELF file nor a RISC-V Linux Image (no \"RSC\\x05\" magic at offset 0x38)");
        if (data.Length == 0)
            throw new BootImageException($"'{path}' is empty");
        return new KernelImage(null, data, 0);
    }

    /// <summary>Bytes from <paramref name="ramBase"/> to the image's end when an ELF is placed at its own addresses.</summary>
    public ulong Span(ulong ramBase) => elf is null ? MemorySize : elf.HighestAddress - ramBase;

    /// <summary>
    /// Loads the image. An ELF whose addresses fall in RAM goes at its own physical addresses (a bare program or
    /// firmware); otherwise (e.g. a vmlinux linked at a virtual address) it is relocated to <paramref name="address"/>.
    /// </summary>
    public void LoadAt(GuestMemory memory, ulong address)
    {
        if (file is not null)
        {
            bool fits;
            try
            {
                fits = memory.TryReadFrom(address, file, 0, fileLength);
            }
            catch (IOException e)
            {
                throw new BootImageException($"cannot read the kernel image: {e.Message}");
            }
            if (!fits)
                throw new BootImageException($"image of {fileLength} bytes does not fit in RAM at 0x{address:x}");
            return;
        }
        if (elf is null)
        {
            if (!memory.TryWrite(address, raw))
                throw new BootImageException($"image of {raw.Length} bytes does not fit in RAM at 0x{address:x}");
            return;
        }
        ulong delta = memory.IsRam(elf.LowestAddress, 1) || memory.IsRam(elf.HighestAddress - 1, 1) ? 0 : address - elf.LowestAddress;
        loadDelta = delta;
        foreach (var s in elf.Segments)
        {
            if (s.MemorySize == 0)
                continue;
            ulong at = s.PhysicalAddress + delta;
            var buffer = new byte[s.MemorySize];
            s.CopyTo(buffer);
            if (!memory.TryWrite(at, buffer))
                throw new BootImageException($"ELF segment at 0x{s.PhysicalAddress:x} (+0x{s.MemorySize:x}) is outside guest RAM");
        }
    }

    private ulong loadDelta;

    /// <summary>The physical entry point after <see cref="LoadAt"/>: an ELF's entry (mapped through its segments if virtual), else the load address.</summary>
    public ulong EntryAt(ulong address)
    {
        if (elf is null)
            return address;
        foreach (var s in elf.Segments)
            if (elf.Entry - s.VirtualAddress < s.MemorySize)
                return s.PhysicalAddress + (elf.Entry - s.VirtualAddress) + loadDelta;
        return elf.Entry + loadDelta;
    }
}
