// TEMPORARY stubs until the FPU and RVC pieces land.
namespace SharpVirt.Cpu.Fpu
{
    public enum RoundingMode : byte { Rne = 0, Rtz = 1, Rdn = 2, Rup = 3, Rmm = 4 }
    [Flags] public enum FFlags : byte { NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16 }
    public static class F32
    {
        public const uint CanonicalNaN = 0x7fc00000;
        public static uint Add(uint a, uint b, RoundingMode rm, ref FFlags f) => 0;
        public static uint Sub(uint a, uint b, RoundingMode rm, ref FFlags f) => 0;
        public static uint Mul(uint a, uint b, RoundingMode rm, ref FFlags f) => 0;
        public static uint Div(uint a, uint b, RoundingMode rm, ref FFlags f) => 0;
        public static uint Sqrt(uint a, RoundingMode rm, ref FFlags f) => 0;
        public static uint MulAdd(uint a, uint b, uint c, RoundingMode rm, ref FFlags f) => 0;
        public static uint Min(uint a, uint b, ref FFlags f) => 0;
        public static uint Max(uint a, uint b, ref FFlags f) => 0;
        public static bool Eq(uint a, uint b, ref FFlags f) => false;
        public static bool Lt(uint a, uint b, ref FFlags f) => false;
        public static bool Le(uint a, uint b, ref FFlags f) => false;
        public static uint Classify(uint a) => 0;
        public static long ToInt32(uint a, RoundingMode rm, ref FFlags f) => 0;
        public static long ToUInt32(uint a, RoundingMode rm, ref FFlags f) => 0;
        public static long ToInt64(uint a, RoundingMode rm, ref FFlags f) => 0;
        public static ulong ToUInt64(uint a, RoundingMode rm, ref FFlags f) => 0;
        public static uint FromInt32(int v, RoundingMode rm, ref FFlags f) => 0;
        public static uint FromUInt32(uint v, RoundingMode rm, ref FFlags f) => 0;
        public static uint FromInt64(long v, RoundingMode rm, ref FFlags f) => 0;
        public static uint FromUInt64(ulong v, RoundingMode rm, ref FFlags f) => 0;
        public static ulong ToF64(uint a, ref FFlags f) => 0;
    }
    public static class F64
    {
        public static ulong Add(ulong a, ulong b, RoundingMode rm, ref FFlags f) => 0;
        public static ulong Sub(ulong a, ulong b, RoundingMode rm, ref FFlags f) => 0;
        public static ulong Mul(ulong a, ulong b, RoundingMode rm, ref FFlags f) => 0;
        public static ulong Div(ulong a, ulong b, RoundingMode rm, ref FFlags f) => 0;
        public static ulong Sqrt(ulong a, RoundingMode rm, ref FFlags f) => 0;
        public static ulong MulAdd(ulong a, ulong b, ulong c, RoundingMode rm, ref FFlags f) => 0;
        public static ulong Min(ulong a, ulong b, ref FFlags f) => 0;
        public static ulong Max(ulong a, ulong b, ref FFlags f) => 0;
        public static bool Eq(ulong a, ulong b, ref FFlags f) => false;
        public static bool Lt(ulong a, ulong b, ref FFlags f) => false;
        public static bool Le(ulong a, ulong b, ref FFlags f) => false;
        public static ulong Classify(ulong a) => 0;
        public static long ToInt32(ulong a, RoundingMode rm, ref FFlags f) => 0;
        public static long ToUInt32(ulong a, RoundingMode rm, ref FFlags f) => 0;
        public static long ToInt64(ulong a, RoundingMode rm, ref FFlags f) => 0;
        public static ulong ToUInt64(ulong a, RoundingMode rm, ref FFlags f) => 0;
        public static ulong FromInt32(int v, RoundingMode rm, ref FFlags f) => 0;
        public static ulong FromUInt32(uint v, RoundingMode rm, ref FFlags f) => 0;
        public static ulong FromInt64(long v, RoundingMode rm, ref FFlags f) => 0;
        public static ulong FromUInt64(ulong v, RoundingMode rm, ref FFlags f) => 0;
        public static uint ToF32(ulong a, RoundingMode rm, ref FFlags f) => 0;
    }
}
