namespace SharpVirt.Devices.Virtio;

/// <summary>
/// A device's I/O thread: vCPU threads <see cref="Kick"/> it (a non-blocking bit set plus a wake-up) and it
/// runs the device's work callback with the bits that were set, so guest I/O never runs on a vCPU thread.
/// </summary>
/// <remarks>
/// Bits are the device's choice (typically one per queue, plus host-side events). The callback runs on one
/// thread at a time. An exception from the callback goes to the error callback (the device usually calls
/// <see cref="VirtioDeviceContext.SetNeedsReset"/>) instead of killing the process.
/// </remarks>
public sealed class VirtioWorker : IDisposable
{
    private readonly string _name;
    private readonly Action<ulong> _work;
    private readonly Action<Exception>? _error;
    private readonly Lock _startStop = new();
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private Thread? _thread;
    private ulong _pending;
    private volatile bool _stop;
    private volatile bool _busy;
    private int _faults;

    // Hold (snapshot): the callback does not run while held; kicks stay pending until Release.
    private readonly object _holdGate = new();
    private bool _held;
    private bool _inCallback;

    /// <summary>Creates a stopped worker.</summary>
    /// <param name="name">The thread name (15 characters at most show in <c>ps -T</c>), e.g. "virtio-rng".</param>
    /// <param name="work">Called on the worker thread with the kicked bits (never zero).</param>
    /// <param name="error">Called on the worker thread when <paramref name="work"/> throws.</param>
    public VirtioWorker(string name, Action<ulong> work, Action<Exception>? error = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(work);
        _name = name;
        _work = work;
        _error = error;
    }

    /// <summary>True between <see cref="Start"/> and <see cref="Stop"/>.</summary>
    public bool IsRunning => Volatile.Read(ref _thread) != null;

    /// <summary>Exceptions the work callback has thrown (each one a device bug; the guest cannot cause them).</summary>
    public int Faults => Volatile.Read(ref _faults);

    /// <summary>True when no kick is pending and the callback is not running (for tests).</summary>
    internal bool IsIdle => !_busy && Interlocked.Read(ref _pending) == 0;

    /// <summary>True when called on the worker thread itself.</summary>
    public bool IsCurrentThread => Volatile.Read(ref _thread) == Thread.CurrentThread;

    /// <summary>Starts the thread (after <see cref="Stop"/> too). Does nothing when already running.</summary>
    public void Start()
    {
        lock (_startStop)
        {
            if (_thread != null)
            {
                return;
            }
            _stop = false;
            var t = new Thread(Run) { Name = _name, IsBackground = true };
            Volatile.Write(ref _thread, t);
            t.Start();
        }
    }

    /// <summary>Sets <paramref name="bit"/> (0 to 63) and wakes the thread. Never blocks; harmless when stopped.</summary>
    public void Kick(int bit)
    {
        Interlocked.Or(ref _pending, 1UL << bit);
        _wake.Set();
    }

    /// <summary>
    /// Lets the current callback finish, then keeps the worker from running it again (kicks stay pending) until
    /// <see cref="Release"/>: the device is quiescent, with no request half done, so its queues can be saved.
    /// Works whether the thread runs or not (a thread started while held waits). Not from the worker thread.
    /// </summary>
    public void Hold()
    {
        lock (_holdGate)
        {
            _held = true;
            while (_inCallback)
            {
                Monitor.Wait(_holdGate);
            }
        }
    }

    /// <summary>Undoes <see cref="Hold"/>: pending kicks run.</summary>
    public void Release()
    {
        lock (_holdGate)
        {
            _held = false;
            Monitor.PulseAll(_holdGate);
        }
        _wake.Set();
    }

    /// <summary>True between <see cref="Hold"/> and <see cref="Release"/>.</summary>
    public bool IsHeld
    {
        get
        {
            lock (_holdGate)
            {
                return _held;
            }
        }
    }

    /// <summary>
    /// Stops the thread and waits for the current callback to return, dropping pending bits. Must not be called
    /// from the worker thread itself (it then only asks the loop to end).
    /// </summary>
    public void Stop()
    {
        Thread? t;
        lock (_startStop)
        {
            t = _thread;
            if (t == null)
            {
                return;
            }
            _stop = true;
            _wake.Set();
            lock (_holdGate)
            {
                Monitor.PulseAll(_holdGate);
            }
            if (t == Thread.CurrentThread)
            {
                return;
            }
            t.Join();
            Volatile.Write(ref _thread, null);
            Interlocked.Exchange(ref _pending, 0);
        }
    }

    /// <summary>Stops the thread.</summary>
    public void Dispose()
    {
        Stop();
        _wake.Dispose();
    }

    private void Run()
    {
        while (!_stop)
        {
            _wake.Wait();
            _wake.Reset();
            if (_stop)
            {
                break;
            }
            lock (_holdGate)
            {
                while (_held && !_stop)
                {
                    Monitor.Wait(_holdGate);
                }
                if (_stop)
                {
                    break;
                }
                _inCallback = true;
            }
            _busy = true;
            ulong bits = Interlocked.Exchange(ref _pending, 0);
            try
            {
                if (bits != 0)
                {
                    _work(bits);
                }
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _faults);
                _error?.Invoke(e);
            }
            finally
            {
                _busy = false;
                lock (_holdGate)
                {
                    _inCallback = false;
                    Monitor.PulseAll(_holdGate);
                }
            }
        }
    }
}
