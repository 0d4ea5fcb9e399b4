using System.Runtime.InteropServices;

namespace SharpVirt.Cpu.Decoders;

/// <summary>One decoded instruction: the operation, its operands and its length (2 or 4 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct DecodedInsn
{
    public long Imm;
    /// <summary>The raw instruction bits (16-bit ones zero-extended): the decode cache's tag.</summary>
    public uint Raw;
    public Op Op;
    public byte Rd, Rs1, Rs2, Rs3;
    /// <summary>funct3: the rounding mode for F/D instructions.</summary>
    public byte Rm;
    public byte Length;

    public override readonly string ToString() => $"{Op} rd={Rd} rs1={Rs1} rs2={Rs2} imm={Imm}";
}
