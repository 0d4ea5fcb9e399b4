using System.Diagnostics;
using System.Text;
using SharpVirt.Machine.Guest;

namespace SharpVirt.Tests.Guest;

public class CpioWriterTests
{
    private static byte[] Sample()
    {
        var ms = new MemoryStream();
        using (var w = new CpioWriter(ms, leaveOpen: true))
        {
            w.AddFile("/bin/busybox", [1, 2, 3, 4, 5], 0b111_101_101);
            w.AddSymlink("bin/sh", "busybox");
            w.AddCharDevice("dev/console", 5, 1);
            w.AddBlockDevice("dev/vda", 254, 0);
            w.AddDirectory("./tmp", 0b111_111_111);
            w.AddTextFile("init", "#!/bin/sh\n");
        }
        return ms.ToArray();
    }

    [Fact]
    public void RoundTripsEntriesWithParentsFirst()
    {
        var entries = CpioTestReader.Read(Sample());
        Assert.Equal(["bin", "bin/busybox", "bin/sh", "dev", "dev/console", "dev/vda", "tmp", "init"], entries.Select(e => e.Name));

        var bin = entries[0];
        Assert.Equal(0x4000u, bin.Type);
        Assert.Equal(0x1EDu, bin.Permissions); // 0755
        Assert.Equal(2u, bin.NLink);

        var busybox = entries[1];
        Assert.Equal(0x8000u, busybox.Type);
        Assert.Equal(0x1EDu, busybox.Permissions);
        Assert.Equal([1, 2, 3, 4, 5], busybox.Data);

        Assert.Equal(0xA000u, entries[2].Type);
        Assert.Equal("busybox", entries[2].Text);

        Assert.Equal((0x2000u, 5u, 1u, 0x180u), (entries[4].Type, entries[4].RdevMajor, entries[4].RdevMinor, entries[4].Permissions));
        Assert.Equal((0x6000u, 254u, 0u), (entries[5].Type, entries[5].RdevMajor, entries[5].RdevMinor));
        Assert.Equal(0x1FFu, entries[6].Permissions);
        Assert.Equal("#!/bin/sh\n", entries[7].Text);
        Assert.Equal(entries.Count, entries.Select(e => e.Inode).Distinct().Count());
    }

    [Theory]
    [InlineData("a", 0)]
    [InlineData("ab", 1)]
    [InlineData("abc", 2)]
    [InlineData("abcd", 3)]
    public void PadsNameAndDataToFourBytes(string name, int dataLength)
    {
        var ms = new MemoryStream();
        using (var w = new CpioWriter(ms, leaveOpen: true))
            w.AddFile(name, new byte[dataLength]);
        byte[] archive = ms.ToArray();
        int dataStart = (110 + name.Length + 1 + 3) & ~3;
        int next = (dataStart + dataLength + 3) & ~3;
        Assert.Equal("070701", Encoding.ASCII.GetString(archive, next, 6));
        Assert.Equal(0, archive.Length % 512);
        Assert.Single(CpioTestReader.Read(archive));
    }

    [Fact]
    public void RejectsDuplicatesAndEscapingPaths()
    {
        using var w = new CpioWriter(new MemoryStream());
        w.AddFile("a", []);
        Assert.Throws<InvalidOperationException>(() => w.AddFile("a", []));
        Assert.Throws<ArgumentException>(() => w.AddFile("../etc/passwd", []));
        Assert.Throws<ArgumentException>(() => w.AddFile("/", []));
    }

    [Fact]
    public void GzipOutputDecompressesToTheSameArchive()
    {
        var ms = new MemoryStream();
        using (var w = CpioWriter.CreateGzip(ms, leaveOpen: true))
            w.AddTextFile("hello", "world");
        byte[] gz = ms.ToArray();
        Assert.Equal((byte)0x1F, gz[0]);
        Assert.Equal((byte)0x8B, gz[1]);
        Assert.Equal("world", Assert.Single(CpioTestReader.ReadGzip(gz)).Text);
    }

    [Fact]
    public async Task HostCpioListsTheArchive()
    {
        if (!File.Exists("/usr/bin/cpio") && !File.Exists("/bin/cpio"))
            return; // cpio(1) not installed
        var psi = new ProcessStartInfo("cpio", ["-t", "-v", "--quiet"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["TZ"] = "UTC"; // mtime 0 lists as 1970
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardInput.BaseStream.WriteAsync(Sample());
        p.StandardInput.Close();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, await stderr);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["bin", "bin/busybox", "bin/sh -> busybox", "dev", "dev/console", "dev/vda", "tmp", "init"],
            lines.Select(l => l[(l.IndexOf(" 1970 ", StringComparison.Ordinal) + 6)..]));
        Assert.StartsWith("crw-------", lines[4]);
        Assert.Contains("5,", lines[4]);
        Assert.StartsWith("-rwxr-xr-x", lines[1]);
        Assert.StartsWith("lrwxrwxrwx", lines[2]);
    }
}
