using System.Runtime.CompilerServices;

namespace SharpVirt.Cpu.Decoders;

/// <summary>
/// Expands 16-bit RV64C instructions to their 32-bit equivalents
/// (RISC-V Unprivileged ISA, chapter "C" Standard Extension, RVC opcode map).
/// </summary>
public static class Rvc
{
    // 32-bit major opcodes (Unprivileged ISA, "RV32/64G Instruction Set Listings").
    private const uint OpLoad = 0x03;
    private const uint OpLoadFp = 0x07;
    private const uint OpImm = 0x13;
    private const uint OpImm32 = 0x1B;
    private const uint OpStore = 0x23;
    private const uint OpStoreFp = 0x27;
    private const uint OpOp = 0x33;
    private const uint OpLui = 0x37;
    private const uint OpOp32 = 0x3B;
    private const uint OpBranch = 0x63;
    private const uint OpJalr = 0x67;
    private const uint OpJal = 0x6F;
    private const uint Ebreak = 0x0010_0073;

    /// <summary>
    /// Returns the 32-bit encoding equivalent to <paramref name="insn"/>, or 0 when the
    /// halfword is illegal or reserved in RV64C. HINTs expand to their (no-op) base form.
    /// Halfwords with bits [1:0] = 11 are not compressed and also yield 0.
    /// </summary>
    public static uint Expand(ushort insn)
    {
        uint c = insn;
        // Dispatch on quadrant (bits 1:0) and funct3 (bits 15:13).
        switch (((c & 3) << 3) | (c >> 13))
        {
            // ---- Quadrant 0 ----
            case 0x00: // C.ADDI4SPN -> addi rd', x2, nzuimm; nzuimm=0 is reserved (and covers 0x0000).
                {
                    uint imm = (Bits(c, 12, 11) << 4) | (Bits(c, 10, 7) << 6) | (Bit(c, 6) << 2) | (Bit(c, 5) << 3);
                    return imm == 0 ? 0 : IType(imm, 2, 0, RdP(c), OpImm);
                }
            case 0x01: // C.FLD -> fld rd', uimm(rs1')
                return IType(UimmD(c), Rs1P(c), 3, RdP(c), OpLoadFp);
            case 0x02: // C.LW -> lw rd', uimm(rs1')
                return IType(UimmW(c), Rs1P(c), 2, RdP(c), OpLoad);
            case 0x03: // C.LD (RV64) -> ld rd', uimm(rs1')
                return IType(UimmD(c), Rs1P(c), 3, RdP(c), OpLoad);
            case 0x04: // reserved
                return 0;
            case 0x05: // C.FSD -> fsd rs2', uimm(rs1')
                return SType(UimmD(c), RdP(c), Rs1P(c), 3, OpStoreFp);
            case 0x06: // C.SW -> sw rs2', uimm(rs1')
                return SType(UimmW(c), RdP(c), Rs1P(c), 2, OpStore);
            case 0x07: // C.SD (RV64) -> sd rs2', uimm(rs1')
                return SType(UimmD(c), RdP(c), Rs1P(c), 3, OpStore);

            // ---- Quadrant 1 ----
            case 0x08: // C.NOP / C.ADDI -> addi rd, rd, imm (rd=0 or imm=0 are HINTs)
                return IType(Imm6(c), Rd(c), 0, Rd(c), OpImm);
            case 0x09: // C.ADDIW (RV64) -> addiw rd, rd, imm; rd=0 reserved
                return Rd(c) == 0 ? 0 : IType(Imm6(c), Rd(c), 0, Rd(c), OpImm32);
            case 0x0A: // C.LI -> addi rd, x0, imm (rd=0 is a HINT)
                return IType(Imm6(c), 0, 0, Rd(c), OpImm);
            case 0x0B:
                if (Rd(c) == 2)
                {
                    // C.ADDI16SP -> addi x2, x2, nzimm[9:4]; nzimm=0 reserved
                    uint imm = (Bit(c, 12) << 9) | (Bit(c, 6) << 4) | (Bit(c, 5) << 6) | (Bits(c, 4, 3) << 7) | (Bit(c, 2) << 5);
                    return imm == 0 ? 0 : IType(SignExtend(imm, 10), 2, 0, 2, OpImm);
                }
                else
                {
                    // C.LUI -> lui rd, nzimm[17:12]; nzimm=0 reserved, rd=0 is a HINT
                    uint imm = Imm6(c);
                    return imm == 0 ? 0 : ((imm & 0xFFFFF) << 12) | (Rd(c) << 7) | OpLui;
                }
            case 0x0C:
                return MiscAlu(c);
            case 0x0D: // C.J -> jal x0, offset
                {
                    uint off = (Bit(c, 12) << 11) | (Bit(c, 11) << 4) | (Bits(c, 10, 9) << 8) | (Bit(c, 8) << 10)
                        | (Bit(c, 7) << 6) | (Bit(c, 6) << 7) | (Bits(c, 5, 3) << 1) | (Bit(c, 2) << 5);
                    return JType(SignExtend(off, 12), 0);
                }
            case 0x0E: // C.BEQZ -> beq rs1', x0, offset
                return BType(BranchOffset(c), 0, Rs1P(c), 0);
            case 0x0F: // C.BNEZ -> bne rs1', x0, offset
                return BType(BranchOffset(c), 0, Rs1P(c), 1);

            // ---- Quadrant 2 ----
            case 0x10: // C.SLLI -> slli rd, rd, shamt (rd=0 or shamt=0 are HINTs in RV64)
                return IType(Shamt(c), Rd(c), 1, Rd(c), OpImm);
            case 0x11: // C.FLDSP -> fld rd, uimm(x2)
                return IType(UimmDsp(c), 2, 3, Rd(c), OpLoadFp);
            case 0x12: // C.LWSP -> lw rd, uimm(x2); rd=0 reserved
                {
                    uint imm = (Bit(c, 12) << 5) | (Bits(c, 6, 4) << 2) | (Bits(c, 3, 2) << 6);
                    return Rd(c) == 0 ? 0 : IType(imm, 2, 2, Rd(c), OpLoad);
                }
            case 0x13: // C.LDSP (RV64) -> ld rd, uimm(x2); rd=0 reserved
                return Rd(c) == 0 ? 0 : IType(UimmDsp(c), 2, 3, Rd(c), OpLoad);
            case 0x14:
                return JumpAdd(c);
            case 0x15: // C.FSDSP -> fsd rs2, uimm(x2)
                return SType(UimmSdsp(c), Rs2(c), 2, 3, OpStoreFp);
            case 0x16: // C.SWSP -> sw rs2, uimm(x2)
                {
                    uint imm = (Bits(c, 12, 9) << 2) | (Bits(c, 8, 7) << 6);
                    return SType(imm, Rs2(c), 2, 2, OpStore);
                }
            case 0x17: // C.SDSP (RV64) -> sd rs2, uimm(x2)
                return SType(UimmSdsp(c), Rs2(c), 2, 3, OpStore);

            default: // bits [1:0] = 11: not a compressed instruction
                return 0;
        }
    }

    // Quadrant 1, funct3=100: C.SRLI, C.SRAI, C.ANDI, C.SUB..C.AND, C.SUBW, C.ADDW.
    private static uint MiscAlu(uint c)
    {
        uint rd = Rs1P(c);
        switch (Bits(c, 11, 10))
        {
            case 0: // C.SRLI -> srli rd', rd', shamt (shamt=0 is a HINT in RV64)
                return IType(Shamt(c), rd, 5, rd, OpImm);
            case 1: // C.SRAI -> srai rd', rd', shamt
                return IType(0x400 | Shamt(c), rd, 5, rd, OpImm);
            case 2: // C.ANDI -> andi rd', rd', imm
                return IType(Imm6(c), rd, 7, rd, OpImm);
            default:
                {
                    uint rs2 = RdP(c);
                    uint f2 = Bits(c, 6, 5);
                    if (Bit(c, 12) == 0)
                    {
                        // C.SUB, C.XOR, C.OR, C.AND
                        return f2 switch
                        {
                            0 => RType(0x20, rs2, rd, 0, rd, OpOp),
                            1 => RType(0, rs2, rd, 4, rd, OpOp),
                            2 => RType(0, rs2, rd, 6, rd, OpOp),
                            _ => RType(0, rs2, rd, 7, rd, OpOp),
                        };
                    }

                    // C.SUBW, C.ADDW (RV64); funct2 10/11 are reserved.
                    return f2 switch
                    {
                        0 => RType(0x20, rs2, rd, 0, rd, OpOp32),
                        1 => RType(0, rs2, rd, 0, rd, OpOp32),
                        _ => 0,
                    };
                }
        }
    }

    // Quadrant 2, funct3=100: C.JR, C.MV, C.EBREAK, C.JALR, C.ADD.
    private static uint JumpAdd(uint c)
    {
        uint rd = Rd(c);
        uint rs2 = Rs2(c);
        if (Bit(c, 12) == 0)
        {
            if (rs2 == 0)
            {
                // C.JR -> jalr x0, 0(rs1); rs1=0 reserved
                return rd == 0 ? 0 : IType(0, rd, 0, 0, OpJalr);
            }

            // C.MV -> add rd, x0, rs2 (rd=0 is a HINT)
            return RType(0, rs2, 0, 0, rd, OpOp);
        }

        if (rs2 == 0)
        {
            // C.EBREAK, or C.JALR -> jalr x1, 0(rs1)
            return rd == 0 ? Ebreak : IType(0, rd, 0, 1, OpJalr);
        }

        // C.ADD -> add rd, rd, rs2 (rd=0 is a HINT)
        return RType(0, rs2, rd, 0, rd, OpOp);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Bit(uint c, int pos) => (c >> pos) & 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Bits(uint c, int hi, int lo) => (c >> lo) & ((1u << (hi - lo + 1)) - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SignExtend(uint v, int width) => (uint)((int)(v << (32 - width)) >> (32 - width));

    // Full register fields (CR/CI/CSS formats).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Rd(uint c) => Bits(c, 11, 7);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Rs2(uint c) => Bits(c, 6, 2);

    // Popular-register fields rd'/rs2' (bits 4:2) and rs1'/rd' (bits 9:7) map to x8..x15.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint RdP(uint c) => 8 + Bits(c, 4, 2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Rs1P(uint c) => 8 + Bits(c, 9, 7);

    // CI-format signed imm[5|4:0] = bits [12|6:2], sign-extended.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Imm6(uint c) => SignExtend((Bit(c, 12) << 5) | Bits(c, 6, 2), 6);

    // CI-format shamt[5|4:0] = bits [12|6:2].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Shamt(uint c) => (Bit(c, 12) << 5) | Bits(c, 6, 2);

    // CL/CS word offset: uimm[5:3|2|6] = bits [12:10|6|5].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint UimmW(uint c) => (Bits(c, 12, 10) << 3) | (Bit(c, 6) << 2) | (Bit(c, 5) << 6);

    // CL/CS doubleword offset: uimm[5:3|7:6] = bits [12:10|6:5].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint UimmD(uint c) => (Bits(c, 12, 10) << 3) | (Bits(c, 6, 5) << 6);

    // CI doubleword SP offset: uimm[5|4:3|8:6] = bits [12|6:5|4:2].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint UimmDsp(uint c) => (Bit(c, 12) << 5) | (Bits(c, 6, 5) << 3) | (Bits(c, 4, 2) << 6);

    // CSS doubleword SP offset: uimm[5:3|8:6] = bits [12:10|9:7].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint UimmSdsp(uint c) => (Bits(c, 12, 10) << 3) | (Bits(c, 9, 7) << 6);

    // CB branch offset[8|4:3|7:6|2:1|5] = bits [12|11:10|6:5|4:3|2], sign-extended.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint BranchOffset(uint c) => SignExtend(
        (Bit(c, 12) << 8) | (Bits(c, 11, 10) << 3) | (Bits(c, 6, 5) << 6) | (Bits(c, 4, 3) << 1) | (Bit(c, 2) << 5), 9);

    // 32-bit instruction formats (Unprivileged ISA, "Base Instruction Formats").
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint RType(uint funct7, uint rs2, uint rs1, uint funct3, uint rd, uint opcode) =>
        (funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint IType(uint imm, uint rs1, uint funct3, uint rd, uint opcode) =>
        (imm << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SType(uint imm, uint rs2, uint rs1, uint funct3, uint opcode) =>
        (((imm >> 5) & 0x7F) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | ((imm & 0x1F) << 7) | opcode;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint BType(uint imm, uint rs2, uint rs1, uint funct3) =>
        (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3F) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12)
        | (((imm >> 1) & 0xF) << 8) | (((imm >> 11) & 1) << 7) | OpBranch;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint JType(uint imm, uint rd) =>
        (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3FF) << 21) | (((imm >> 11) & 1) << 20) | (((imm >> 12) & 0xFF) << 12)
        | (rd << 7) | OpJal;
}
