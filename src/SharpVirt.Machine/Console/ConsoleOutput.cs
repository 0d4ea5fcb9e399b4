namespace SharpVirt.Machine.Console;

/// <summary>
/// Guest console output to a host stream: buffered, flushed at each newline, when the buffer fills,
/// and by a one-shot timer, armed only while bytes wait, so a prompt without a newline still appears
/// and an idle guest costs no host wake-ups.
/// </summary>
public sealed class ConsoleOutput : IDisposable
{
    private readonly Stream stream;
    private readonly byte[] buffer = new byte[4096];
    private readonly Timer timer;
    private readonly object gate = new();
    private int count;
    private bool armed;
    private const int FlushDelayMs = 2; // a prompt or a typed character's echo shows within a couple of milliseconds

    public ConsoleOutput(Stream stream)
    {
        this.stream = stream;
        timer = new Timer(_ => Flush(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Optional copy of everything written (for tests and logs).</summary>
    public Action<ReadOnlySpan<byte>>? Tap { get; set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        lock (gate)
        {
            Tap?.Invoke(bytes);
            foreach (byte b in bytes)
            {
                buffer[count++] = b;
                if (count == buffer.Length || b == (byte)'\n')
                    FlushLocked();
            }
            if (count > 0 && !armed)
            {
                armed = true;
                timer.Change(FlushDelayMs, Timeout.Infinite);
            }
        }
    }

    public void Write(byte b) => Write([b]);

    public void Flush()
    {
        lock (gate)
            FlushLocked();
    }

    private void FlushLocked()
    {
        armed = false;
        if (count == 0)
            return;
        try
        {
            stream.Write(buffer, 0, count);
            stream.Flush();
        }
        catch (IOException)
        {
            // The reader went away (closed pipe): the guest keeps running, its output is dropped.
        }
        count = 0;
    }

    public void Dispose()
    {
        timer.Dispose();
        Flush();
    }
}
