using System.Text;
using SharpVirt.Machine.DeviceTree;

namespace SharpVirt.Tests.Boot;

public class FdtBuilderTests
{
    private static byte[] Sample()
    {
        var b = new FdtBuilder { BootCpuIdPhys = 1 };
        b.AddReservation(0x8000_0000, 0x8_0000);
        b.BeginNode("");
        b.Property("#address-cells", 2u);
        b.Property("#size-cells", 2u);
        b.Property("model", "test,board");
        b.BeginNode("node@1000");
        b.Property("compatible", new[] { "a,b", "c" });
        b.Property("reg64", 0x1_2345_6789UL);
        b.Property("cells", 1u, 2u, 3u);
        b.PropertyU64("reg", 0x1000UL, 0x100UL);
        b.Property("bytes", new byte[] { 1, 2, 3, 4, 5 });
        b.EmptyProperty("empty");
        b.Property("model", "again"); // same name as in root: stored once in the strings block
        b.EndNode();
        b.EndNode();
        return b.Finish();
    }

    [Fact]
    public void Header_and_blocks_follow_chapter_5()
    {
        var r = new FdtTestReader(Sample());
        Assert.Equal(17u, r.Version);
        Assert.Equal(16u, r.LastCompVersion);
        Assert.Equal(1u, r.BootCpuId);
        Assert.Equal(40u, r.OffRsvmap);
        Assert.Equal(r.OffRsvmap + 2 * 16, r.OffStruct); // one entry + terminator
        Assert.Equal(r.OffStruct + r.SizeStruct, r.OffStrings);
        Assert.Equal([(0x8000_0000UL, 0x8_0000UL)], r.Reservations);
    }

    [Fact]
    public void Property_values_are_big_endian_and_padded()
    {
        var n = new FdtTestReader(Sample()).Root;
        Assert.Equal(2u, n.U32("#address-cells"));
        Assert.Equal("test,board", n.Str("model"));
        var c = n.Child("node@1000");
        Assert.Equal(["a,b", "c"], c.Strings("compatible"));
        Assert.Equal([0x1u, 0x2345_6789u], c.Cells("reg64"));
        Assert.Equal([1u, 2u, 3u], c.Cells("cells"));
        Assert.Equal([0u, 0x1000u, 0u, 0x100u], c.Cells("reg"));
        Assert.Equal([1, 2, 3, 4, 5], c.Prop("bytes"));
        Assert.Empty(c.Prop("empty"));
        Assert.Equal("again", c.Str("model"));
    }

    [Fact]
    public void Strings_block_deduplicates_property_names()
    {
        var blob = Sample();
        var r = new FdtTestReader(blob);
        var strings = Encoding.ASCII.GetString(blob, (int)r.OffStrings, (int)r.SizeStrings).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(strings.Distinct().Count(), strings.Length);
        Assert.Single(strings, s => s == "model");
    }

    [Fact]
    public void Phandles_start_at_one_and_increase()
    {
        var b = new FdtBuilder();
        Assert.Equal(1u, b.AllocatePhandle());
        Assert.Equal(2u, b.AllocatePhandle());
    }

    [Fact]
    public void Unbalanced_nodes_are_rejected()
    {
        var open = new FdtBuilder();
        open.BeginNode("");
        open.BeginNode("child");
        open.EndNode();
        Assert.Throws<InvalidOperationException>(() => open.Finish());

        Assert.Throws<InvalidOperationException>(() => new FdtBuilder().EndNode());
        Assert.Throws<InvalidOperationException>(() => new FdtBuilder().Finish());

        var twoRoots = new FdtBuilder();
        twoRoots.BeginNode("");
        twoRoots.EndNode();
        Assert.Throws<InvalidOperationException>(() => twoRoots.BeginNode(""));
        Assert.Throws<InvalidOperationException>(() => twoRoots.EndNode());
    }

    [Fact]
    public void Misplaced_or_duplicate_properties_and_bad_names_are_rejected()
    {
        var b = new FdtBuilder();
        Assert.Throws<InvalidOperationException>(() => b.Property("x", 1u)); // outside any node
        Assert.Throws<ArgumentException>(() => b.BeginNode("notroot"));
        b.BeginNode("");
        b.Property("x", 1u);
        Assert.Throws<InvalidOperationException>(() => b.Property("x", 2u));
        Assert.Throws<ArgumentException>(() => b.Property("bad name", 2u));
        Assert.Throws<ArgumentException>(() => b.BeginNode("9starts-with-digit"));
        Assert.Throws<ArgumentException>(() => b.BeginNode("trailing@"));
        Assert.Throws<ArgumentException>(() => b.Property("s", "nul\0inside"));
        b.BeginNode("a");
        b.EndNode();
        Assert.Throws<InvalidOperationException>(() => b.BeginNode("a"));
        Assert.Throws<InvalidOperationException>(() => b.Property("late", 1u)); // after a child node
        b.EndNode();
        var blob = b.Finish();
        Assert.Equal(blob, b.Finish());
        Assert.Throws<InvalidOperationException>(() => b.AddReservation(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FdtBuilder().AddReservation(0x1000, 0));
    }

    [Fact]
    public void Dtc_decompiles_the_blob()
    {
        var (exit, dts, warnings) = ExternalTool.Decompile(Sample());
        Assert.True(exit == 0, warnings);
        Assert.Equal("", warnings);
        Assert.Contains("/memreserve/\t0x0000000080000000 0x0000000000080000;", dts);
        Assert.Contains("compatible = \"a,b\\0c\";", dts);
        Assert.Contains("reg = <0x00 0x1000 0x00 0x100>;", dts);
        Assert.Contains("bytes = [01 02 03 04 05];", dts);
        Assert.Contains("empty;", dts);
    }
}
