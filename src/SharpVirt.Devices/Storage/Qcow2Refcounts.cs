using System.Buffers.Binary;

namespace SharpVirt.Devices.Storage;

/// <summary>
/// qcow2 host cluster management ("Host cluster management"): the refcount table and refcount blocks, and
/// the cluster allocator built on them. Every refcount block is loaded at open (they are small: 16 bits per
/// cluster by default) and kept; changed blocks and table are written back by the image's flush, in the
/// order that keeps the file consistent. Refcounts of freed clusters drop only when the image says so
/// (<see cref="ApplyPendingFrees"/>), after the tables that referenced them are on disk.
/// </summary>
internal sealed class Qcow2Refcounts
{
    private const ulong ReftReservedMask = 0x1ff; // refcount table entry bits 0-8
    private readonly HostFile _file;
    private readonly string _where;
    private readonly int _clusterBits;
    private readonly ulong _clusterSize;
    private readonly int _refcountBits;
    private readonly ulong _maxRefcount;
    private readonly int _blockShift; // log2(refcount entries per block)
    private readonly Dictionary<ulong, byte[]> _blocks = [];
    private readonly SortedSet<ulong> _dirtyBlocks = [];
    private readonly List<ulong> _pendingFrees = [];
    private ulong[] _table;
    private ulong _tableOffset;
    private bool _tableDirty;
    private ulong _freeHint; // no free cluster below this index

    private Qcow2Refcounts(HostFile file, Qcow2Header header, ulong[] table)
    {
        _file = file;
        _where = _file.Path + ": qcow2";
        _clusterBits = header.ClusterBits;
        _clusterSize = header.ClusterSize;
        _refcountBits = 1 << header.RefcountOrder;
        _maxRefcount = _refcountBits == 64 ? ulong.MaxValue : (1UL << _refcountBits) - 1;
        _blockShift = _clusterBits + 3 - header.RefcountOrder;
        _table = table;
        _tableOffset = header.RefcountTableOffset;
    }

    /// <summary>One past the highest cluster index with a non-zero refcount.</summary>
    public ulong EndCluster { get; private set; }

    public bool HasDirty => _tableDirty || _dirtyBlocks.Count > 0;

    public bool HasPendingFrees => _pendingFrees.Count > 0;

    public ulong TableOffset => _tableOffset;

    public ulong TableBytes => (ulong)_table.Length * 8;

    /// <summary>Reads and checks the refcount table and every refcount block.</summary>
    public static Qcow2Refcounts Load(HostFile file, Qcow2Header header)
    {
        ulong bytes = (ulong)header.RefcountTableClusters * header.ClusterSize;
        var raw = new byte[bytes];
        file.ReadOrZero(header.RefcountTableOffset, raw);
        var table = new ulong[bytes / 8];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(i * 8));
        }

        var r = new Qcow2Refcounts(file, header, table);
        r.LoadBlocks();
        return r;
    }

    private void LoadBlocks()
    {
        for (ulong t = 0; t < (ulong)_table.Length; t++)
        {
            ulong e = _table[t];
            if (e == 0)
            {
                continue;
            }

            if ((e & ReftReservedMask) != 0)
            {
                throw Corrupt($"refcount table entry {t} is misaligned (0x{e:x})");
            }

            if (e < _clusterSize)
            {
                throw Corrupt($"refcount block {t} overlaps the header");
            }

            if (e > _file.Length || _clusterSize > _file.Length - e)
            {
                throw Corrupt($"refcount block {t} at 0x{e:x} lies outside the file (0x{_file.Length:x} bytes): truncated image?");
            }

            var block = new byte[_clusterSize];
            _file.ReadOrZero(e, block);
            _blocks[t] = block;
            ulong entries = 1UL << _blockShift;
            for (ulong i = entries; i > 0; i--)
            {
                if (ReadEntry(block, i - 1) != 0)
                {
                    EndCluster = Math.Max(EndCluster, (t << _blockShift) + i);
                    break;
                }
            }
        }
    }

    public ulong Get(ulong cluster)
    {
        ulong t = cluster >> _blockShift;
        if (t >= (ulong)_table.Length || _table[t] == 0)
        {
            return 0;
        }

        return ReadEntry(_blocks[t], cluster & ((1UL << _blockShift) - 1));
    }

    /// <summary>Finds a free cluster, marks it used (refcount 1) and returns its byte offset in the file.</summary>
    public ulong Allocate()
    {
        while (true)
        {
            ulong c = FindFree(_freeHint);
            EnsureBlock(c >> _blockShift);
            if (Get(c) != 0)
            {
                continue; // the new refcount block took it
            }

            Set(c, 1);
            _freeHint = c + 1;
            return c << _clusterBits;
        }
    }

    /// <summary>Drops one reference to the clusters overlapping [offset, offset+length) at the next flush.</summary>
    public void FreeLater(ulong offset, ulong length)
    {
        if (length == 0)
        {
            return;
        }

        for (ulong c = offset >> _clusterBits; c <= (offset + length - 1) >> _clusterBits; c++)
        {
            _pendingFrees.Add(c);
        }
    }

    /// <summary>
    /// Applies the deferred frees. Returns the byte ranges of clusters that became free, which the caller may
    /// punch out of the host file.
    /// </summary>
    public List<ulong> ApplyPendingFrees()
    {
        var freed = new List<ulong>();
        foreach (ulong c in _pendingFrees)
        {
            ulong r = Get(c);
            if (r == 0)
            {
                throw Corrupt($"cluster 0x{c << _clusterBits:x} freed twice (refcount already 0)");
            }

            Set(c, r - 1);
            if (r == 1)
            {
                freed.Add(c << _clusterBits);
            }
        }
        _pendingFrees.Clear();
        return freed;
    }

    /// <summary>Writes the changed refcount blocks (not the table).</summary>
    public void WriteDirtyBlocks()
    {
        foreach (ulong t in _dirtyBlocks)
        {
            _file.Write(_table[t], _blocks[t]);
        }

        _dirtyBlocks.Clear();
    }

    public bool TableDirty => _tableDirty;

    /// <summary>Writes the refcount table. Call once the blocks it points to are on disk.</summary>
    public void WriteTable()
    {
        _file.Write(_tableOffset, Serialize(_table));
        _tableDirty = false;
    }

    private void Set(ulong cluster, ulong value)
    {
        if (value > _maxRefcount)
        {
            throw Corrupt($"refcount of cluster 0x{cluster << _clusterBits:x} overflows {_refcountBits} bits");
        }

        ulong t = cluster >> _blockShift;
        EnsureBlock(t);
        WriteEntry(_blocks[t], cluster & ((1UL << _blockShift) - 1), value);
        _dirtyBlocks.Add(t);
        if (value != 0 && cluster >= EndCluster)
        {
            EndCluster = cluster + 1;
        }

        if (value == 0 && cluster < _freeHint)
        {
            _freeHint = cluster;
        }
    }

    /// <summary>The first cluster at or after <paramref name="from"/> with refcount 0.</summary>
    private ulong FindFree(ulong from)
    {
        ulong entries = 1UL << _blockShift;
        ulong c = from;
        while (true)
        {
            ulong t = c >> _blockShift;
            if (t >= (ulong)_table.Length || _table[t] == 0)
            {
                return c;
            }

            var block = _blocks[t];
            for (ulong i = c & (entries - 1); i < entries; i++)
            {
                if (ReadEntry(block, i) == 0)
                {
                    return (t << _blockShift) + i;
                }
            }

            c = (t + 1) << _blockShift;
        }
    }

    /// <summary>
    /// Makes sure refcount block <paramref name="t"/> exists. A missing block means every cluster it covers is
    /// free, so the new block goes into the first of them and counts itself.
    /// </summary>
    private void EnsureBlock(ulong t)
    {
        if (t < (ulong)_table.Length && _table[t] != 0)
        {
            return;
        }

        if (t >= (ulong)_table.Length)
        {
            GrowTable(t + 1);
        }

        if (_table[t] != 0)
        {
            return;
        }

        ulong c = t << _blockShift;
        if (c == 0)
        {
            throw Corrupt("refcount block 0 is missing (the header is not refcounted)");
        }

        AddBlock(_table, t);
        _tableDirty = true;
    }

    private void AddBlock(ulong[] into, ulong t)
    {
        ulong c = t << _blockShift;
        var block = new byte[_clusterSize];
        WriteEntry(block, 0, 1); // the block's own cluster
        _blocks[t] = block;
        into[t] = c << _clusterBits;
        _dirtyBlocks.Add(t);
        EndCluster = Math.Max(EndCluster, c + 1);
    }

    /// <summary>
    /// Moves the refcount table to a bigger place at the end of the image, with the refcount blocks that new
    /// place needs, and points the header at it.
    /// </summary>
    private void GrowTable(ulong minEntries)
    {
        ulong perCluster = _clusterSize / 8;
        ulong newEntries = RoundUp(Math.Max(minEntries, (ulong)_table.Length * 2), perCluster);
        ulong start, clusters, tMax;
        while (true)
        {
            clusters = newEntries / perCluster;
            start = Math.Max(EndCluster, (_file.Length + _clusterSize - 1) >> _clusterBits);
            // The table must not sit where a refcount block it needs will go (the first cluster of its range).
            for (bool moved = true; moved;)
            {
                moved = false;
                for (ulong t = start >> _blockShift; t <= (start + clusters - 1) >> _blockShift; t++)
                {
                    ulong first = t << _blockShift;
                    if ((t >= (ulong)_table.Length || _table[t] == 0) && first >= start && first < start + clusters)
                    {
                        start = first + 1;
                        moved = true;
                    }
                }
            }
            tMax = (start + clusters - 1) >> _blockShift;
            if (tMax < newEntries)
            {
                break;
            }

            newEntries = RoundUp(tMax + 1, perCluster);
        }
        if (newEntries * 8 > 8 * 1024 * 1024)
        {
            throw new DiskImageException($"{_where} refcount table would exceed 8 MiB: image too large for its cluster size");
        }

        var newTable = new ulong[newEntries];
        Array.Copy(_table, newTable, _table.Length);
        for (ulong t = start >> _blockShift; t <= tMax; t++)
        {
            if (newTable[t] == 0)
            {
                AddBlock(newTable, t);
            }
        }

        ulong oldOffset = _tableOffset;
        ulong oldClusters = (ulong)_table.Length / perCluster;
        _table = newTable;
        for (ulong c = start; c < start + clusters; c++)
        {
            Set(c, 1);
        }

        // Blocks, then the table, then the header pointing at it, each durable before the next.
        WriteDirtyBlocks();
        _file.Sync();
        _tableOffset = start << _clusterBits;
        _file.Write(_tableOffset, Serialize(_table));
        _file.Sync();
        Span<byte> field = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64BigEndian(field, _tableOffset);
        BinaryPrimitives.WriteUInt32BigEndian(field[8..], (uint)clusters);
        _file.Write(Qcow2Header.RefcountTableOffsetField, field);
        _file.Sync();
        _tableDirty = false;
        // The old table is unreferenced now that the header is on disk.
        for (ulong c = oldOffset >> _clusterBits; c < (oldOffset >> _clusterBits) + oldClusters; c++)
        {
            Set(c, Get(c) - 1);
        }
    }

    private ulong ReadEntry(byte[] block, ulong index)
    {
        switch (_refcountBits)
        {
            case 64: return BinaryPrimitives.ReadUInt64BigEndian(block.AsSpan((int)(index * 8)));
            case 32: return BinaryPrimitives.ReadUInt32BigEndian(block.AsSpan((int)(index * 4)));
            case 16: return BinaryPrimitives.ReadUInt16BigEndian(block.AsSpan((int)(index * 2)));
            case 8: return block[index];
            default:
                // Sub-byte widths: bit 0 is the least significant bit of the byte.
                ulong bit = index * (ulong)_refcountBits;
                return (ulong)(block[bit / 8] >> (int)(bit % 8)) & _maxRefcount;
        }
    }

    private void WriteEntry(byte[] block, ulong index, ulong value)
    {
        switch (_refcountBits)
        {
            case 64: BinaryPrimitives.WriteUInt64BigEndian(block.AsSpan((int)(index * 8)), value); break;
            case 32: BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan((int)(index * 4)), (uint)value); break;
            case 16: BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan((int)(index * 2)), (ushort)value); break;
            case 8: block[index] = (byte)value; break;
            default:
                ulong bit = index * (ulong)_refcountBits;
                int shift = (int)(bit % 8);
                ref byte b = ref block[bit / 8];
                b = (byte)((b & ~((int)_maxRefcount << shift)) | ((int)value << shift));
                break;
        }
    }

    private static byte[] Serialize(ulong[] entries)
    {
        var raw = new byte[entries.Length * 8];
        for (int i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(raw.AsSpan(i * 8), entries[i]);
        }

        return raw;
    }

    private static ulong RoundUp(ulong value, ulong multiple) => (value + multiple - 1) / multiple * multiple;

    private DiskImageException Corrupt(string what) => new($"{_where} {what}");
}
