using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace SharpVirt.Tests.Guest;

/// <summary>One entry read back from a newc archive.</summary>
internal sealed record CpioEntry(string Name, uint Mode, uint Inode, uint NLink, uint RdevMajor, uint RdevMinor, byte[] Data)
{
    public uint Type => Mode & 0xF000;
    public uint Permissions => Mode & 0xFFF;
    public string Text => Encoding.UTF8.GetString(Data);
}

/// <summary>A minimal newc reader for tests; it checks magic and 4-byte alignment as it goes.</summary>
internal static class CpioTestReader
{
    public static List<CpioEntry> ReadGzip(byte[] gz)
    {
        using var input = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        input.CopyTo(raw);
        return Read(raw.ToArray());
    }

    public static List<CpioEntry> Read(byte[] archive)
    {
        var entries = new List<CpioEntry>();
        int pos = 0;
        while (true)
        {
            Assert.Equal(0, pos % 4);
            Assert.Equal("070701", Encoding.ASCII.GetString(archive, pos, 6));
            uint Field(int i) => uint.Parse(Encoding.ASCII.GetString(archive, pos + 6 + i * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            uint inode = Field(0), mode = Field(1), nlink = Field(4), size = Field(6), rmaj = Field(9), rmin = Field(10), nameSize = Field(11);
            Assert.Equal(0u, Field(12)); // check
            string name = Encoding.UTF8.GetString(archive, pos + 110, (int)nameSize - 1);
            Assert.Equal(0, archive[pos + 110 + (int)nameSize - 1]);
            pos = Align(pos + 110 + (int)nameSize);
            var data = archive.AsSpan(pos, (int)size).ToArray();
            pos = Align(pos + (int)size);
            if (name == "TRAILER!!!")
            {
                Assert.True(archive.Skip(pos).All(b => b == 0), "only zero padding may follow the trailer");
                return entries;
            }
            entries.Add(new CpioEntry(name, mode, inode, nlink, rmaj, rmin, data));
        }
    }

    private static int Align(int n) => (n + 3) & ~3;
}
