using SharpVirt.Devices.Storage;
using SharpVirt.Devices.Virtio.Block;
using SharpVirt.Tests.Storage;

namespace SharpVirt.Tests.Virtio;

/// <summary>The <c>--disk PATH[,format=raw|qcow2][,readonly=on|off][,serial=TEXT]</c> value.</summary>
public class BlockDiskOptionTests
{
    [Theory]
    [InlineData("disk.img", "disk.img", DiskImageFormat.Auto, false, null)]
    [InlineData("/a/b.qcow2,format=qcow2", "/a/b.qcow2", DiskImageFormat.Qcow2, false, null)]
    [InlineData("b.raw,readonly=on,format=raw", "b.raw", DiskImageFormat.Raw, true, null)]
    [InlineData("b.raw,readonly=off", "b.raw", DiskImageFormat.Auto, false, null)]
    [InlineData("x,,y.img,serial=ABC-1", "x,y.img", DiskImageFormat.Auto, false, "ABC-1")]
    [InlineData("odd name.img,readonly=true", "odd name.img", DiskImageFormat.Auto, true, null)]
    public void Parses(string value, string path, DiskImageFormat format, bool readOnly, string? serial)
    {
        var o = DiskOption.Parse(value);
        Assert.Equal(new DiskOption(path, format, readOnly, serial), o);
    }

    [Theory]
    [InlineData("", "expected PATH")]
    [InlineData(",format=raw", "path is empty")]
    [InlineData("a.img,format=vmdk", "format must be raw or qcow2, not 'vmdk'")]
    [InlineData("a.img,readonly=maybe", "readonly must be on or off, not 'maybe'")]
    [InlineData("a.img,cache=none", "unknown option 'cache'")]
    [InlineData("a.img,readonly", "'readonly' is not KEY=VALUE")]
    [InlineData("a.img,format=raw,format=qcow2", "format= is given twice")]
    [InlineData("a.img,serial=123456789012345678901", "serial must be at most 20")]
    [InlineData("a.img,", "'' is not KEY=VALUE")]
    public void RefusesWithAReason(string value, string reason)
    {
        var e = Assert.Throws<FormatException>(() => DiskOption.Parse(value));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("--disk", e.Message, StringComparison.Ordinal);
        Assert.False(DiskOption.TryParse(value, out _, out string? error));
        Assert.Equal(e.Message, error);
    }

    [Fact]
    public void OpensTheImageItNames()
    {
        using var dir = new TempDir();
        string path = dir.File("d.qcow2");
        QemuImg.Create(path, 1 << 20);
        using (var device = DiskOption.Parse(path + ",readonly=on,serial=S1").CreateDevice())
        {
            Assert.IsType<Qcow2DiskImage>(device.Disk);
            Assert.True(device.Disk.ReadOnly);
            Assert.True((device.DeviceFeatures & VirtioBlockFeatures.ReadOnly) != 0);
        }
        var e = Assert.Throws<DiskImageException>(() => DiskOption.Parse(dir.File("missing.qcow2") + ",format=qcow2").Open());
        Assert.Contains("no such file", e.Message, StringComparison.Ordinal);
    }
}
