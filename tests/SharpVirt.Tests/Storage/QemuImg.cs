using System.ComponentModel;
using System.Diagnostics;

namespace SharpVirt.Tests.Storage;

/// <summary>
/// Runs qemu-img and qemu-io (package qemu-utils), the reference for the image formats. A missing tool fails
/// the test: CI installs qemu-utils.
/// </summary>
internal static class QemuImg
{
    public static (int Exit, string Out, string Err) Try(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is not installed (install qemu-utils): {e.Message}", e);
        }
        using (p)
        {
            Task<string> err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output, err.Result);
        }
    }

    /// <summary>Runs qemu-img and requires success.</summary>
    public static string Run(params string[] args)
    {
        var (exit, output, err) = Try("qemu-img", args);
        Assert.True(exit == 0, $"qemu-img {string.Join(' ', args)} exited {exit}: {err}{output}");
        return output;
    }

    /// <summary>Runs one qemu-io command on an image and requires success.</summary>
    public static void Io(string path, string format, string command)
    {
        var (exit, output, err) = Try("qemu-io", "-f", format, "-c", command, path);
        Assert.True(exit == 0 && !output.Contains("error", StringComparison.OrdinalIgnoreCase), $"qemu-io '{command}' exited {exit}: {err}{output}");
    }

    public static void Create(string path, ulong size, params string[] options)
    {
        var args = new List<string> { "create", "-q", "-f", "qcow2" };
        if (options.Length > 0)
        {
            args.Add("-o");
            args.Add(string.Join(',', options));
        }
        args.Add(path);
        args.Add(size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Run([.. args]);
    }

    /// <summary>qemu-img check must find no errors and no leaks.</summary>
    public static void CheckClean(string path)
    {
        var (exit, output, err) = Try("qemu-img", "check", "-U", path);
        Assert.True(exit == 0 && output.Contains("No errors were found", StringComparison.Ordinal), $"qemu-img check {path} exited {exit}: {output}{err}");
    }

    /// <summary>qemu-img check may find leaked clusters (exit 3) but no corruption.</summary>
    public static void CheckNoErrors(string path)
    {
        var (exit, output, err) = Try("qemu-img", "check", "-U", path);
        Assert.True(exit is 0 or 3, $"qemu-img check {path} exited {exit}: {output}{err}");
    }

    /// <summary>The guest-visible contents of an image, as qemu-img convert -O raw produces them.</summary>
    public static byte[] ToRaw(string path, string dir)
    {
        string raw = System.IO.Path.Combine(dir, $"convert-{Guid.NewGuid():N}.raw");
        Run("convert", "-U", "-O", "raw", path, raw);
        byte[] data = File.ReadAllBytes(raw);
        File.Delete(raw);
        return data;
    }
}
