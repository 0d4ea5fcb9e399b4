using SharpVirt.Devices.Virtio.Balloon;

namespace SharpVirt.Machine.Board;

/// <summary>
/// The documented host hook for the balloon target until the control API: `--balloon-control FILE`.
/// Write a guest RAM size the balloon should take away (e.g. `echo 512M > FILE`); the VMM reads it
/// twice a second and sets the balloon's target. `0` deflates it.
/// </summary>
public sealed class BalloonControlFile : IDisposable
{
    private readonly string path;
    private readonly VirtioBalloon balloon;
    private readonly Timer timer;
    private DateTime lastWrite;

    public BalloonControlFile(string path, VirtioBalloon balloon)
    {
        this.path = path;
        this.balloon = balloon;
        timer = new Timer(_ => Poll(), null, 0, 500);
    }

    private void Poll()
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.LastWriteTimeUtc == lastWrite)
                return;
            lastWrite = info.LastWriteTimeUtc;
            if (SizeText.TryParse(File.ReadAllText(path), out ulong bytes, out _, defaultShift: 0))
                balloon.SetTargetPages((uint)Math.Min(bytes / VirtioBalloon.PageSize, uint.MaxValue));
        }
        catch (IOException)
        {
            // Being rewritten: the next poll reads it.
        }
    }

    public void Dispose() => timer.Dispose();
}
