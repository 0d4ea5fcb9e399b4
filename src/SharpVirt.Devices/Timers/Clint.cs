using SharpVirt.Devices.Bus;

namespace SharpVirt.Devices.Timers;

/// <summary>
/// The SiFive CLINT, i.e. an ACLINT MSWI device followed by an MTIMER device
/// in one window, as on QEMU's <c>virt</c> board (RISC-V ACLINT spec 1.0):
/// <c>msip</c> at 4*hart, <c>mtimecmp</c> at 0x4000 + 8*hart, <c>mtime</c> at 0xbff8.
/// </summary>
/// <remarks>
/// The device holds no timer of its own: it reads the time from a callback and
/// hands each new <c>mtimecmp</c> to the CPU side, which derives MTIP from it.
/// 64-bit registers accept 4-byte accesses to either half and aligned 8-byte
/// accesses. <c>mtime</c> is read-only here: writes are ignored.
/// </remarks>
public sealed class Clint : IMmioDevice
{
    /// <summary>Base address on QEMU's virt board.</summary>
    public const ulong DefaultBase = 0x0200_0000;

    /// <summary>Size of the register window.</summary>
    public const ulong Size = 0x1_0000;

    /// <summary>Timebase frequency of QEMU's virt board (device tree <c>timebase-frequency</c>).</summary>
    public const ulong TimebaseFrequency = 10_000_000;

    private const ulong MsipBase = 0x0;
    private const ulong MtimecmpBase = 0x4000;
    private const ulong MtimeOffset = 0xbff8;

    /// <summary>The ACLINT allows at most 4095 harts per MSWI/MTIMER device.</summary>
    public const int MaxHarts = 4095;

    private readonly Lock _lock = new();
    private readonly int _harts;
    private readonly Func<ulong> _readTime;
    private readonly Action<int, bool> _setMsip;
    private readonly Action<int, ulong> _setMtimecmp;
    private readonly bool[] _msip;
    private readonly ulong[] _mtimecmp;

    /// <summary>Creates a CLINT for <paramref name="harts"/> harts.</summary>
    /// <param name="harts">Number of harts.</param>
    /// <param name="readTime">Returns the current <c>mtime</c> in timebase ticks.</param>
    /// <param name="setMsip">Called with (hart, level) on every write to a hart's <c>msip</c>.</param>
    /// <param name="setMtimecmp">Called with (hart, value) on every write to a hart's <c>mtimecmp</c>.</param>
    public Clint(int harts, Func<ulong> readTime, Action<int, bool> setMsip, Action<int, ulong> setMtimecmp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(harts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(harts, MaxHarts);
        ArgumentNullException.ThrowIfNull(readTime);
        ArgumentNullException.ThrowIfNull(setMsip);
        ArgumentNullException.ThrowIfNull(setMtimecmp);
        _harts = harts;
        _readTime = readTime;
        _setMsip = setMsip;
        _setMtimecmp = setMtimecmp;
        _msip = new bool[harts];
        _mtimecmp = new ulong[harts];
        // mtimecmp has no architectural reset value; like QEMU, start at the
        // maximum so that no timer interrupt is pending until software arms one.
        _mtimecmp.AsSpan().Fill(ulong.MaxValue);
    }

    /// <summary>The current <c>mtimecmp</c> of a hart.</summary>
    public ulong GetMtimecmp(int hart)
    {
        lock (_lock)
        {
            return _mtimecmp[hart];
        }
    }

    /// <summary>Captures every hart's msip and mtimecmp (snapshot).</summary>
    public ClintState SaveState()
    {
        lock (_lock)
        {
            return new ClintState((bool[])_msip.Clone(), (ulong[])_mtimecmp.Clone());
        }
    }

    /// <summary>Loads a snapshot's registers and hands each hart its msip level and mtimecmp, as writes would.</summary>
    public void RestoreState(ClintState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Msip.Length != _harts || state.Mtimecmp.Length != _harts)
        {
            throw new ArgumentException($"the CLINT state is for {state.Msip.Length} harts, this CLINT has {_harts}");
        }
        lock (_lock)
        {
            for (int h = 0; h < _harts; h++)
            {
                _msip[h] = state.Msip[h];
                _mtimecmp[h] = state.Mtimecmp[h];
                _setMsip(h, _msip[h]);
                _setMtimecmp(h, _mtimecmp[h]);
            }
        }
    }

    /// <inheritdoc />
    public ulong Read(ulong offset, int size)
    {
        if (size is not (4 or 8) || (offset & (ulong)(size - 1)) != 0)
        {
            return 0;
        }
        if (offset < MtimecmpBase)
        {
            ulong hart = (offset - MsipBase) / 4;
            if (size != 4 || hart >= (ulong)_harts)
            {
                return 0;
            }
            lock (_lock)
            {
                return _msip[hart] ? 1ul : 0ul;
            }
        }
        if (offset >= MtimeOffset)
        {
            return Slice(_readTime(), offset - MtimeOffset, size);
        }
        {
            ulong hart = (offset - MtimecmpBase) / 8;
            if (hart >= (ulong)_harts)
            {
                return 0;
            }
            lock (_lock)
            {
                return Slice(_mtimecmp[hart], (offset - MtimecmpBase) % 8, size);
            }
        }
    }

    /// <inheritdoc />
    public void Write(ulong offset, int size, ulong value)
    {
        if (size is not (4 or 8) || (offset & (ulong)(size - 1)) != 0)
        {
            return;
        }
        if (offset < MtimecmpBase)
        {
            ulong hart = (offset - MsipBase) / 4;
            if (size != 4 || hart >= (ulong)_harts)
            {
                return;
            }
            // Only bit 0 is writable; the upper bits are hardwired to zero.
            bool level = (value & 1) != 0;
            lock (_lock)
            {
                _msip[hart] = level;
                _setMsip((int)hart, level);
            }
            return;
        }
        if (offset >= MtimeOffset)
        {
            return; // mtime is read-only in this model.
        }
        {
            ulong hart = (offset - MtimecmpBase) / 8;
            if (hart >= (ulong)_harts)
            {
                return;
            }
            ulong half = (offset - MtimecmpBase) % 8;
            lock (_lock)
            {
                ulong cmp = _mtimecmp[hart];
                cmp = size == 8 ? value
                    : half == 0 ? (cmp & 0xFFFF_FFFF_0000_0000) | (uint)value
                    : (cmp & 0x0000_0000_FFFF_FFFF) | ((ulong)(uint)value << 32);
                _mtimecmp[hart] = cmp;
                _setMtimecmp((int)hart, cmp);
            }
        }
    }

    private static ulong Slice(ulong register, ulong byteOffset, int size) =>
        size == 8 ? register : (uint)(register >> (int)(byteOffset * 8));
}
