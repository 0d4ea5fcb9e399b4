using System.Collections.Concurrent;
using System.Reflection.Emit;

namespace SharpVirt.Cpu.Translation;

/// <summary>
/// Compiled methods by the guest code bytes they were built from, shared by every hart of the process.
/// The code depends on those bytes alone (the block's PC is an argument), so a block that another hart,
/// or an earlier copy of the same code, already compiled is bound to this hart instead of compiled again,
/// as QEMU shares its translations between vCPUs.
/// </summary>
public static class CompiledCode
{
    /// <summary>Past this many methods the table starts again (methods in use stay alive through their delegates).</summary>
    public const int Capacity = 1 << 14;

    private static readonly ConcurrentDictionary<CodeBytes, DynamicMethod> Methods = new();

    public static DynamicMethod? Find(byte[] code) => Methods.TryGetValue(new CodeBytes(code), out var m) ? m : null;

    public static void Add(byte[] code, DynamicMethod method)
    {
        if (Methods.Count >= Capacity)
            Methods.Clear();
        Methods.TryAdd(new CodeBytes(code), method);
    }

    private readonly struct CodeBytes(byte[] bytes) : IEquatable<CodeBytes>
    {
        private readonly byte[] bytes = bytes;

        public bool Equals(CodeBytes other) => bytes.AsSpan().SequenceEqual(other.bytes);

        public override bool Equals(object? obj) => obj is CodeBytes other && Equals(other);

        public override int GetHashCode()
        {
            var h = new HashCode();
            h.AddBytes(bytes);
            return h.ToHashCode();
        }
    }
}
