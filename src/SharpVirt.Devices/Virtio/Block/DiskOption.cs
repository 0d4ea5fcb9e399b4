using System.Text;
using SharpVirt.Devices.Storage;

namespace SharpVirt.Devices.Virtio.Block;

/// <summary>
/// The value of the <c>--disk</c> option: <c>PATH[,format=raw|qcow2][,readonly=on|off][,serial=TEXT]</c>.
/// As in QEMU, a comma inside the path is written twice (<c>a,,b.img</c> is the file <c>a,b.img</c>).
/// Without <c>format=</c> the format is probed (qcow2 magic, else raw).
/// </summary>
public sealed record DiskOption(string Path, DiskImageFormat Format = DiskImageFormat.Auto, bool ReadOnly = false, string? Serial = null)
{
    /// <summary>Parses an option value; throws <see cref="FormatException"/> with a one-line reason.</summary>
    public static DiskOption Parse(string value)
    {
        if (!TryParse(value, out DiskOption? option, out string? error))
        {
            throw new FormatException(error);
        }
        return option;
    }

    /// <summary>Parses an option value, or explains in <paramref name="error"/> why it can't.</summary>
    public static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DiskOption? option, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        option = null;
        error = null;
        if (string.IsNullOrEmpty(value))
        {
            error = "--disk: expected PATH[,format=raw|qcow2][,readonly=on|off]";
            return false;
        }
        List<string> parts = Split(value);
        string path = parts[0];
        if (path.Length == 0)
        {
            error = $"--disk '{value}': the image path is empty";
            return false;
        }
        var format = DiskImageFormat.Auto;
        bool readOnly = false;
        string? serial = null;
        var seen = new HashSet<string>();
        foreach (string part in parts.Skip(1))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? part : part[..eq];
            string val = eq < 0 ? "" : part[(eq + 1)..];
            if (eq < 0 || key.Length == 0)
            {
                error = $"--disk '{value}': '{part}' is not KEY=VALUE (format=, readonly=, serial=)";
                return false;
            }
            if (!seen.Add(key))
            {
                error = $"--disk '{value}': {key}= is given twice";
                return false;
            }
            switch (key)
            {
                case "format":
                    switch (val)
                    {
                        case "raw":
                            format = DiskImageFormat.Raw;
                            break;
                        case "qcow2":
                            format = DiskImageFormat.Qcow2;
                            break;
                        default:
                            error = $"--disk '{value}': format must be raw or qcow2, not '{val}'";
                            return false;
                    }
                    break;
                case "readonly":
                    switch (val)
                    {
                        case "on" or "true" or "yes":
                            readOnly = true;
                            break;
                        case "off" or "false" or "no":
                            readOnly = false;
                            break;
                        default:
                            error = $"--disk '{value}': readonly must be on or off, not '{val}'";
                            return false;
                    }
                    break;
                case "serial":
                    if (val.Length > VirtioBlockRequest.IdLength || val.Any(c => c < 0x20 || c > 0x7e))
                    {
                        error = $"--disk '{value}': serial must be at most {VirtioBlockRequest.IdLength} printable ASCII characters";
                        return false;
                    }
                    serial = val;
                    break;
                default:
                    error = $"--disk '{value}': unknown option '{key}' (expected format=, readonly= or serial=)";
                    return false;
            }
        }
        option = new DiskOption(path, format, readOnly, serial);
        return true;
    }

    /// <summary>Opens the image (throws <see cref="DiskImageException"/> with a one-line reason).</summary>
    public IDiskImage Open() => DiskImage.Open(Path, Format, ReadOnly);

    /// <summary>Opens the image and wraps it in a virtio block device that owns it.</summary>
    public VirtioBlock CreateDevice(Action<string>? log = null) => new(Open(), Serial, log);

    /// <summary>Splits at single commas; a doubled comma is a literal one.</summary>
    private static List<string> Split(string value)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != ',')
            {
                current.Append(value[i]);
            }
            else if (i + 1 < value.Length && value[i + 1] == ',')
            {
                current.Append(',');
                i++;
            }
            else
            {
                parts.Add(current.ToString());
                current.Clear();
            }
        }
        parts.Add(current.ToString());
        return parts;
    }
}
