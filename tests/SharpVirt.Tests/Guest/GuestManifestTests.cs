using SharpVirt.Machine.Guest;

namespace SharpVirt.Tests.Guest;

public sealed class GuestManifestTests
{
    private static readonly GuestManifest Sample = new(
        GuestManifest.CurrentFormat,
        "6.12.117+deb13-riscv64",
        "console=ttyS0 earlycon=sbi",
        [new GuestPackage("busybox-static", "1:1.37.0-6+b9", new string('b', 64))],
        [new GuestFile("Image", 31167488, new string('c', 64), new DateTime(2026, 11, 26, 23, 56, 58, DateTimeKind.Utc).AddTicks(8693144)),
         new GuestFile("initramfs.cpio.gz", 2403056, new string('d', 64))],
        ["virtio_mmio", "virtio_blk"],
        ["virtio_console"],
        new DateTimeOffset(2026, 11, 26, 23, 57, 0, TimeSpan.Zero));

    [Fact]
    public void WhatIsWrittenReadsBackTheSame()
    {
        string json = Sample.ToJson();
        Assert.Contains("\"kernelRelease\": \"6.12.117+deb13-riscv64\"", json);
        var read = GuestManifest.TryParse(json);
        Assert.NotNull(read);
        Assert.Equal(Sample with { Packages = [], Files = [], Modules = [], BuiltinModules = [] },
            read with { Packages = [], Files = [], Modules = [], BuiltinModules = [] });
        Assert.Equal(Sample.Packages, read.Packages);
        Assert.Equal(Sample.Files, read.Files);
        Assert.Equal(Sample.Modules, read.Modules);
        Assert.Equal(Sample.BuiltinModules, read.BuiltinModules);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"format\": 1}")]
    [InlineData("{\"format\": \"one\", \"kernelRelease\": \"x\"}")]
    public void AManifestOfAnotherShapeIsNull(string json) => Assert.Null(GuestManifest.TryParse(json));

    [Theory]
    [InlineData("\"kernelRelease\": \"6.12.117+deb13-riscv64\"", "\"kernelRelease\": null")]
    [InlineData("\"size\": 31167488", "\"size\": \"big\"")]
    [InlineData("\"virtio_mmio\"", "7")]
    public void AFieldOfTheWrongTypeMakesItNull(string field, string replacement)
    {
        string json = Sample.ToJson();
        Assert.Contains(field, json);
        Assert.Null(GuestManifest.TryParse(json.Replace(field, replacement)));
    }

    [Fact]
    public void AFileWithoutAWriteTimeReadsAsNone()
    {
        string json = Sample.ToJson().Replace("\"modified\": \"2026-11-26T23:56:58.8693144Z\"", "\"modified\": null");
        Assert.Null(GuestManifest.TryParse(json)!.Files[0].Modified);
    }
}
