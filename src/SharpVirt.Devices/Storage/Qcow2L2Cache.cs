using System.Buffers.Binary;

namespace SharpVirt.Devices.Storage;

/// <summary>
/// A least-recently-used cache of qcow2 L2 tables ("Cluster mapping"), keyed by their offset in the file.
/// Changed tables stay in memory until the image flushes; evicting a changed table flushes the image first,
/// so the refcounts and data it depends on reach the disk before it does.
/// </summary>
internal sealed class Qcow2L2Cache
{
    private readonly HostFile _file;
    private readonly string _where;
    private readonly ulong _clusterSize;
    private readonly int _capacity;
    private readonly Action _flushImage;
    private readonly Dictionary<ulong, LinkedListNode<Table>> _map = [];
    private readonly LinkedList<Table> _lru = new();
    private int _dirtyCount;

    public Qcow2L2Cache(HostFile file, ulong clusterSize, Action flushImage, int capacity = 0)
    {
        _file = file;
        _where = _file.Path + ": qcow2";
        _clusterSize = clusterSize;
        _flushImage = flushImage;
        // 32 MiB of tables: 256 GiB of disk with 64 KiB clusters.
        _capacity = capacity > 0 ? capacity : (int)Math.Max(16UL, (32UL << 20) / _clusterSize);
    }

    public bool HasDirty => _dirtyCount > 0;

    /// <summary>The L2 table at <paramref name="offset"/>, read from the file if it isn't cached.</summary>
    public ulong[] Get(ulong offset)
    {
        if (_map.TryGetValue(offset, out var node))
        {
            _lru.Remove(node);
            _lru.AddFirst(node);
            return node.Value.Entries;
        }
        if (offset > _file.Length || _clusterSize > _file.Length - offset)
        {
            throw new DiskImageException($"{_where} L2 table at 0x{offset:x} lies outside the file: truncated image?");
        }

        var raw = new byte[_clusterSize];
        _file.ReadOrZero(offset, raw);
        var entries = new ulong[_clusterSize / 8];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(i * 8));
        }

        Insert(new Table(offset, entries));
        return entries;
    }

    /// <summary>Caches a new, all-unallocated L2 table for a freshly allocated cluster.</summary>
    public ulong[] Create(ulong offset)
    {
        var t = new Table(offset, new ulong[_clusterSize / 8]);
        Insert(t);
        MarkDirty(offset);
        return t.Entries;
    }

    public void MarkDirty(ulong offset)
    {
        var t = _map[offset].Value;
        if (!t.Dirty)
        {
            t.Dirty = true;
            _dirtyCount++;
        }
    }

    /// <summary>Writes every changed table to the file.</summary>
    public void WriteDirty()
    {
        if (_dirtyCount == 0)
        {
            return;
        }

        var raw = new byte[_clusterSize];
        foreach (var t in _lru)
        {
            if (!t.Dirty)
            {
                continue;
            }

            for (int i = 0; i < t.Entries.Length; i++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(raw.AsSpan(i * 8), t.Entries[i]);
            }

            _file.Write(t.Offset, raw);
            t.Dirty = false;
        }
        _dirtyCount = 0;
    }

    private void Insert(Table t)
    {
        while (_map.Count >= _capacity)
        {
            var victim = _lru.Last!;
            if (victim.Value.Dirty)
            {
                _flushImage();
            }

            _lru.RemoveLast();
            _map.Remove(victim.Value.Offset);
        }
        _map[t.Offset] = _lru.AddFirst(t);
    }

    private sealed class Table(ulong offset, ulong[] entries)
    {
        public ulong Offset { get; } = offset;
        public ulong[] Entries { get; } = entries;
        public bool Dirty { get; set; }
    }
}
