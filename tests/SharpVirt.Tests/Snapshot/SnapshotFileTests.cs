using System.Buffers.Binary;
using System.Text.Json.Nodes;
using SharpVirt.Machine.Console;
using SharpVirt.Machine.Snapshot;
using SharpVirt.Machine.Vstate;
using SharpVirt.Memory;
using SharpVirt.Memory.Snapshot;
using SharpVirt.Tests.Control;

namespace SharpVirt.Tests.Snapshot;

/// <summary>One snapshot of a running bare-metal VM (two harts counting in t2), shared by the file tests.</summary>
public sealed class SnapshotFileFixture : IDisposable
{
    public SnapshotFileFixture()
    {
        Vm = new ControlTestVm("snapfile");
        Path = System.IO.Path.Combine(Vm.Directory, "vm.snap");
        Assert.Contains("\"state\":\"paused\"", Vm.Request("""{"op":"pause"}"""));
        Counters = [.. Vm.Vm.Vcpus.Select(v => v.Hart.GetX(7))];
        Reply = JsonNode.Parse(Vm.Request(new JsonObject { ["op"] = "snapshot", ["file"] = Path }.ToJsonString()))!.AsObject();
        Bytes = File.ReadAllBytes(Path);
    }

    public ControlTestVm Vm { get; }
    public string Path { get; }
    public ulong[] Counters { get; }
    public JsonObject Reply { get; }
    public byte[] Bytes { get; }

    /// <summary>(tag, offset of the section header, payload length) of every section, walked from the preamble.</summary>
    public List<(string Tag, int Offset, int Length)> Sections()
    {
        var list = new List<(string, int, int)>();
        int at = SnapshotFile.PreambleSize;
        while (at < Bytes.Length)
        {
            uint tag = BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(at));
            int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan(at + 4));
            list.Add((SnapshotSection.Name(tag), at, length));
            at += SnapshotFile.SectionHeaderSize + length + SnapshotFile.ChecksumSize;
        }
        return list;
    }

    public void Dispose() => Vm.Dispose();
}

public sealed class SnapshotFileTests(SnapshotFileFixture f) : IClassFixture<SnapshotFileFixture>, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("snapfile-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void SnapshotOfAPausedVmHasEverySectionAndOnlyTheTouchedPages()
    {
        Assert.Null(f.Reply["error"]);
        Assert.Equal("paused", f.Reply["state"]!.ToString());
        Assert.Equal(f.Bytes.Length, f.Reply["bytes"]!.GetValue<long>());
        Assert.Equal(["CONF", "MACH", "VCPU", "VCPU", "PLIC", "CLNT", "UART", "RTC", .. Enumerable.Repeat("VIRT", 8), "RAM", "END"],
            f.Sections().Select(s => s.Tag));
        Assert.True(SnapshotFile.Magic.SequenceEqual(f.Bytes.AsSpan(0, 8)));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f.Path)); // it holds guest memory
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(f.Path)!, "*.partial-*"));
        // 64 MiB of RAM, of which the program, its page tables and the device tree hold data: a handful of pages.
        long saved = f.Reply["saved_pages"]!.GetValue<long>();
        Assert.Equal(16384, f.Reply["ram_pages"]!.GetValue<long>());
        Assert.InRange(saved, 4, 64);
        Assert.InRange(f.Bytes.Length, saved * 4096, saved * 4096 + 64 * 1024);
        // Paused: the counters did not move while the snapshot was written.
        Assert.Equal(f.Counters, f.Vm.Vm.Vcpus.Select(v => v.Hart.GetX(7)));
    }

    [Fact]
    public void SnapshotOfARunningVmIsRefused()
    {
        using var vm = new ControlTestVm("snaprun");
        string reply = vm.Request(new JsonObject { ["op"] = "snapshot", ["file"] = Path.Combine(dir, "x") }.ToJsonString());
        Assert.Contains("pause the VM first", reply);
        Assert.Contains("must be", vm.Request("""{"op":"snapshot","file":["x"]}"""));
        Assert.Contains("not an absolute path", vm.Request("""{"op":"snapshot","file":"rel/x"}"""));
        Assert.False(File.Exists(Path.Combine(dir, "x")));
    }

    [Fact]
    public void RestoredVmCarriesOnFromTheSavedState()
    {
        using var file = SnapshotFileReader.Open(f.Path);
        var snapshot = file.Snapshot;
        Assert.Equal(2, snapshot.Config.Cpus);
        Assert.Equal(64 * VmConfig.MiB, snapshot.Config.MemorySize);
        using var vm = new Vm(snapshot.Config, new ConsoleOutput(Stream.Null));
        Assert.InRange(file.LoadMemory(vm.Memory), 4ul, 64ul);
        VmExit? exit = null;
        var runner = new Thread(() => exit = vm.Run(snapshot)) { IsBackground = true };
        runner.Start();
        try
        {
            // Each hart continues its loop: the counter goes on from where it was, under the same satp.
            ControlTestVm.WaitFor(() => vm.Vcpus.All(v => v.Hart.GetX(7) > f.Counters[v.Id] + 1000), "the counters to go on");
            Assert.All(vm.Vcpus, v => Assert.Equal(ControlTestVm.SatpValue, v.Hart.SatpValue));
            Assert.All(vm.Vcpus, v => Assert.True(v.Hart.GetX(7) < f.Counters[v.Id] + (1UL << 40)));
            // Guest time went on from the snapshot's mtime, not from zero.
            Assert.True(vm.Timebase.Now >= snapshot.Mtime);
        }
        finally
        {
            vm.RequestExit(new VmExit(VmExitKind.PowerOff, 0));
            runner.Join(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(VmExitKind.PowerOff, exit!.Value.Kind);
    }

    /// <summary>Writes <paramref name="bytes"/> to a file and reads it as a restore does, RAM included; returns the error.</summary>
    private string Refusal(byte[] bytes)
    {
        string path = Path.Combine(dir, "bad.snap");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<SnapshotFormatException>(() =>
        {
            using var file = SnapshotFileReader.Open(path);
            using var memory = new GuestMemory();
            memory.AddSlot(0x8000_0000, file.Snapshot.Config.MemorySize);
            file.LoadMemory(memory);
        });
        Assert.Contains(path, e.Message);
        return e.Message;
    }

    private byte[] Cut(int length) => f.Bytes[..length];

    private (string Tag, int Offset, int Length) Section(string tag) => f.Sections().First(s => s.Tag == tag);

    [Fact]
    public void TruncatedFilesAreRefusedSayingWhere()
    {
        var conf = Section("CONF");
        var vcpu = Section("VCPU");
        var ram = Section("RAM");
        var end = Section("END");
        Assert.Contains("is truncated: it ends inside the 16-byte preamble, after 10 bytes", Refusal(Cut(10)));
        Assert.Contains("is truncated: section CONF is missing", Refusal(Cut(16)));
        Assert.Contains("is truncated: it ends inside the header of section CONF", Refusal(Cut(20)));
        Assert.Contains($"is truncated: section VCPU holds 100 of its {vcpu.Length} bytes", Refusal(Cut(vcpu.Offset + 12 + 100)));
        Assert.Contains("is truncated: the checksum of section CONF is missing", Refusal(Cut(conf.Offset + 12 + conf.Length + 4)));
        Assert.Contains("is truncated: section RAM holds", Refusal(Cut(ram.Offset + 12 + (ram.Length / 2))));
        Assert.Contains("is truncated: the checksum of section RAM is missing", Refusal(Cut(end.Offset - 1)));
        Assert.Contains("is truncated: section END is missing", Refusal(Cut(end.Offset)));
    }

    [Fact]
    public void ForeignFilesAreRefused()
    {
        byte[] random = new byte[100_000];
        new Random(7).NextBytes(random);
        Assert.EndsWith("is not a SharpVirt snapshot", Refusal(random));
        byte[] assembly = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "sharpvirt.dll"));
        Assert.EndsWith("is not a SharpVirt snapshot", Refusal(assembly));
        Assert.EndsWith("is not a SharpVirt snapshot", Refusal([0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0xf3, 0]));
        Assert.EndsWith("is not a SharpVirt snapshot", Refusal([]));
        Assert.EndsWith("is not a SharpVirt snapshot", Refusal("SVSNAP is a text file\n"u8.ToArray()));
    }

    [Fact]
    public void FlippedBytesFailTheirSectionsChecksum()
    {
        foreach (string tag in new[] { "CONF", "VCPU", "PLIC", "VIRT", "RAM" })
        {
            var s = Section(tag);
            byte[] bytes = (byte[])f.Bytes.Clone();
            bytes[s.Offset + 12 + (s.Length / 2)] ^= 0x10;
            Assert.EndsWith($"is damaged: the checksum of section {tag} does not match its contents", Refusal(bytes));
        }
        var conf = Section("CONF");
        byte[] tagged = (byte[])f.Bytes.Clone();
        tagged[conf.Offset] ^= 0x20; // "cONF"
        Assert.EndsWith("is damaged: section CONF was expected, but the file has 'cONF' there", Refusal(tagged));
        byte[] longer = [.. f.Bytes, 0, 1, 2];
        Assert.EndsWith("is damaged: 3 bytes follow the END section", Refusal(longer));
    }

    [Fact]
    public void UnknownVersionAndFlagsAreRefused()
    {
        byte[] bytes = (byte[])f.Bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);
        Assert.EndsWith("has format version 2; this sharpvirt reads version 1", Refusal(bytes));
        bytes = (byte[])f.Bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 4);
        Assert.EndsWith("uses features this sharpvirt does not know (flags 0x4)", Refusal(bytes));
    }

    [Fact]
    public void MissingFileIsRefused()
    {
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotFileReader.Open(Path.Combine(dir, "nope.snap")));
        Assert.StartsWith("cannot read snapshot", e.Message);
    }
}
