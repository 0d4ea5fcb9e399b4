using System.Buffers.Binary;
using System.Text;

namespace SharpVirt.Devices.Storage;

/// <summary>
/// The qcow2 header and header extensions (QEMU docs/interop/qcow2.txt, "Header"), parsed and checked for
/// everything that can be checked without reading further metadata. All numbers are big-endian.
/// </summary>
internal sealed class Qcow2Header
{
    public const uint Magic = 0x514649fb; // "QFI\xfb"
    public const int MinClusterBits = 9;
    public const int MaxClusterBits = 21; // QEMU's limit: 2 MiB clusters

    // Header field offsets ("Header").
    public const int RefcountTableOffsetField = 48;
    public const int AutoclearFeaturesField = 88;

    // incompatible_features bits.
    public const ulong IncompatDirty = 1UL << 0;
    public const ulong IncompatCorrupt = 1UL << 1;
    public const ulong IncompatDataFile = 1UL << 2;
    public const ulong IncompatCompression = 1UL << 3;
    public const ulong IncompatExtendedL2 = 1UL << 4;

    // Header extension types ("Header extensions").
    private const uint ExtEnd = 0x00000000;
    private const uint ExtBackingFormat = 0xe2792aca;
    private const uint ExtFeatureNames = 0x6803f857;

    private const uint MaxL1Entries = 32 * 1024 * 1024 / 8;   // QEMU: 32 MiB L1 table
    private const ulong MaxRefcountTableBytes = 8 * 1024 * 1024; // QEMU: 8 MiB refcount table

    public uint Version { get; private init; }
    public ulong BackingFileOffset { get; private init; }
    public uint BackingFileSize { get; private init; }
    public int ClusterBits { get; private init; }
    public ulong Size { get; private init; }
    public uint CryptMethod { get; private init; }
    public uint L1Size { get; private init; }
    public ulong L1TableOffset { get; private init; }
    public ulong RefcountTableOffset { get; private init; }
    public uint RefcountTableClusters { get; private init; }
    public uint NbSnapshots { get; private init; }
    public ulong SnapshotsOffset { get; private init; }
    public ulong IncompatibleFeatures { get; private init; }
    public ulong CompatibleFeatures { get; private init; }
    public ulong AutoclearFeatures { get; private init; }
    public int RefcountOrder { get; private init; }
    public uint HeaderLength { get; private init; }
    public string? BackingFile { get; private set; }
    public string? BackingFormat { get; private set; }

    public ulong ClusterSize => 1UL << ClusterBits;

    public static bool HasMagic(ReadOnlySpan<byte> start) =>
        start.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(start) == Magic;

    /// <summary>
    /// Reads and checks the header of <paramref name="file"/>. <paramref name="writable"/> adds the checks a
    /// writer needs (no dirty or corrupt bit).
    /// </summary>
    public static Qcow2Header Read(HostFile file, bool writable)
    {
        string where = file.Path + ": qcow2";
        DiskImageException Bad(string what) => new($"{where} {what}");

        var fixedPart = new byte[104];
        int got = file.Read(0, fixedPart);
        if (got < 72)
        {
            throw Bad($"header is truncated (file is {file.Length} bytes)");
        }

        ReadOnlySpan<byte> h = fixedPart;
        if (!HasMagic(h))
        {
            throw Bad("magic is missing: not a qcow2 image");
        }

        uint version = Be32(h, 4);
        if (version is not (2 or 3))
        {
            throw Bad($"version {version} is not supported (2 or 3)");
        }

        int clusterBits = (int)Be32(h, 20);
        if (clusterBits is < MinClusterBits or > MaxClusterBits)
        {
            throw Bad($"cluster_bits {clusterBits} out of range ({MinClusterBits}..{MaxClusterBits})");
        }

        ulong clusterSize = 1UL << clusterBits;

        var hd = new Qcow2Header
        {
            Version = version,
            BackingFileOffset = Be64(h, 8),
            BackingFileSize = Be32(h, 16),
            ClusterBits = clusterBits,
            Size = Be64(h, 24),
            CryptMethod = Be32(h, 32),
            L1Size = Be32(h, 36),
            L1TableOffset = Be64(h, 40),
            RefcountTableOffset = Be64(h, 48),
            RefcountTableClusters = Be32(h, 56),
            NbSnapshots = Be32(h, 60),
            SnapshotsOffset = Be64(h, 64),
            IncompatibleFeatures = version >= 3 ? Be64(h, 72) : 0,
            CompatibleFeatures = version >= 3 ? Be64(h, 80) : 0,
            AutoclearFeatures = version >= 3 ? Be64(h, 88) : 0,
            RefcountOrder = version >= 3 ? (int)Be32(h, 96) : 4,
            HeaderLength = version >= 3 ? Be32(h, 100) : 72,
        };

        if (version >= 3)
        {
            if (got < 104)
            {
                throw Bad($"version 3 header is truncated (file is {file.Length} bytes)");
            }

            if (hd.HeaderLength < 104 || hd.HeaderLength % 8 != 0 || hd.HeaderLength > clusterSize)
            {
                throw Bad($"header_length {hd.HeaderLength} is invalid");
            }

            if (hd.RefcountOrder > 6)
            {
                throw Bad($"refcount_order {hd.RefcountOrder} out of range (0..6)");
            }
        }

        // The first cluster holds the header, its extensions and the backing file name.
        var cluster0 = new byte[(int)Math.Min(clusterSize, Math.Max(file.Length, 104))];
        file.ReadOrZero(0, cluster0);
        hd.ReadExtensions(cluster0, Bad);
        hd.CheckFeatures(writable, Bad);

        if (hd.CryptMethod != 0)
        {
            throw Bad($"image is encrypted (crypt_method {hd.CryptMethod}), which is not supported");
        }

        // Backing file name: in the first cluster, at most 1023 bytes ("Header", backing_file_size).
        if (hd.BackingFileOffset != 0)
        {
            if (hd.BackingFileSize == 0 || hd.BackingFileSize > 1023)
            {
                throw Bad($"backing file name length {hd.BackingFileSize} is invalid");
            }

            if (hd.BackingFileOffset >= clusterSize || hd.BackingFileOffset + hd.BackingFileSize > clusterSize)
            {
                throw Bad("backing file name lies outside the first cluster");
            }

            hd.BackingFile = Encoding.UTF8.GetString(cluster0.AsSpan((int)hd.BackingFileOffset, (int)hd.BackingFileSize));
        }

        hd.CheckLayout(file.Length, Bad);
        return hd;
    }

    /// <summary>Walks the header extensions after the header ("Header extensions").</summary>
    private void ReadExtensions(byte[] cluster0, Func<string, DiskImageException> bad)
    {
        _featureNames.Clear();
        // The extensions end at the backing file name if there is one, else with the first cluster.
        int end = BackingFileOffset > HeaderLength && BackingFileOffset < (ulong)cluster0.Length ? (int)BackingFileOffset : cluster0.Length;
        int pos = (int)HeaderLength;
        while (true)
        {
            if (pos + 8 > end)
            {
                // Nothing follows the header: no end marker is needed.
                if (pos == end)
                {
                    return;
                }

                throw bad("header extension area runs past the first cluster");
            }
            uint type = Be32(cluster0, pos);
            uint length = Be32(cluster0, pos + 4);
            if (type == ExtEnd)
            {
                return;
            }

            if (length > (ulong)(end - pos - 8))
            {
                throw bad($"header extension 0x{type:x8} runs past the first cluster");
            }

            var data = cluster0.AsSpan(pos + 8, (int)length);
            switch (type)
            {
                case ExtBackingFormat:
                    BackingFormat = Encoding.UTF8.GetString(data);
                    break;
                case ExtFeatureNames:
                    // Entries of 48 bytes: type, bit, 46-byte name ("Feature name table").
                    for (int i = 0; i + 48 <= data.Length; i += 48)
                    {
                        var name = data.Slice(i + 2, 46);
                        int nul = name.IndexOf((byte)0);
                        _featureNames[(data[i], data[i + 1])] = Encoding.UTF8.GetString(nul < 0 ? name : name[..nul]);
                    }
                    break;
            }
            pos += 8 + (int)((length + 7) & ~7u);
        }
    }

    private readonly Dictionary<(byte Type, byte Bit), string> _featureNames = [];

    private void CheckFeatures(bool writable, Func<string, DiskImageException> bad)
    {
        ulong known = IncompatDirty | IncompatCorrupt | IncompatDataFile | IncompatCompression | IncompatExtendedL2;
        ulong unknown = IncompatibleFeatures & ~known;
        if (unknown != 0)
        {
            var names = new List<string>();
            for (int bit = 0; bit < 64; bit++)
            {
                if ((unknown & (1UL << bit)) != 0)
                {
                    names.Add(_featureNames.TryGetValue((0, (byte)bit), out var n) ? $"{n} (bit {bit})" : $"bit {bit}");
                }
            }

            throw bad($"image uses unsupported incompatible features: {string.Join(", ", names)}");
        }
        if ((IncompatibleFeatures & IncompatDataFile) != 0)
        {
            throw bad("image uses an external data file, which is not supported");
        }

        if ((IncompatibleFeatures & IncompatCompression) != 0)
        {
            throw bad("image uses a non-zlib compression type, which is not supported");
        }

        if ((IncompatibleFeatures & IncompatExtendedL2) != 0)
        {
            throw bad("image uses extended L2 entries (subclusters), which are not supported");
        }

        if (writable && (IncompatibleFeatures & IncompatCorrupt) != 0)
        {
            throw bad("image is marked corrupt; repair it with 'qemu-img check -r all' or open it read-only");
        }

        if (writable && (IncompatibleFeatures & IncompatDirty) != 0)
        {
            throw bad("image is marked dirty (lazy refcounts); repair it with 'qemu-img check -r all' or open it read-only");
        }
    }

    /// <summary>Places of the L1 table, refcount table and snapshot table: aligned, inside the file, apart.</summary>
    private void CheckLayout(ulong fileLength, Func<string, DiskImageException> bad)
    {
        ulong cs = ClusterSize;
        ulong l2Entries = cs / 8;
        // Entries the L1 table needs to map the whole virtual disk ("Cluster mapping").
        ulong clusters = (Size + cs - 1) >> ClusterBits;
        ulong needL1 = (clusters + l2Entries - 1) / l2Entries;
        if (Size > (1UL << 62) || needL1 > MaxL1Entries)
        {
            throw bad($"virtual size {Size} is too large");
        }

        if (L1Size < needL1)
        {
            throw bad($"L1 table has {L1Size} entries, fewer than the {needL1} the virtual size needs");
        }

        if (L1Size > MaxL1Entries)
        {
            throw bad($"L1 table has {L1Size} entries, more than the {MaxL1Entries} supported");
        }

        if (L1Size > 0)
        {
            CheckTable("L1 table", L1TableOffset, (ulong)L1Size * 8, fileLength, bad);
        }

        if (RefcountTableClusters == 0)
        {
            throw bad("refcount table is empty");
        }

        if ((ulong)RefcountTableClusters * cs > MaxRefcountTableBytes)
        {
            throw bad($"refcount table of {RefcountTableClusters} clusters is too large");
        }

        CheckTable("refcount table", RefcountTableOffset, (ulong)RefcountTableClusters * cs, fileLength, bad);

        if (L1Size > 0 && Overlaps(L1TableOffset, (ulong)L1Size * 8, RefcountTableOffset, (ulong)RefcountTableClusters * cs))
        {
            throw bad("L1 table overlaps the refcount table");
        }

        if (NbSnapshots > 0 && (SnapshotsOffset % cs != 0 || SnapshotsOffset == 0 || SnapshotsOffset >= fileLength))
        {
            throw bad("snapshot table lies outside the file or is misaligned");
        }
    }

    private void CheckTable(string name, ulong offset, ulong bytes, ulong fileLength, Func<string, DiskImageException> bad)
    {
        if (offset % ClusterSize != 0)
        {
            throw bad($"{name} offset 0x{offset:x} is not cluster aligned");
        }

        if (offset < ClusterSize)
        {
            throw bad($"{name} overlaps the header");
        }

        if (offset > fileLength || bytes > fileLength - offset)
        {
            throw bad($"{name} at 0x{offset:x} (+0x{bytes:x}) lies outside the file (0x{fileLength:x} bytes): truncated image?");
        }
    }

    private static bool Overlaps(ulong a, ulong alen, ulong b, ulong blen) => a < b + blen && b < a + alen;

    private static uint Be32(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt32BigEndian(s[at..]);

    private static ulong Be64(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt64BigEndian(s[at..]);
}
