using System.Diagnostics;
using SharpVirt.Machine.Console;

namespace SharpVirt.Tests.Devices;

/// <summary>Guest console output (the UART's sink): buffered by line, and a partial line (a prompt, an echo) flushed soon after.</summary>
public sealed class ConsoleOutputTests
{
    /// <summary>A stream that records each write and when it came.</summary>
    private sealed class Recorder : MemoryStream
    {
        public readonly Stopwatch Clock = Stopwatch.StartNew();
        public TimeSpan? FirstWrite { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            var now = Clock.Elapsed;
            base.Write(buffer, offset, count);
            FirstWrite ??= now; // published after the bytes, which the test then reads from another thread
        }
    }

    [Fact]
    public void ALineIsWrittenAtItsNewlineAndNotBefore()
    {
        var sink = new Recorder();
        using var output = new ConsoleOutput(sink);
        output.Write("Linux version"u8);
        output.Write("\n"u8);
        Assert.Equal("Linux version\n", System.Text.Encoding.ASCII.GetString(sink.ToArray()));
    }

    [Fact]
    public void APromptWithoutNewlineAppearsWithinMilliseconds()
    {
        // The best of a few tries is robust to a loaded host; the flush timer used to wait 20 ms.
        TimeSpan best = TimeSpan.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var sink = new Recorder();
            using var output = new ConsoleOutput(sink);
            var start = sink.Clock.Elapsed;
            output.Write("# "u8);
            while (sink.FirstWrite == null && sink.Clock.Elapsed - start < TimeSpan.FromSeconds(10))
                Thread.Sleep(1);
            Assert.Equal("# ", System.Text.Encoding.ASCII.GetString(sink.ToArray()));
            best = TimeSpan.FromTicks(Math.Min(best.Ticks, (sink.FirstWrite!.Value - start).Ticks));
        }
        Assert.True(best < TimeSpan.FromMilliseconds(15), $"best {best.TotalMilliseconds:0.0} ms");
    }
}
