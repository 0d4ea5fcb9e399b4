using System.Numerics;

namespace SharpVirt.Cpu;

/// <summary>ALU operations shared by the interpreter and the translator (which calls them from IL; the JIT inlines them).</summary>
public static class Alu
{
    public static ulong Mulh(ulong a, ulong b) => (ulong)Math.BigMul((long)a, (long)b, out _);
    public static ulong Mulhu(ulong a, ulong b) => Math.BigMul(a, b, out _);
    public static ulong Mulhsu(ulong a, ulong b)
    {
        ulong high = Math.BigMul(a, b, out _);
        return (long)a < 0 ? high - b : high;
    }

    public static ulong Div(ulong a, ulong b) => (long)b == 0 ? ulong.MaxValue : (long)b == -1 ? 0 - a : (ulong)((long)a / (long)b);
    public static ulong Divu(ulong a, ulong b) => b == 0 ? ulong.MaxValue : a / b;
    public static ulong Rem(ulong a, ulong b) => (long)b == 0 ? a : (long)b == -1 ? 0 : (ulong)((long)a % (long)b);
    public static ulong Remu(ulong a, ulong b) => b == 0 ? a : a % b;
    public static ulong Divw(ulong a, ulong b) => (ulong)(long)(int)Div((ulong)(long)(int)a, (ulong)(long)(int)b);
    public static ulong Divuw(ulong a, ulong b) => (uint)b == 0 ? ulong.MaxValue : (ulong)(long)(int)((uint)a / (uint)b);
    public static ulong Remw(ulong a, ulong b) => (ulong)(long)(int)Rem((ulong)(long)(int)a, (ulong)(long)(int)b);
    public static ulong Remuw(ulong a, ulong b) => (uint)b == 0 ? (ulong)(long)(int)a : (ulong)(long)(int)((uint)a % (uint)b);

    public static ulong Clz(ulong a) => (ulong)BitOperations.LeadingZeroCount(a);
    public static ulong Clzw(ulong a) => (ulong)BitOperations.LeadingZeroCount((uint)a);
    public static ulong Ctz(ulong a) => (ulong)BitOperations.TrailingZeroCount(a);
    public static ulong Ctzw(ulong a) => (ulong)BitOperations.TrailingZeroCount((uint)a);
    public static ulong Cpop(ulong a) => (ulong)BitOperations.PopCount(a);
    public static ulong Cpopw(ulong a) => (ulong)BitOperations.PopCount((uint)a);
    public static ulong Max(ulong a, ulong b) => (long)a > (long)b ? a : b;
    public static ulong Maxu(ulong a, ulong b) => a > b ? a : b;
    public static ulong Min(ulong a, ulong b) => (long)a < (long)b ? a : b;
    public static ulong Minu(ulong a, ulong b) => a < b ? a : b;
    public static ulong Rol(ulong a, ulong b) => BitOperations.RotateLeft(a, (int)(b & 63));
    public static ulong Ror(ulong a, ulong b) => BitOperations.RotateRight(a, (int)(b & 63));
    public static ulong Rolw(ulong a, ulong b) => (ulong)(long)(int)BitOperations.RotateLeft((uint)a, (int)(b & 31));
    public static ulong Rorw(ulong a, ulong b) => (ulong)(long)(int)BitOperations.RotateRight((uint)a, (int)(b & 31));
    public static ulong Rev8(ulong a) => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(a);

    public static ulong OrcB(ulong v)
    {
        ulong r = 0;
        for (int i = 0; i < 64; i += 8)
            if (((v >> i) & 0xff) != 0)
                r |= 0xffUL << i;
        return r;
    }
}
