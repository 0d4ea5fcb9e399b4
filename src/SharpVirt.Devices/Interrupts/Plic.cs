using System.Numerics;
using SharpVirt.Devices.Bus;

namespace SharpVirt.Devices.Interrupts;

/// <summary>
/// The SiFive Platform-Level Interrupt Controller as QEMU's <c>virt</c> board
/// configures it: 95 level-triggered sources (ID 0 means "no interrupt"),
/// 7 priority levels and two contexts per hart (context 2h is hart h's M-mode,
/// context 2h+1 its S-mode). See the RISC-V PLIC Specification 1.0.0.
/// </summary>
/// <remarks>
/// All registers are 32 bits wide; other access widths read 0 and are ignored.
/// Device threads (<see cref="GetSource"/>) and vCPU threads (MMIO) may call in
/// concurrently; state is guarded by one lock. The context-line callback runs
/// under that lock, so it must be quick and must not call back into the PLIC.
/// </remarks>
public sealed class Plic : IMmioDevice
{
    /// <summary>Base address on QEMU's virt board.</summary>
    public const ulong DefaultBase = 0x0c00_0000;

    /// <summary>Size of the register window on QEMU's virt board.</summary>
    public const ulong Size = 0x60_0000;

    /// <summary>Value of the device tree's <c>riscv,ndev</c>: sources 1..95.</summary>
    public const int SourceCount = 95;

    /// <summary>Highest priority; priorities and thresholds are 3-bit fields.</summary>
    public const uint MaxPriority = 7;

    private const ulong PriorityBase = 0x0;
    private const ulong PendingBase = 0x1000;
    private const ulong EnableBase = 0x2000;
    private const ulong EnableStride = 0x80;
    private const ulong ContextBase = 0x20_0000;
    private const ulong ContextStride = 0x1000;

    // Bit words covering sources 0..95.
    private const int Words = (SourceCount + 1 + 31) / 32;

    /// <summary>32-bit words of the pending, claimed and enable bit arrays (sources 0..95).</summary>
    public const int BitWords = Words;

    /// <summary>The most contexts the register window holds.</summary>
    public const int MaxContexts = (int)((Size - ContextBase) / ContextStride);

    private readonly Lock _lock = new();
    private readonly Action<int, bool> _setContextLine;
    private readonly int _contexts;
    private readonly uint[] _priority = new uint[SourceCount + 1];
    private readonly uint[] _pending = new uint[Words];
    private readonly uint[] _claimed = new uint[Words];
    private readonly uint[] _level = new uint[Words];
    private readonly uint[] _enable;    // _contexts * Words
    private readonly uint[] _threshold; // per context
    private readonly bool[] _contextLine;
    private readonly Source[] _sources;

    /// <summary>Creates a PLIC for <paramref name="harts"/> harts (2 contexts each).</summary>
    /// <param name="harts">Number of harts.</param>
    /// <param name="setContextLine">
    /// Called with (context, level) when a context's external interrupt output
    /// (MEIP for even contexts, SEIP for odd ones) changes.
    /// </param>
    public Plic(int harts, Action<int, bool> setContextLine)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(harts, 1);
        // The window holds (Size - ContextBase) / ContextStride contexts.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(harts, (int)((Size - ContextBase) / ContextStride / 2));
        ArgumentNullException.ThrowIfNull(setContextLine);
        _setContextLine = setContextLine;
        _contexts = harts * 2;
        _enable = new uint[_contexts * Words];
        _threshold = new uint[_contexts];
        _contextLine = new bool[_contexts];
        _sources = new Source[SourceCount + 1];
        for (int i = 1; i <= SourceCount; i++)
        {
            _sources[i] = new Source(this, i);
        }
    }

    /// <summary>Number of contexts (2 per hart).</summary>
    public int ContextCount => _contexts;

    /// <summary>The M-mode context of a hart.</summary>
    public static int MachineContext(int hart) => 2 * hart;

    /// <summary>The S-mode context of a hart.</summary>
    public static int SupervisorContext(int hart) => (2 * hart) + 1;

    /// <summary>The level-triggered input wire of interrupt source 1..95.</summary>
    public IIrqLine GetSource(int source)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(source, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(source, SourceCount);
        return _sources[source];
    }

    /// <inheritdoc />
    public ulong Read(ulong offset, int size)
    {
        if (size != 4 || (offset & 3) != 0)
        {
            return 0;
        }
        lock (_lock)
        {
            if (offset < PendingBase)
            {
                ulong src = (offset - PriorityBase) / 4;
                return src <= SourceCount ? _priority[src] : 0;
            }
            if (offset < EnableBase)
            {
                ulong word = (offset - PendingBase) / 4;
                return word < Words ? _pending[word] : 0;
            }
            if (offset < ContextBase)
            {
                ulong ctx = (offset - EnableBase) / EnableStride;
                ulong word = (offset - EnableBase) % EnableStride / 4;
                return ctx < (ulong)_contexts && word < Words ? _enable[((int)ctx * Words) + (int)word] : 0;
            }
            {
                ulong ctx = (offset - ContextBase) / ContextStride;
                ulong reg = (offset - ContextBase) % ContextStride;
                if (ctx >= (ulong)_contexts)
                {
                    return 0;
                }
                return reg switch
                {
                    0 => _threshold[ctx],
                    4 => Claim((int)ctx),
                    _ => 0,
                };
            }
        }
    }

    /// <inheritdoc />
    public void Write(ulong offset, int size, ulong value)
    {
        if (size != 4 || (offset & 3) != 0)
        {
            return;
        }
        uint v = (uint)value;
        lock (_lock)
        {
            if (offset < PendingBase)
            {
                // Source 0 does not exist: its priority is hardwired to 0.
                ulong src = (offset - PriorityBase) / 4;
                if (src is >= 1 and <= SourceCount)
                {
                    _priority[src] = v & MaxPriority;
                    UpdateAll();
                }
                return;
            }
            if (offset < EnableBase)
            {
                // Pending bits are read-only (they follow the gateways).
                return;
            }
            if (offset < ContextBase)
            {
                ulong ctx = (offset - EnableBase) / EnableStride;
                ulong word = (offset - EnableBase) % EnableStride / 4;
                if (ctx < (ulong)_contexts && word < Words)
                {
                    _enable[((int)ctx * Words) + (int)word] = v & ValidMask((int)word);
                    Update((int)ctx);
                }
                return;
            }
            {
                ulong ctx = (offset - ContextBase) / ContextStride;
                ulong reg = (offset - ContextBase) % ContextStride;
                if (ctx >= (ulong)_contexts)
                {
                    return;
                }
                if (reg == 0)
                {
                    _threshold[ctx] = v & MaxPriority;
                    Update((int)ctx);
                }
                else if (reg == 4)
                {
                    Complete((int)ctx, v);
                }
            }
        }
    }

    // Bit 0 (source 0) and bits past the last source are hardwired to 0.
    private static uint ValidMask(int word)
    {
        uint mask = uint.MaxValue;
        if (word == 0)
        {
            mask &= ~1u;
        }
        int top = (SourceCount + 1) - (word * 32);
        if (top < 32)
        {
            mask &= (1u << top) - 1;
        }
        return mask;
    }

    private void SetSourceLevel(int source, bool high)
    {
        int word = source >> 5;
        uint bit = 1u << (source & 31);
        lock (_lock)
        {
            if (((_level[word] & bit) != 0) == high)
            {
                return;
            }
            if (high)
            {
                _level[word] |= bit;
                // Level gateway: a request is forwarded unless one is in flight
                // (claimed but not yet completed). PLIC spec, "Interrupt Gateways".
                if ((_claimed[word] & bit) == 0)
                {
                    _pending[word] |= bit;
                }
            }
            else
            {
                _level[word] &= ~bit;
                // As in QEMU, a request withdrawn before it is claimed stops being
                // pending, which spares the guest a spurious claim.
                _pending[word] &= ~bit;
            }
            UpdateAll();
        }
    }

    // Highest-priority pending, enabled source above the threshold; ties go to
    // the lowest ID. PLIC spec, "Interrupt Claim Process".
    private int Best(int ctx)
    {
        uint best = _threshold[ctx];
        int bestSource = 0;
        int e = ctx * Words;
        for (int w = 0; w < Words; w++)
        {
            uint bits = _pending[w] & _enable[e + w];
            while (bits != 0)
            {
                int source = (w * 32) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                uint p = _priority[source];
                if (p > best)
                {
                    best = p;
                    bestSource = source;
                }
            }
        }
        return bestSource;
    }

    private uint Claim(int ctx)
    {
        int source = Best(ctx);
        if (source != 0)
        {
            int word = source >> 5;
            uint bit = 1u << (source & 31);
            _pending[word] &= ~bit;
            _claimed[word] |= bit;
            UpdateAll();
        }
        return (uint)source;
    }

    private void Complete(int ctx, uint source)
    {
        if (source is 0 or > SourceCount)
        {
            return;
        }
        int word = (int)(source >> 5);
        uint bit = 1u << (int)(source & 31);
        // "If the completion ID does not match an interrupt source that is
        // currently enabled for the target, the completion is silently ignored."
        if ((_enable[(ctx * Words) + word] & bit) == 0 || (_claimed[word] & bit) == 0)
        {
            return;
        }
        _claimed[word] &= ~bit;
        if ((_level[word] & bit) != 0)
        {
            _pending[word] |= bit;
            UpdateAll();
        }
    }

    private void UpdateAll()
    {
        for (int ctx = 0; ctx < _contexts; ctx++)
        {
            Update(ctx);
        }
    }

    private void Update(int ctx)
    {
        bool level = Best(ctx) != 0;
        if (_contextLine[ctx] != level)
        {
            _contextLine[ctx] = level;
            _setContextLine(ctx, level);
        }
    }

    /// <summary>Captures the registers and gateway state (snapshot).</summary>
    public PlicState SaveState()
    {
        lock (_lock)
        {
            return new PlicState((uint[])_priority.Clone(), (uint[])_pending.Clone(), (uint[])_claimed.Clone(), (uint[])_level.Clone(),
                (uint[])_enable.Clone(), (uint[])_threshold.Clone());
        }
    }

    /// <summary>
    /// Loads a snapshot's state, then drives every context's output line to match it (whatever it was before).
    /// Sources are expected to re-assert their levels afterwards; a level that agrees changes nothing.
    /// </summary>
    public void RestoreState(PlicState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Threshold.Length != _contexts || state.Enable.Length != _enable.Length)
        {
            throw new ArgumentException($"the PLIC state has {state.Threshold.Length} contexts, this PLIC {_contexts}");
        }
        lock (_lock)
        {
            for (int i = 0; i < _priority.Length; i++)
            {
                _priority[i] = i == 0 ? 0 : state.Priority[i] & MaxPriority;
            }
            for (int w = 0; w < Words; w++)
            {
                _pending[w] = state.Pending[w] & ValidMask(w);
                _claimed[w] = state.Claimed[w] & ValidMask(w);
                _level[w] = state.Level[w] & ValidMask(w);
            }
            for (int i = 0; i < _enable.Length; i++)
            {
                _enable[i] = state.Enable[i] & ValidMask(i % Words);
            }
            for (int ctx = 0; ctx < _contexts; ctx++)
            {
                _threshold[ctx] = state.Threshold[ctx] & MaxPriority;
                _contextLine[ctx] = Best(ctx) != 0;
                _setContextLine(ctx, _contextLine[ctx]);
            }
        }
    }

    private sealed class Source(Plic plic, int id) : IIrqLine
    {
        public void SetLevel(bool high) => plic.SetSourceLevel(id, high);
    }
}
