using System.Buffers.Binary;
using SharpVirt.Machine.Boot;

namespace SharpVirt.Tests.Boot;

public class FwDynamicInfoTests
{
    [Fact]
    public void Serializes_version_2_as_six_little_endian_words()
    {
        var bytes = new FwDynamicInfo { NextAddress = 0x8020_0000, BootHart = 1 }.ToBytes();
        Assert.Equal(48, bytes.Length);
        ulong W(int i) => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * 8));
        Assert.Equal(0x4942534fUL, W(0));
        Assert.Equal("OSBI"u8.ToArray(), bytes[0..4]);
        Assert.Equal(2UL, W(1));
        Assert.Equal(0x8020_0000UL, W(2));
        Assert.Equal(1UL, W(3)); // next_mode S
        Assert.Equal(0UL, W(4));
        Assert.Equal(1UL, W(5));
    }
}
