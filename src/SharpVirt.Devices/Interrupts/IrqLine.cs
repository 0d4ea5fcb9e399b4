namespace SharpVirt.Devices.Interrupts;

/// <summary>
/// An <see cref="IIrqLine"/> that remembers its level and reports changes
/// to a callback. Useful to wire a device to something other than the PLIC,
/// and in tests.
/// </summary>
public sealed class IrqLine : IIrqLine
{
    /// <summary>A line connected to nothing.</summary>
    public static readonly IIrqLine None = new NoneLine();

    private readonly Action<bool>? _changed;
    private int _level;

    /// <summary>Creates a line; <paramref name="changed"/> runs when the level changes.</summary>
    public IrqLine(Action<bool>? changed = null) => _changed = changed;

    /// <summary>The current level.</summary>
    public bool Level => Volatile.Read(ref _level) != 0;

    /// <inheritdoc />
    public void SetLevel(bool high)
    {
        int value = high ? 1 : 0;
        if (Interlocked.Exchange(ref _level, value) != value)
        {
            _changed?.Invoke(high);
        }
    }

    private sealed class NoneLine : IIrqLine
    {
        public void SetLevel(bool high)
        {
        }
    }
}
