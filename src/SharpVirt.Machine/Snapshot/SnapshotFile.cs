using System.Buffers.Binary;
using System.IO.Hashing;
using SharpVirt.Memory;
using SharpVirt.Memory.Snapshot;

namespace SharpVirt.Machine.Snapshot;

/// <summary>
/// The snapshot file format (docs/SNAPSHOTS.md). A 16-byte preamble (magic "SVSNAP\r\n", format version,
/// flags), then sections in a fixed order, each <c>tag (u32) | length (u64) | payload | XxHash3-64 of tag,
/// length and payload (u64)</c>, all little-endian, ending with an empty END section. Guest RAM is saved as
/// runs of the pages that hold data; untouched and all-zero pages are left out.
/// </summary>
public static class SnapshotFile
{
    public static ReadOnlySpan<byte> Magic => "SVSNAP\r\n"u8;
    public const uint FormatVersion = 1;
    public const int PreambleSize = 16;
    public const int SectionHeaderSize = 12;
    public const int ChecksumSize = 8;

    /// <summary>The largest section other than RAM a reader accepts.</summary>
    public const long MaxSectionLength = 256L << 20;

    private const int CopyChunk = 16 << 20;

    /// <summary>
    /// Writes <paramref name="snapshot"/> and the RAM of <paramref name="memory"/> to <paramref name="path"/>, through a
    /// temporary file in the same directory that replaces it only when complete and flushed to disk.
    /// The caller keeps guest memory still meanwhile (vCPUs paused, devices quiesced).
    /// </summary>
    public static unsafe SnapshotSummary Write(string path, VmSnapshot snapshot, GuestMemory memory)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string full = Path.GetFullPath(path);
        string temporary = $"{full}.partial-{Environment.ProcessId}";
        ulong saved = 0, total = 0;
        try
        {
            // Guest memory may hold secrets: the file is for its owner only (as the control socket is).
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 20 };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(temporary, options))
            {
                Span<byte> preamble = stackalloc byte[PreambleSize];
                Magic.CopyTo(preamble);
                BinaryPrimitives.WriteUInt32LittleEndian(preamble[8..], FormatVersion);
                BinaryPrimitives.WriteUInt32LittleEndian(preamble[12..], 0);
                file.Write(preamble);

                WriteSection(file, SnapshotSection.Config, w => SnapshotConfig.Write(w, snapshot.Config));
                WriteSection(file, SnapshotSection.Machine, w =>
                {
                    w.WriteUInt64(snapshot.Mtime);
                    w.WriteBool(snapshot.ToHost is not null);
                    w.WriteUInt64(snapshot.ToHost ?? 0);
                });
                foreach (var vcpu in snapshot.Vcpus)
                    WriteSection(file, SnapshotSection.Vcpu, vcpu.Write);
                WriteSection(file, SnapshotSection.Plic, snapshot.Plic.Write);
                WriteSection(file, SnapshotSection.Clint, snapshot.Clint.Write);
                WriteSection(file, SnapshotSection.Uart, snapshot.Uart.Write);
                WriteSection(file, SnapshotSection.Rtc, snapshot.Rtc.Write);
                for (int slot = 0; slot < snapshot.Virtio.Length; slot++)
                {
                    var state = snapshot.Virtio[slot];
                    WriteSection(file, SnapshotSection.Virtio, w =>
                    {
                        w.WriteInt32(slot);
                        w.WriteBool(state is not null);
                        state?.Write(w);
                    });
                }
                (saved, total) = WriteRam(file, memory);
                WriteSection(file, SnapshotSection.End, _ => { });
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            throw;
        }
        return new SnapshotSummary(full, new FileInfo(full).Length, saved, total, clock.Elapsed);
    }

    private static void WriteSection(Stream file, uint tag, Action<SnapshotWriter> body)
    {
        var w = new SnapshotWriter();
        body(w);
        var hash = new XxHash3();
        WriteHeader(file, hash, tag, (ulong)w.Written.Length);
        Put(file, hash, w.Written);
        WriteChecksum(file, hash);
    }

    private static void WriteHeader(Stream file, XxHash3 hash, uint tag, ulong length)
    {
        Span<byte> header = stackalloc byte[SectionHeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, tag);
        BinaryPrimitives.WriteUInt64LittleEndian(header[4..], length);
        Put(file, hash, header);
    }

    private static void WriteChecksum(Stream file, XxHash3 hash)
    {
        Span<byte> sum = stackalloc byte[ChecksumSize];
        BinaryPrimitives.WriteUInt64LittleEndian(sum, hash.GetCurrentHashAsUInt64());
        file.Write(sum);
    }

    private static void Put(Stream file, XxHash3 hash, ReadOnlySpan<byte> bytes)
    {
        hash.Append(bytes);
        file.Write(bytes);
    }

    /// <summary>
    /// Section RAM: slot count (u32); per slot its guest base and size (u64) and run count (u32); then per run
    /// its offset in the slot and length (u64, whole pages) and the bytes.
    /// </summary>
    private static unsafe (ulong Saved, ulong Total) WriteRam(Stream file, GuestMemory memory)
    {
        var slots = memory.Slots;
        var runs = slots.Select(s => s.BackedRuns(skipZeroPages: true)).ToArray();
        ulong length = 4;
        ulong saved = 0, total = 0;
        for (int i = 0; i < slots.Count; i++)
        {
            length += 20;
            total += slots[i].Size / MemorySlot.PageSize;
            foreach (var run in runs[i])
            {
                length += 16 + run.Length;
                saved += run.Length / MemorySlot.PageSize;
            }
        }
        var hash = new XxHash3();
        WriteHeader(file, hash, SnapshotSection.Ram, length);
        var w = new SnapshotWriter();
        w.WriteInt32(slots.Count);
        Put(file, hash, w.Written);
        for (int i = 0; i < slots.Count; i++)
        {
            var slot = slots[i];
            w = new SnapshotWriter();
            w.WriteUInt64(slot.GuestBase);
            w.WriteUInt64(slot.Size);
            w.WriteInt32(runs[i].Count);
            Put(file, hash, w.Written);
            foreach (var run in runs[i])
            {
                w = new SnapshotWriter();
                w.WriteUInt64(run.Offset);
                w.WriteUInt64(run.Length);
                Put(file, hash, w.Written);
                for (ulong off = 0; off < run.Length; off += CopyChunk)
                {
                    int n = (int)Math.Min(CopyChunk, run.Length - off);
                    Put(file, hash, new ReadOnlySpan<byte>(slot.Host + run.Offset + off, n));
                }
            }
        }
        WriteChecksum(file, hash);
        return (saved, total);
    }
}
