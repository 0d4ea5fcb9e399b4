using System.Buffers.Binary;
using System.IO.Compression;

namespace SharpVirt.Devices.Storage;

/// <summary>
/// A qcow2 image (QEMU docs/interop/qcow2.txt), version 2 or 3, read and written: L1/L2 cluster mapping,
/// refcounted cluster allocation, zero clusters, zlib-compressed clusters (read; rewritten as normal clusters
/// when written), and a read-only backing file (raw or qcow2) under unallocated clusters. Not supported:
/// encryption, external data files, extended L2 entries, zstd, and writing images with internal snapshots.
/// <para>
/// Metadata changes are cached and written by <see cref="Flush"/> in dependency order, each step made durable
/// before the next: data and refcount increments, then L2 tables, then the L1 table, then refcount decrements.
/// A crash between flushes can leak clusters but never leaves a table pointing at an unowned cluster.
/// </para>
/// </summary>
public sealed class Qcow2DiskImage : IDiskImage
{
    // L1/L2 entry bits ("Cluster mapping").
    private const ulong OflagCopied = 1UL << 63;
    private const ulong OflagCompressed = 1UL << 62;
    private const ulong OflagZero = 1UL << 0;
    private const ulong OffsetMask = 0x00ff_ffff_ffff_fe00UL;     // bits 9-55
    private const ulong L1ReservedMask = 0x7f00_0000_0000_01ffUL;  // bits 0-8, 56-62
    private const ulong L2StdReservedMask = 0x3f00_0000_0000_01feUL; // bits 1-8, 56-61
    private const int MaxBackingDepth = 16;

    private readonly Lock _gate = new();
    private readonly HostFile _file;
    private readonly Qcow2Header _header;
    private readonly string _where;
    private readonly int _clusterBits;
    private readonly ulong _clusterSize;
    private readonly int _l2Bits;
    private readonly ulong[] _l1;
    private readonly Qcow2Refcounts _refcounts;
    private readonly Qcow2L2Cache _l2Cache;
    private readonly IDiskImage? _backing;
    private bool _l1Dirty;
    private ulong _decompressedEntry;
    private byte[]? _decompressed;
    private bool _disposed;

    private Qcow2DiskImage(HostFile file, Qcow2Header header, ulong[] l1, Qcow2Refcounts refcounts, IDiskImage? backing, string? backingPath, int l2CacheTables)
    {
        _file = file;
        _header = header;
        _where = _file.Path + ": qcow2";
        _clusterBits = _header.ClusterBits;
        _clusterSize = _header.ClusterSize;
        _l2Bits = _clusterBits - 3;
        _l1 = l1;
        _refcounts = refcounts;
        _backing = backing;
        BackingPath = backingPath;
        _l2Cache = new Qcow2L2Cache(_file, _clusterSize, FlushLocked, l2CacheTables);
    }

    public ulong Capacity => _header.Size;

    public bool ReadOnly => !_file.Writable;

    public DiskImageFormat Format => DiskImageFormat.Qcow2;

    public string Path => _file.Path;

    public int ClusterSize => (int)_clusterSize;

    /// <summary>The backing image's path as resolved, or null.</summary>
    public string? BackingPath { get; }

    /// <summary>The backing image, opened read-only, or null.</summary>
    public IDiskImage? Backing => _backing;

    /// <summary>Opens a qcow2 image; its backing chain, if any, is opened read-only.</summary>
    public static Qcow2DiskImage Open(string path, bool readOnly) => Open(path, readOnly, 0, 0);

    /// <summary>Opens with an L2 cache of <paramref name="l2CacheTables"/> tables (0: the default), for tests.</summary>
    internal static Qcow2DiskImage Open(string path, bool readOnly, int depth, int l2CacheTables)
    {
        var file = HostFile.Open(path, !readOnly);
        IDiskImage? backing = null;
        try
        {
            var header = Qcow2Header.Read(file, !readOnly);
            string where = path + ": qcow2";
            if (!readOnly && header.NbSnapshots > 0)
            {
                throw new DiskImageException($"{where} image has {header.NbSnapshots} internal snapshot(s); writing such images is not supported (open it read-only)");
            }

            var l1 = ReadL1(file, header, where);
            var refcounts = Qcow2Refcounts.Load(file, header);
            // Every cluster with a refcount must start inside the file.
            if (refcounts.EndCluster > 0 && (refcounts.EndCluster - 1) << header.ClusterBits >= file.Length)
            {
                throw new DiskImageException($"{where} cluster at 0x{(refcounts.EndCluster - 1) << header.ClusterBits:x} is in use but the file ends at 0x{file.Length:x}: truncated image");
            }

            string? backingPath = null;
            if (header.BackingFile is { } name)
            {
                if (depth >= MaxBackingDepth)
                {
                    throw new DiskImageException($"{where} backing chain is deeper than {MaxBackingDepth} (a loop?)");
                }

                if (name.Contains("://", StringComparison.Ordinal) || name.StartsWith("json:", StringComparison.Ordinal))
                {
                    throw new DiskImageException($"{where} backing file '{name}' is not a local file");
                }

                backingPath = System.IO.Path.IsPathRooted(name) ? name : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".", name);
                var format = header.BackingFormat switch
                {
                    null => DiskImage.Probe(backingPath),
                    "raw" => DiskImageFormat.Raw,
                    "qcow2" => DiskImageFormat.Qcow2,
                    var other => throw new DiskImageException($"{where} backing file format '{other}' is not supported"),
                };
                try
                {
                    backing = format == DiskImageFormat.Qcow2 ? Open(backingPath, true, depth + 1, 0) : RawDiskImage.Open(backingPath, true);
                }
                catch (DiskImageException e) when (depth == 0)
                {
                    // Name the image the user gave, then what is wrong further down the chain.
                    throw new DiskImageException($"{path}: backing file {e.Message}", e);
                }
            }

            var image = new Qcow2DiskImage(file, header, l1, refcounts, backing, backingPath, l2CacheTables);
            if (!readOnly && header.AutoclearFeatures != 0)
            {
                // An unknown (to us) auto-clear feature must be cleared before writing ("Header", autoclear_features).
                file.Write(Qcow2Header.AutoclearFeaturesField, new byte[8]);
                file.Sync();
            }
            return image;
        }
        catch (Exception e)
        {
            backing?.Dispose();
            file.Dispose();
            if (e is IOException)
            {
                throw new DiskImageException($"{path}: {e.Message}", e);
            }

            throw;
        }
    }

    private static ulong[] ReadL1(HostFile file, Qcow2Header header, string where)
    {
        var raw = new byte[header.L1Size * 8];
        file.ReadOrZero(header.L1TableOffset, raw);
        var l1 = new ulong[header.L1Size];
        for (int i = 0; i < l1.Length; i++)
        {
            ulong e = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(i * 8));
            ulong off = e & OffsetMask;
            if ((e & L1ReservedMask) != 0)
            {
                throw new DiskImageException($"{where} L1 entry {i} has reserved bits set (0x{e:x})");
            }

            if (off != 0 && off < header.ClusterSize)
            {
                throw new DiskImageException($"{where} L2 table {i} overlaps the header");
            }

            if (off != 0 && (off > file.Length || header.ClusterSize > file.Length - off))
            {
                throw new DiskImageException($"{where} L2 table {i} at 0x{off:x} lies outside the file (0x{file.Length:x} bytes): truncated image?");
            }

            l1[i] = e;
        }
        return l1;
    }

    public void ReadAt(ulong offset, Span<byte> buffer)
    {
        DiskImage.CheckRange(this, offset, (ulong)buffer.Length);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            while (!buffer.IsEmpty)
            {
                ulong gc = offset >> _clusterBits;
                int inCluster = (int)(offset & (_clusterSize - 1));
                int n = (int)Math.Min((ulong)buffer.Length, _clusterSize - (ulong)inCluster);
                ulong entry = LookupEntry(gc);
                var kind = Classify(entry);
                if (kind == ClusterKind.Normal)
                {
                    // Coalesce clusters that follow each other in the file into one read.
                    ulong host = entry & OffsetMask;
                    while (n < buffer.Length)
                    {
                        ulong next = LookupEntry(gc + 1);
                        if (Classify(next) != ClusterKind.Normal || (next & OffsetMask) != host + ((gc + 1 - (offset >> _clusterBits)) << _clusterBits))
                        {
                            break;
                        }

                        gc++;
                        n += (int)Math.Min((ulong)(buffer.Length - n), _clusterSize);
                    }
                    CheckDataCluster(host, (ulong)inCluster + (ulong)n);
                    _file.ReadOrZero(host + (ulong)inCluster, buffer[..n]);
                }
                else
                {
                    ReadClusterContents(gc, entry, kind, inCluster, buffer[..n]);
                }
                buffer = buffer[n..];
                offset += (ulong)n;
            }
        }
    }

    public void WriteAt(ulong offset, ReadOnlySpan<byte> data)
    {
        DiskImage.CheckWritable(this, offset, (ulong)data.Length);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            while (!data.IsEmpty)
            {
                ulong gc = offset >> _clusterBits;
                int inCluster = (int)(offset & (_clusterSize - 1));
                int n = (int)Math.Min((ulong)data.Length, _clusterSize - (ulong)inCluster);
                ulong entry = LookupEntry(gc);
                if (IsOwnedData(entry))
                {
                    // Rewriting allocated clusters that follow each other in the file: one write, no metadata.
                    ulong host = entry & OffsetMask;
                    for (ulong k = 1; n < data.Length; k++)
                    {
                        ulong next = LookupEntry(gc + k);
                        if (!IsOwnedData(next) || (next & OffsetMask) != host + (k << _clusterBits))
                        {
                            break;
                        }
                        n += (int)Math.Min((ulong)(data.Length - n), _clusterSize);
                    }
                    CheckDataCluster(host, (ulong)inCluster + (ulong)n);
                    _file.Write(host + (ulong)inCluster, data[..n]);
                }
                else
                {
                    WriteCluster(gc, inCluster, data[..n]);
                }
                data = data[n..];
                offset += (ulong)n;
            }
        }
    }

    public void Flush()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_file.Writable)
            {
                FlushLocked();
            }
        }
    }

    /// <summary>
    /// Writes changed L2 tables and L1 (and the refcounts they depend on, made durable first) to the file, so a
    /// killed process loses no completed write: without this a write that allocated a cluster after the guest's
    /// last FLUSH lived only in the L2 cache, while an overwrite in place was already in the file, and the guest
    /// (which may write metadata after its last flush, e.g. ext2-style indirect blocks on <c>sync</c>) came back
    /// with a mix of old and new blocks. Refcount decrements still wait for <see cref="Flush"/>, so no cluster
    /// that an on-disk table may still point at is reused before the table change is durable.
    /// </summary>
    public void WriteBack()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_file.Writable || (!_l2Cache.HasDirty && !_l1Dirty))
            {
                return;
            }

            if (_refcounts.HasDirty)
            {
                // A table must never point at a cluster whose refcount could still be 0 on the host disk.
                _refcounts.WriteDirtyBlocks();
                if (_refcounts.TableDirty)
                {
                    _file.Sync();
                    _refcounts.WriteTable();
                }
                _file.Sync();
            }
            _l2Cache.WriteDirty();
            if (_l1Dirty)
            {
                _file.Sync(); // a new L2 table is on disk before L1 points at it
                WriteL1();
            }
        }
    }

    public void Discard(ulong offset, ulong length)
    {
        DiskImage.CheckWritable(this, offset, length);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Only whole clusters can be given back; partial ones keep their data.
            ulong first = (offset + _clusterSize - 1) >> _clusterBits;
            ulong end = (offset + length) >> _clusterBits;
            if (offset + length == Capacity)
            {
                end = (Capacity + _clusterSize - 1) >> _clusterBits;
            }

            for (ulong gc = first; gc < end; gc++)
            {
                ZeroCluster(gc, discard: true, mayUnmap: true);
            }
        }
    }

    public void WriteZeroes(ulong offset, ulong length, bool mayUnmap)
    {
        DiskImage.CheckWritable(this, offset, length);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            byte[]? zeroes = null;
            while (length > 0)
            {
                ulong gc = offset >> _clusterBits;
                int inCluster = (int)(offset & (_clusterSize - 1));
                ulong n = Math.Min(length, _clusterSize - (ulong)inCluster);
                // A whole cluster (or the disk's last, partial one) changes its L2 entry; a part is written.
                bool whole = inCluster == 0 && (n == _clusterSize || offset + n == Capacity);
                if (!whole || !ZeroCluster(gc, discard: false, mayUnmap))
                {
                    zeroes ??= new byte[_clusterSize];
                    WriteCluster(gc, inCluster, zeroes.AsSpan(0, (int)n));
                }
                offset += n;
                length -= n;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                if (_file.Writable)
                {
                    FlushLocked();
                }
            }
            finally
            {
                _file.Dispose();
                _backing?.Dispose();
            }
        }
    }

    private enum ClusterKind
    {
        Unallocated,
        Zero,
        Normal,
        Compressed,
    }

    /// <summary>The L2 entry for guest cluster <paramref name="gc"/>, or 0 if its L2 table isn't allocated.</summary>
    private ulong LookupEntry(ulong gc)
    {
        ulong l1Index = gc >> _l2Bits;
        if (l1Index >= (ulong)_l1.Length)
        {
            return 0;
        }

        ulong l2Offset = _l1[l1Index] & OffsetMask;
        if (l2Offset == 0)
        {
            return 0;
        }

        return _l2Cache.Get(l2Offset)[gc & ((1UL << _l2Bits) - 1)];
    }

    /// <summary>What an L2 entry describes ("Cluster mapping", L2 table entry and cluster descriptors).</summary>
    private ClusterKind Classify(ulong entry)
    {
        if ((entry & OflagCompressed) != 0)
        {
            return ClusterKind.Compressed;
        }

        if (_header.Version >= 3 && (entry & OflagZero) != 0)
        {
            return ClusterKind.Zero;
        }

        if ((entry & L2StdReservedMask) != 0)
        {
            throw new DiskImageException($"{_where} L2 entry 0x{entry:x} has reserved bits set");
        }

        if ((entry & OffsetMask) == 0)
        {
            if ((entry & OflagCopied) != 0)
            {
                throw new DiskImageException($"{_where} L2 entry 0x{entry:x} maps a cluster at offset 0");
            }

            return ClusterKind.Unallocated;
        }
        return ClusterKind.Normal;
    }

    /// <summary>A normal cluster that only the active L1 table references (COPIED): writable in place.</summary>
    private bool IsOwnedData(ulong entry) =>
        (entry & (OflagCopied | OflagCompressed)) == OflagCopied && Classify(entry) == ClusterKind.Normal;

    /// <summary>A data cluster must not be the header or a table, and must start inside the file.</summary>
    private void CheckDataCluster(ulong host, ulong length)
    {
        if (host < _clusterSize
            || (host < _header.L1TableOffset + (ulong)_l1.Length * 8 && _header.L1TableOffset < host + length)
            || (host < _refcounts.TableOffset + _refcounts.TableBytes && _refcounts.TableOffset < host + length))
        {
            throw new DiskImageException($"{_where} data cluster at 0x{host:x} overlaps image metadata");
        }

        if (host >= _file.Length)
        {
            throw new DiskImageException($"{_where} data cluster at 0x{host:x} lies past the end of the file (0x{_file.Length:x}): truncated image?");
        }
    }

    /// <summary>Fills <paramref name="dst"/> with what a non-normal cluster reads as.</summary>
    private void ReadClusterContents(ulong gc, ulong entry, ClusterKind kind, int inCluster, Span<byte> dst)
    {
        switch (kind)
        {
            case ClusterKind.Unallocated:
                ReadBacking((gc << _clusterBits) + (ulong)inCluster, dst);
                break;
            case ClusterKind.Zero:
                dst.Clear();
                break;
            case ClusterKind.Compressed:
                Decompress(entry).AsSpan(inCluster, dst.Length).CopyTo(dst);
                break;
            case ClusterKind.Normal:
                ulong host = entry & OffsetMask;
                CheckDataCluster(host, _clusterSize);
                _file.ReadOrZero(host + (ulong)inCluster, dst);
                break;
        }
    }

    /// <summary>Unallocated clusters read from the backing file, and as zeroes past its end or without one.</summary>
    private void ReadBacking(ulong offset, Span<byte> dst)
    {
        if (_backing == null || offset >= _backing.Capacity)
        {
            dst.Clear();
            return;
        }
        int n = (int)Math.Min((ulong)dst.Length, _backing.Capacity - offset);
        _backing.ReadAt(offset, dst[..n]);
        dst[n..].Clear();
    }

    /// <summary>
    /// Inflates a compressed cluster ("Compressed Clusters Descriptor"): raw deflate data starting at a byte
    /// offset, spanning a count of 512-byte sectors, that must inflate to exactly one cluster.
    /// </summary>
    private byte[] Decompress(ulong entry)
    {
        if (_decompressed != null && _decompressedEntry == entry)
        {
            return _decompressed;
        }

        int x = 62 - (_clusterBits - 8);
        ulong host = entry & ((1UL << x) - 1);
        ulong sectors = ((entry >> x) & ((1UL << (_clusterBits - 8)) - 1)) + 1;
        ulong size = sectors * 512 - (host & 511);
        if (host < _clusterSize || host >= _file.Length)
        {
            throw new DiskImageException($"{_where} compressed cluster at 0x{host:x} lies outside the file");
        }

        size = Math.Min(size, _file.Length - host);
        var packed = new byte[size];
        _file.ReadOrZero(host, packed);
        var output = new byte[_clusterSize];
        try
        {
            using var inflate = new DeflateStream(new MemoryStream(packed), CompressionMode.Decompress);
            int got = inflate.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
            if (got != output.Length)
            {
                throw new DiskImageException($"{_where} compressed cluster at 0x{host:x} inflates to {got} bytes, not {_clusterSize}");
            }
        }
        catch (InvalidDataException e)
        {
            throw new DiskImageException($"{_where} compressed cluster at 0x{host:x} is corrupt: {e.Message}", e);
        }
        _decompressedEntry = entry;
        _decompressed = output;
        return output;
    }

    /// <summary>
    /// The L2 table for guest cluster <paramref name="gc"/>, ready to change: allocated if missing, and owned
    /// by the active L1 table alone (COPIED).
    /// </summary>
    private (ulong[] Table, ulong Offset) GetL2ForWrite(ulong gc)
    {
        ulong l1Index = gc >> _l2Bits;
        ulong e = _l1[l1Index];
        ulong off = e & OffsetMask;
        if (off == 0)
        {
            off = _refcounts.Allocate();
            var table = _l2Cache.Create(off);
            _l1[l1Index] = off | OflagCopied;
            _l1Dirty = true;
            return (table, off);
        }
        if ((e & OflagCopied) == 0)
        {
            if (_refcounts.Get(off >> _clusterBits) != 1)
            {
                throw new DiskImageException($"{_where} L2 table at 0x{off:x} is shared (internal snapshot); writing it is not supported");
            }

            _l1[l1Index] = e | OflagCopied;
            _l1Dirty = true;
        }
        return (_l2Cache.Get(off), off);
    }

    /// <summary>Writes <paramref name="chunk"/> into guest cluster <paramref name="gc"/> at <paramref name="inCluster"/>.</summary>
    private void WriteCluster(ulong gc, int inCluster, ReadOnlySpan<byte> chunk)
    {
        var (table, tableOffset) = GetL2ForWrite(gc);
        int index = (int)(gc & ((1UL << _l2Bits) - 1));
        ulong entry = table[index];
        var kind = Classify(entry);
        ulong host = entry & OffsetMask;

        if (kind == ClusterKind.Normal && (entry & OflagCopied) == 0 && _refcounts.Get(host >> _clusterBits) == 1)
        {
            // Owned but not flagged: set COPIED, as "qemu-img check -r" would.
            entry |= OflagCopied;
            table[index] = entry;
            _l2Cache.MarkDirty(tableOffset);
        }
        if (kind == ClusterKind.Normal && (entry & OflagCopied) != 0)
        {
            CheckDataCluster(host, _clusterSize);
            _file.Write(host + (ulong)inCluster, chunk);
            return;
        }

        // Build the whole new cluster: old contents (or zeroes, or the backing file) under the new data.
        byte[]? buffer = null;
        ReadOnlySpan<byte> cluster = chunk;
        bool fullCluster = inCluster == 0 && (ulong)chunk.Length == _clusterSize;
        if (!fullCluster)
        {
            buffer = new byte[_clusterSize];
            if (kind != ClusterKind.Zero)
            {
                ReadClusterContents(gc, entry, kind, 0, buffer);
            }

            chunk.CopyTo(buffer.AsSpan(inCluster));
            cluster = buffer;
        }

        // A preallocated zero cluster we own is reused in place.
        bool reuse = kind == ClusterKind.Zero && host != 0 && (entry & OflagCopied) != 0;
        if (reuse)
        {
            CheckDataCluster(host, _clusterSize);
        }

        ulong target = reuse ? host : _refcounts.Allocate();
        try
        {
            _file.Write(target, cluster);
        }
        catch (IOException) when (!reuse)
        {
            _refcounts.FreeLater(target, _clusterSize); // e.g. ENOSPC: give the cluster back, don't leak it
            throw;
        }
        table[index] = target | OflagCopied;
        _l2Cache.MarkDirty(tableOffset);
        if (!reuse)
        {
            FreeLater(entry, kind);
        }
    }

    /// <summary>
    /// Makes a whole guest cluster read as zeroes by changing its L2 entry (a discard may instead leave it
    /// unallocated). Returns false if the entry can't express it (version 2 over a backing file); then the
    /// caller writes zeroes, or for a discard does nothing.
    /// </summary>
    private bool ZeroCluster(ulong gc, bool discard, bool mayUnmap)
    {
        ulong entry = LookupEntry(gc);
        var kind = Classify(entry);
        ulong host = entry & OffsetMask;
        bool backed = _backing != null && (gc << _clusterBits) < _backing.Capacity;
        ulong newEntry;
        if (kind == ClusterKind.Unallocated && !backed)
        {
            return true; // reads as zeroes already
        }

        if (kind == ClusterKind.Zero && (host == 0 || !mayUnmap))
        {
            return true;
        }

        if (backed && _header.Version < 3)
        {
            return discard; // no zero flag in version 2: a discard leaves the data, write-zeroes writes
        }

        if (discard)
        {
            newEntry = backed ? OflagZero : 0;
        }
        else if (_header.Version < 3)
        {
            newEntry = 0; // not backed: unallocated reads as zeroes
        }
        else if (!mayUnmap && kind == ClusterKind.Normal && (entry & OflagCopied) != 0)
        {
            newEntry = host | OflagCopied | OflagZero; // keep the allocation ("preallocated zero cluster")
        }
        else
        {
            newEntry = _header.Version >= 3 ? OflagZero : 0;
        }

        var (table, tableOffset) = GetL2ForWrite(gc);
        int index = (int)(gc & ((1UL << _l2Bits) - 1));
        table[index] = newEntry;
        _l2Cache.MarkDirty(tableOffset);
        if ((newEntry & OffsetMask) != host)
        {
            FreeLater(entry, kind);
        }

        return true;
    }

    /// <summary>Drops this mapping's reference to its host cluster(s) once the L2 change is on disk.</summary>
    private void FreeLater(ulong entry, ClusterKind kind)
    {
        if (kind == ClusterKind.Compressed)
        {
            // The sectors holding the compressed data, which may share clusters with others.
            int x = 62 - (_clusterBits - 8);
            ulong host = entry & ((1UL << x) - 1);
            ulong sectors = ((entry >> x) & ((1UL << (_clusterBits - 8)) - 1)) + 1;
            _refcounts.FreeLater(host & ~511UL, sectors * 512);
        }
        else if ((entry & OffsetMask) != 0 && kind is ClusterKind.Normal or ClusterKind.Zero)
        {
            _refcounts.FreeLater(entry & OffsetMask, _clusterSize);
        }
    }

    /// <summary>
    /// Writes back cached metadata so that every step only points at what is already durable:
    /// data and refcount increments, then L2 tables, then L1, then refcount decrements.
    /// </summary>
    private void FlushLocked()
    {
        if (_refcounts.HasDirty)
        {
            _refcounts.WriteDirtyBlocks();
            if (_refcounts.TableDirty)
            {
                // New refcount blocks are on disk before the table entries that point at them.
                _file.Sync();
                _refcounts.WriteTable();
            }
        }
        _file.Sync();
        if (_l2Cache.HasDirty || _l1Dirty)
        {
            _l2Cache.WriteDirty();
            if (_l1Dirty)
            {
                _file.Sync();
                WriteL1();
            }
            _file.Sync();
        }
        if (_refcounts.HasPendingFrees)
        {
            var freed = _refcounts.ApplyPendingFrees();
            _refcounts.WriteDirtyBlocks();
            _file.Sync();
            foreach (ulong off in freed)
            {
                _file.PunchHole(off, _clusterSize);
            }

            _decompressed = null;
        }
    }

    private void WriteL1()
    {
        var raw = new byte[_l1.Length * 8];
        for (int i = 0; i < _l1.Length; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(raw.AsSpan(i * 8), _l1[i]);
        }

        _file.Write(_header.L1TableOffset, raw);
        _l1Dirty = false;
    }
}
