namespace SharpVirt.Cpu.Decoders;

/// <summary>Decodes RV64GC + Zba/Zbb/Zbs instruction words (unprivileged spec ch. 34 opcode map).</summary>
public static class Decoder
{
    public static DecodedInsn Decode(uint raw)
    {
        if ((raw & 3) != 3)
        {
            uint expanded = Rvc.Expand((ushort)raw);
            var c = expanded == 0 ? default : Decode32(expanded);
            c.Raw = raw & 0xffff;
            c.Length = 2;
            return c;
        }
        var d = Decode32(raw);
        d.Raw = raw;
        d.Length = 4;
        return d;
    }

    private static long ImmI(uint r) => (int)r >> 20;
    private static long ImmS(uint r) => ((int)r >> 25 << 5) | (int)((r >> 7) & 0x1f);
    private static long ImmB(uint r) =>
        ((int)r >> 31 << 12) | (int)((r << 4) & 0x800) | (int)((r >> 20) & 0x7e0) | (int)((r >> 7) & 0x1e);
    private static long ImmU(uint r) => (int)(r & 0xfffff000);
    private static long ImmJ(uint r) =>
        ((int)r >> 31 << 20) | (int)(r & 0xff000) | (int)((r >> 9) & 0x800) | (int)((r >> 20) & 0x7fe);

    private static DecodedInsn Decode32(uint r)
    {
        var d = new DecodedInsn
        {
            Rd = (byte)((r >> 7) & 31),
            Rs1 = (byte)((r >> 15) & 31),
            Rs2 = (byte)((r >> 20) & 31),
            Rs3 = (byte)(r >> 27),
            Rm = (byte)((r >> 12) & 7),
        };
        uint f3 = d.Rm, f7 = r >> 25;
        d.Op = (r & 0x7f) switch
        {
            0x03 => Load(f3),
            0x07 => f3 == 2 ? Op.Flw : f3 == 3 ? Op.Fld : Op.Illegal,
            0x0f => f3 == 0 ? Op.Fence : f3 == 1 ? Op.FenceI : Op.Illegal,
            0x13 => OpImm(r, f3),
            0x17 => Op.Auipc,
            0x1b => OpImm32(r, f3),
            0x23 => f3 switch { 0 => Op.Sb, 1 => Op.Sh, 2 => Op.Sw, 3 => Op.Sd, _ => Op.Illegal },
            0x27 => f3 == 2 ? Op.Fsw : f3 == 3 ? Op.Fsd : Op.Illegal,
            0x2f => Amo(r, f3),
            0x33 => OpReg(f7, f3),
            0x37 => Op.Lui,
            0x3b => OpReg32(f7, f3, d.Rs2),
            0x43 => Fused(r, Op.FmaddS, Op.FmaddD),
            0x47 => Fused(r, Op.FmsubS, Op.FmsubD),
            0x4b => Fused(r, Op.FnmsubS, Op.FnmsubD),
            0x4f => Fused(r, Op.FnmaddS, Op.FnmaddD),
            0x53 => OpFp(f7, f3, d.Rs2),
            0x63 => f3 switch
            {
                0 => Op.Beq,
                1 => Op.Bne,
                4 => Op.Blt,
                5 => Op.Bge,
                6 => Op.Bltu,
                7 => Op.Bgeu,
                _ => Op.Illegal,
            },
            0x67 => f3 == 0 ? Op.Jalr : Op.Illegal,
            0x6f => Op.Jal,
            0x73 => System(r, f3),
            _ => Op.Illegal,
        };
        d.Imm = d.Op switch
        {
            Op.Lui or Op.Auipc => ImmU(r),
            Op.Jal => ImmJ(r),
            Op.Beq or Op.Bne or Op.Blt or Op.Bge or Op.Bltu or Op.Bgeu => ImmB(r),
            Op.Sb or Op.Sh or Op.Sw or Op.Sd or Op.Fsw or Op.Fsd => ImmS(r),
            Op.Slli or Op.Srli or Op.Srai or Op.Rori or Op.Bclri or Op.Bexti or Op.Binvi or Op.Bseti or Op.SlliUw => (r >> 20) & 63,
            Op.Slliw or Op.Srliw or Op.Sraiw or Op.Roriw => (r >> 20) & 31,
            Op.Csrrw or Op.Csrrs or Op.Csrrc or Op.Csrrwi or Op.Csrrsi or Op.Csrrci => (r >> 20) & 0xfff,
            _ => ImmI(r),
        };
        // F/D arithmetic with a reserved rounding mode (5 or 6) is illegal (spec 11.2).
        if (d.Op >= Op.FmaddS && UsesRoundingMode(d.Op) && (f3 == 5 || f3 == 6))
            d.Op = Op.Illegal;
        return d;
    }

    private static bool UsesRoundingMode(Op op) => op switch
    {
        Op.FsgnjS or Op.FsgnjnS or Op.FsgnjxS or Op.FminS or Op.FmaxS or Op.FmvXW or Op.FclassS
            or Op.FeqS or Op.FltS or Op.FleS or Op.FmvWX => false,
        Op.FsgnjD or Op.FsgnjnD or Op.FsgnjxD or Op.FminD or Op.FmaxD or Op.FmvXD or Op.FclassD
            or Op.FeqD or Op.FltD or Op.FleD or Op.FmvDX => false,
        Op.Flw or Op.Fld or Op.Fsw or Op.Fsd => false,
        _ => true,
    };

    private static Op Load(uint f3) => f3 switch
    {
        0 => Op.Lb,
        1 => Op.Lh,
        2 => Op.Lw,
        3 => Op.Ld,
        4 => Op.Lbu,
        5 => Op.Lhu,
        6 => Op.Lwu,
        _ => Op.Illegal,
    };

    private static Op OpImm(uint r, uint f3)
    {
        uint f6 = r >> 26, f12 = r >> 20;
        return f3 switch
        {
            0 => Op.Addi,
            2 => Op.Slti,
            3 => Op.Sltiu,
            4 => Op.Xori,
            6 => Op.Ori,
            7 => Op.Andi,
            1 => f6 switch
            {
                0x00 => Op.Slli,
                0x0a => Op.Bseti,
                0x12 => Op.Bclri,
                0x1a => Op.Binvi,
                0x18 => f12 switch
                {
                    0x600 => Op.Clz,
                    0x601 => Op.Ctz,
                    0x602 => Op.Cpop,
                    0x604 => Op.SextB,
                    0x605 => Op.SextH,
                    _ => Op.Illegal,
                },
                _ => Op.Illegal,
            },
            _ => f12 == 0x287 ? Op.OrcB : f12 == 0x6b8 ? Op.Rev8 : f6 switch
            {
                0x00 => Op.Srli,
                0x10 => Op.Srai,
                0x18 => Op.Rori,
                0x12 => Op.Bexti,
                _ => Op.Illegal,
            },
        };
    }

    private static Op OpImm32(uint r, uint f3)
    {
        uint f7 = r >> 25, f12 = r >> 20;
        return f3 switch
        {
            0 => Op.Addiw,
            1 => f7 == 0 ? Op.Slliw : (r >> 26) == 0x02 ? Op.SlliUw : f12 switch
            {
                0x600 => Op.Clzw,
                0x601 => Op.Ctzw,
                0x602 => Op.Cpopw,
                _ => Op.Illegal,
            },
            5 => f7 switch { 0x00 => Op.Srliw, 0x20 => Op.Sraiw, 0x30 => Op.Roriw, _ => Op.Illegal },
            _ => Op.Illegal,
        };
    }

    private static Op Amo(uint r, uint f3)
    {
        if (f3 != 2 && f3 != 3)
            return Op.Illegal;
        bool w = f3 == 2;
        uint f5 = r >> 27;
        Op op = f5 switch
        {
            0x02 => ((r >> 20) & 31) == 0 ? Op.LrW : Op.Illegal,
            0x03 => Op.ScW,
            0x01 => Op.AmoSwapW,
            0x00 => Op.AmoAddW,
            0x04 => Op.AmoXorW,
            0x0c => Op.AmoAndW,
            0x08 => Op.AmoOrW,
            0x10 => Op.AmoMinW,
            0x14 => Op.AmoMaxW,
            0x18 => Op.AmoMinuW,
            0x1c => Op.AmoMaxuW,
            _ => Op.Illegal,
        };
        if (op == Op.Illegal || w)
            return op;
        return op + (Op.LrD - Op.LrW);
    }

    private static Op OpReg(uint f7, uint f3) => f7 switch
    {
        0x00 => f3 switch
        {
            0 => Op.Add,
            1 => Op.Sll,
            2 => Op.Slt,
            3 => Op.Sltu,
            4 => Op.Xor,
            5 => Op.Srl,
            6 => Op.Or,
            _ => Op.And,
        },
        0x20 => f3 switch { 0 => Op.Sub, 5 => Op.Sra, 4 => Op.Xnor, 6 => Op.Orn, 7 => Op.Andn, _ => Op.Illegal },
        0x01 => f3 switch
        {
            0 => Op.Mul,
            1 => Op.Mulh,
            2 => Op.Mulhsu,
            3 => Op.Mulhu,
            4 => Op.Div,
            5 => Op.Divu,
            6 => Op.Rem,
            _ => Op.Remu,
        },
        0x10 => f3 switch { 2 => Op.Sh1add, 4 => Op.Sh2add, 6 => Op.Sh3add, _ => Op.Illegal },
        0x05 => f3 switch { 4 => Op.Min, 5 => Op.Minu, 6 => Op.Max, 7 => Op.Maxu, _ => Op.Illegal },
        0x30 => f3 switch { 1 => Op.Rol, 5 => Op.Ror, _ => Op.Illegal },
        0x24 => f3 switch { 1 => Op.Bclr, 5 => Op.Bext, _ => Op.Illegal },
        0x34 => f3 == 1 ? Op.Binv : Op.Illegal,
        0x14 => f3 == 1 ? Op.Bset : Op.Illegal,
        _ => Op.Illegal,
    };

    private static Op OpReg32(uint f7, uint f3, uint rs2) => f7 switch
    {
        0x00 => f3 switch { 0 => Op.Addw, 1 => Op.Sllw, 5 => Op.Srlw, _ => Op.Illegal },
        0x20 => f3 switch { 0 => Op.Subw, 5 => Op.Sraw, _ => Op.Illegal },
        0x01 => f3 switch { 0 => Op.Mulw, 4 => Op.Divw, 5 => Op.Divuw, 6 => Op.Remw, 7 => Op.Remuw, _ => Op.Illegal },
        0x04 => f3 == 0 ? Op.AddUw : f3 == 4 && rs2 == 0 ? Op.ZextH : Op.Illegal,
        0x10 => f3 switch { 2 => Op.Sh1addUw, 4 => Op.Sh2addUw, 6 => Op.Sh3addUw, _ => Op.Illegal },
        0x30 => f3 switch { 1 => Op.Rolw, 5 => Op.Rorw, _ => Op.Illegal },
        _ => Op.Illegal,
    };

    private static Op Fused(uint r, Op single, Op dbl) => ((r >> 25) & 3) switch
    {
        0 => single,
        1 => dbl,
        _ => Op.Illegal,
    };

    private static Op OpFp(uint f7, uint f3, uint rs2) => f7 switch
    {
        0x00 => Op.FaddS,
        0x01 => Op.FaddD,
        0x04 => Op.FsubS,
        0x05 => Op.FsubD,
        0x08 => Op.FmulS,
        0x09 => Op.FmulD,
        0x0c => Op.FdivS,
        0x0d => Op.FdivD,
        0x2c => rs2 == 0 ? Op.FsqrtS : Op.Illegal,
        0x2d => rs2 == 0 ? Op.FsqrtD : Op.Illegal,
        0x10 => f3 switch { 0 => Op.FsgnjS, 1 => Op.FsgnjnS, 2 => Op.FsgnjxS, _ => Op.Illegal },
        0x11 => f3 switch { 0 => Op.FsgnjD, 1 => Op.FsgnjnD, 2 => Op.FsgnjxD, _ => Op.Illegal },
        0x14 => f3 switch { 0 => Op.FminS, 1 => Op.FmaxS, _ => Op.Illegal },
        0x15 => f3 switch { 0 => Op.FminD, 1 => Op.FmaxD, _ => Op.Illegal },
        0x20 => rs2 == 1 ? Op.FcvtSD : Op.Illegal,
        0x21 => rs2 == 0 ? Op.FcvtDS : Op.Illegal,
        0x50 => f3 switch { 0 => Op.FleS, 1 => Op.FltS, 2 => Op.FeqS, _ => Op.Illegal },
        0x51 => f3 switch { 0 => Op.FleD, 1 => Op.FltD, 2 => Op.FeqD, _ => Op.Illegal },
        0x60 => rs2 switch { 0 => Op.FcvtWS, 1 => Op.FcvtWuS, 2 => Op.FcvtLS, 3 => Op.FcvtLuS, _ => Op.Illegal },
        0x61 => rs2 switch { 0 => Op.FcvtWD, 1 => Op.FcvtWuD, 2 => Op.FcvtLD, 3 => Op.FcvtLuD, _ => Op.Illegal },
        0x68 => rs2 switch { 0 => Op.FcvtSW, 1 => Op.FcvtSWu, 2 => Op.FcvtSL, 3 => Op.FcvtSLu, _ => Op.Illegal },
        0x69 => rs2 switch { 0 => Op.FcvtDW, 1 => Op.FcvtDWu, 2 => Op.FcvtDL, 3 => Op.FcvtDLu, _ => Op.Illegal },
        0x70 => rs2 != 0 ? Op.Illegal : f3 switch { 0 => Op.FmvXW, 1 => Op.FclassS, _ => Op.Illegal },
        0x71 => rs2 != 0 ? Op.Illegal : f3 switch { 0 => Op.FmvXD, 1 => Op.FclassD, _ => Op.Illegal },
        0x78 => rs2 == 0 && f3 == 0 ? Op.FmvWX : Op.Illegal,
        0x79 => rs2 == 0 && f3 == 0 ? Op.FmvDX : Op.Illegal,
        _ => Op.Illegal,
    };

    private static Op System(uint r, uint f3)
    {
        if (f3 == 4)
            return Op.Illegal;
        if (f3 != 0)
            return (Op)((int)Op.Csrrw + (f3 & 3) - 1 + (f3 >= 5 ? 3 : 0));
        if ((r >> 25) == 0x09 && ((r >> 7) & 31) == 0)
            return Op.SfenceVma;
        return r switch
        {
            0x00000073 => Op.Ecall,
            0x00100073 => Op.Ebreak,
            0x30200073 => Op.Mret,
            0x10200073 => Op.Sret,
            0x10500073 => Op.Wfi,
            _ => Op.Illegal,
        };
    }
}
