namespace SharpVirt.Tests.Storage;

/// <summary>Byte-array comparison that reports the first difference instead of dumping megabytes.</summary>
internal static class DiskAssert
{
    public static void Same(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what = "disk contents")
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        int i = expected.CommonPrefixLength(actual);
        Assert.True(i == expected.Length, $"{what}: first difference at 0x{i:x}: 0x{(i < actual.Length ? actual[i] : 0):x2}, expected 0x{(i < expected.Length ? expected[i] : 0):x2}");
    }

    public static byte[] Random(int length, int seed)
    {
        var b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }
}
