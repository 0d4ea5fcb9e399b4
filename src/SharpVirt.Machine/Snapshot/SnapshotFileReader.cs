using System.Buffers.Binary;
using System.IO.Hashing;
using SharpVirt.Devices.Interrupts;
using SharpVirt.Devices.Misc;
using SharpVirt.Devices.Serial;
using SharpVirt.Devices.Timers;
using SharpVirt.Devices.Virtio;
using SharpVirt.Machine.Board;
using SharpVirt.Memory;
using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Machine.Snapshot;

/// <summary>
/// Reads a snapshot file (<see cref="SnapshotFile"/>) in two steps: <see cref="Open"/> checks the preamble and
/// reads every section before RAM into <see cref="Snapshot"/> (so the VM can be built from its configuration),
/// then <see cref="LoadMemory"/> streams RAM into the new VM's memory and checks the END section. Anything
/// wrong (not a snapshot, another format version, truncated, a checksum mismatch, a value out of range) throws
/// <see cref="SnapshotFormatException"/> with a message for the user.
/// </summary>
public sealed class SnapshotFileReader : IDisposable
{
    private const int CopyChunk = 16 << 20;

    private readonly FileStream file;
    private readonly string path;

    private SnapshotFileReader(FileStream file, string path)
    {
        this.file = file;
        this.path = path;
        Snapshot = null!;
    }

    public VmSnapshot Snapshot { get; private set; }

    /// <summary>Opens <paramref name="path"/> and reads everything but guest RAM.</summary>
    public static SnapshotFileReader Open(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SnapshotFormatException($"cannot read snapshot '{path}': {e.Message}", e);
        }
        var reader = new SnapshotFileReader(file, path);
        try
        {
            reader.Guard(() =>
            {
                reader.ReadPreamble();
                reader.Snapshot = reader.ReadState();
                return 0;
            });
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Turns host I/O errors (and a file that shrank while read) into format errors with the path.</summary>
    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (EndOfStreamException)
        {
            throw Truncated("it ended while being read");
        }
        catch (IOException e)
        {
            throw new SnapshotFormatException($"cannot read snapshot '{path}': {e.Message}", e);
        }
    }

    private SnapshotFormatException NotSnapshot() => new($"'{path}' is not a SharpVirt snapshot");

    private SnapshotFormatException Truncated(string what) => new($"snapshot '{path}' is truncated: {what}");

    private SnapshotFormatException Damaged(string what) => new($"snapshot '{path}' is damaged: {what}");

    private long Left => file.Length - file.Position;

    private void ReadPreamble()
    {
        Span<byte> preamble = stackalloc byte[SnapshotFile.PreambleSize];
        int n = file.ReadAtLeast(preamble, preamble.Length, throwOnEndOfStream: false);
        int magic = SnapshotFile.Magic.Length;
        if (!preamble[..Math.Min(n, magic)].SequenceEqual(SnapshotFile.Magic[..Math.Min(n, magic)]) || n == 0)
            throw NotSnapshot();
        if (n < preamble.Length)
            throw Truncated($"it ends inside the {SnapshotFile.PreambleSize}-byte preamble, after {n} bytes");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]);
        if (version != SnapshotFile.FormatVersion)
            throw new SnapshotFormatException($"snapshot '{path}' has format version {version}; this sharpvirt reads version {SnapshotFile.FormatVersion}");
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(preamble[12..]);
        if (flags != 0)
            throw new SnapshotFormatException($"snapshot '{path}' uses features this sharpvirt does not know (flags 0x{flags:x})");
    }

    private VmSnapshot ReadState()
    {
        var config = Parse(SnapshotSection.Config, SnapshotConfig.Read);
        var (mtime, toHost) = Parse(SnapshotSection.Machine, r =>
        {
            ulong t = r.ReadUInt64();
            bool hasToHost = r.ReadBool();
            ulong toHost = r.ReadUInt64();
            return (t, hasToHost ? toHost : (ulong?)null);
        });
        var vcpus = new VcpuState[config.Cpus];
        for (int i = 0; i < vcpus.Length; i++)
        {
            vcpus[i] = Parse(SnapshotSection.Vcpu, VcpuState.Read);
            if (vcpus[i].Id != i)
                throw Unusable($"section VCPU {i} is for vCPU {vcpus[i].Id}");
        }
        var plic = Parse(SnapshotSection.Plic, PlicState.Read);
        if (plic.Threshold.Length != 2 * config.Cpus)
            throw Unusable($"section PLIC has {plic.Threshold.Length} contexts for {config.Cpus} vCPUs");
        var clint = Parse(SnapshotSection.Clint, ClintState.Read);
        if (clint.Msip.Length != config.Cpus)
            throw Unusable($"section CLNT is for {clint.Msip.Length} harts, not {config.Cpus}");
        var uart = Parse(SnapshotSection.Uart, Uart16550State.Read);
        var rtc = Parse(SnapshotSection.Rtc, GoldfishRtcState.Read);
        var virtio = new VirtioTransportState?[VirtLayout.VirtioMmioSlots];
        for (int slot = 0; slot < virtio.Length; slot++)
        {
            var (index, state) = Parse(SnapshotSection.Virtio, r =>
            {
                int index = r.ReadInt32();
                return (index, r.ReadBool() ? VirtioTransportState.Read(r) : null);
            });
            if (index != slot)
                throw Unusable($"section VIRT {slot} is for slot {index}");
            virtio[slot] = state;
        }
        return new VmSnapshot(config, mtime, toHost, vcpus, plic, clint, uart, rtc, virtio);
    }

    private SnapshotFormatException Unusable(string what) => new($"snapshot '{path}' cannot be restored: {what}");

    private T Parse<T>(uint tag, Func<SnapshotReader, T> read)
    {
        byte[] payload = ReadSection(tag);
        var reader = new SnapshotReader(payload, SnapshotSection.Name(tag));
        try
        {
            T value = read(reader);
            reader.ExpectEnd();
            return value;
        }
        catch (SnapshotFormatException e)
        {
            throw Unusable(e.Message);
        }
    }

    /// <summary>Reads and checks the header of the next section, which must be <paramref name="expected"/>; returns its length.</summary>
    private ulong ReadHeader(uint expected, XxHash3 hash, long limit)
    {
        string name = SnapshotSection.Name(expected);
        if (Left == 0)
            throw Truncated($"section {name} is missing");
        if (Left < SnapshotFile.SectionHeaderSize)
            throw Truncated($"it ends inside the header of section {name}");
        Span<byte> header = stackalloc byte[SnapshotFile.SectionHeaderSize];
        file.ReadExactly(header);
        hash.Append(header);
        uint tag = BinaryPrimitives.ReadUInt32LittleEndian(header);
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header[4..]);
        if (tag != expected)
            throw Damaged($"section {name} was expected, but the file has '{SnapshotSection.Name(tag)}' there");
        if (length > (ulong)limit)
            throw Damaged($"section {name} claims {length} bytes");
        if (length > (ulong)Left)
            throw Truncated($"section {name} holds {Left} of its {length} bytes");
        return length;
    }

    private void CheckSum(uint tag, XxHash3 hash)
    {
        string name = SnapshotSection.Name(tag);
        if (Left < SnapshotFile.ChecksumSize)
            throw Truncated($"the checksum of section {name} is missing");
        Span<byte> sum = stackalloc byte[SnapshotFile.ChecksumSize];
        file.ReadExactly(sum);
        if (BinaryPrimitives.ReadUInt64LittleEndian(sum) != hash.GetCurrentHashAsUInt64())
            throw Damaged($"the checksum of section {name} does not match its contents");
    }

    private byte[] ReadSection(uint tag)
    {
        var hash = new XxHash3();
        ulong length = ReadHeader(tag, hash, SnapshotFile.MaxSectionLength);
        var payload = new byte[length];
        file.ReadExactly(payload);
        hash.Append(payload);
        CheckSum(tag, hash);
        return payload;
    }

    /// <summary>
    /// Streams section RAM into <paramref name="memory"/> (a fresh VM's, with the same slots), then checks the END
    /// section and that nothing follows. Returns the pages loaded. On an error, memory holds a partial load.
    /// </summary>
    public ulong LoadMemory(GuestMemory memory) => Guard(() => LoadMemoryCore(memory));

    private unsafe ulong LoadMemoryCore(GuestMemory memory)
    {
        var hash = new XxHash3();
        ulong length = ReadHeader(SnapshotSection.Ram, hash, long.MaxValue);
        ulong consumed = 0, pages = 0;
        Span<byte> scratch = stackalloc byte[20];

        ReadOnlySpan<byte> Take(int n, Span<byte> buffer)
        {
            if (consumed + (ulong)n > length)
                throw Damaged("section RAM's runs overrun its length");
            var span = buffer[..n];
            file.ReadExactly(span);
            hash.Append(span);
            consumed += (ulong)n;
            return span;
        }

        int slotCount = BinaryPrimitives.ReadInt32LittleEndian(Take(4, scratch));
        if (slotCount != memory.Slots.Count)
            throw Unusable($"section RAM has {slotCount} memory slots, the VM {memory.Slots.Count}");
        foreach (var slot in memory.Slots)
        {
            var h = Take(20, scratch);
            ulong guestBase = BinaryPrimitives.ReadUInt64LittleEndian(h);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(h[8..]);
            int runs = BinaryPrimitives.ReadInt32LittleEndian(h[16..]);
            if (guestBase != slot.GuestBase || size != slot.Size || runs < 0)
                throw Unusable($"section RAM has a slot at 0x{guestBase:x} of {size} bytes where the VM has 0x{slot.GuestBase:x}, {slot.Size} bytes");
            ulong end = 0;
            for (int i = 0; i < runs; i++)
            {
                var r = Take(16, scratch);
                ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(r);
                ulong bytes = BinaryPrimitives.ReadUInt64LittleEndian(r[8..]);
                if (offset < end || bytes == 0 || bytes > size || offset > size - bytes || ((offset | bytes) & (MemorySlot.PageSize - 1)) != 0)
                    throw Damaged($"section RAM has a run at 0x{offset:x}+0x{bytes:x} that does not fit its slot");
                if (consumed + bytes > length)
                    throw Damaged("section RAM's runs overrun its length");
                for (ulong off = 0; off < bytes; off += CopyChunk)
                {
                    int n = (int)Math.Min(CopyChunk, bytes - off);
                    var target = new Span<byte>(slot.Host + offset + off, n);
                    file.ReadExactly(target);
                    hash.Append(target);
                }
                consumed += bytes;
                pages += bytes / MemorySlot.PageSize;
                end = offset + bytes;
            }
        }
        if (consumed != length)
            throw Damaged($"section RAM has {length - consumed} bytes after its last run");
        CheckSum(SnapshotSection.Ram, hash);
        if (ReadSection(SnapshotSection.End).Length != 0)
            throw Damaged("section END is not empty");
        if (Left != 0)
            throw Damaged($"{Left} bytes follow the END section");
        return pages;
    }

    public void Dispose() => file.Dispose();
}
