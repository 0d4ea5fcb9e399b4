namespace SharpVirt.Cpu.CodeGen;

/// <summary>x86-64 general-purpose registers, by encoding number.</summary>
public enum Reg
{
    Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi, R8, R9, R10, R11, R12, R13, R14, R15,
}

/// <summary>x86-64 condition codes (the low nibble of Jcc, SETcc and CMOVcc).</summary>
public enum Cond
{
    O = 0x0, B = 0x2, AE = 0x3, E = 0x4, NE = 0x5, BE = 0x6, A = 0x7, S = 0x8, L = 0xC, GE = 0xD, LE = 0xE, G = 0xF,
}

/// <summary>The two-operand ALU group: the opcode of "op r/m, reg" and the /digit of "op r/m, imm".</summary>
public enum AluOp
{
    Add = 0, Or = 1, And = 4, Sub = 5, Xor = 6, Cmp = 7,
}

/// <summary>The shift and rotate group (/digit of C1 and D3).</summary>
public enum ShiftOp
{
    Rol = 0, Ror = 1, Shl = 4, Shr = 5, Sar = 7,
}

/// <summary>
/// A minimal x86-64 encoder (Intel SDM vol. 2, ch. 2: REX prefixes, ModRM and SIB) writing into a fixed host
/// buffer: only the forms the baseline translator needs. Operand size is 64 bits unless <c>w</c> is false
/// (then 32, which zero-extends the destination).
/// </summary>
public sealed unsafe class X64Assembler(byte* start, int capacity)
{
    private int length;

    /// <summary>Bytes written so far.</summary>
    public int Length => length;

    public byte* Start => start;

    /// <summary>The buffer ran out (the code is then unusable).</summary>
    public bool Overflowed => length > capacity;

    private void Byte(int b)
    {
        if (length < capacity)
            start[length] = (byte)b;
        length++;
    }

    private void Int32(int v)
    {
        for (int i = 0; i < 4; i++)
            Byte(v >> (8 * i));
    }

    /// <summary>A REX prefix if any bit is needed (or <paramref name="force"/>, to reach SPL..DIL as bytes).</summary>
    private void Rex(bool w, int reg, int rm, bool force = false)
    {
        int rex = 0x40 | (w ? 8 : 0) | ((reg >> 3) & 1) << 2 | ((rm >> 3) & 1);
        if (rex != 0x40 || force)
            Byte(rex);
    }

    private void ModRmReg(int reg, int rm) => Byte(0xC0 | (reg & 7) << 3 | (rm & 7));

    /// <summary>ModRM (and SIB, displacement) for [base + disp].</summary>
    private void ModRmMem(int reg, Reg baseReg, int disp)
    {
        int rm = (int)baseReg & 7;
        int mod = disp == 0 && rm != 5 ? 0 : disp is >= -128 and <= 127 ? 1 : 2;
        Byte(mod << 6 | (reg & 7) << 3 | rm);
        if (rm == 4)
            Byte(0x24); // SIB: base only
        if (mod == 1)
            Byte(disp);
        else if (mod == 2)
            Int32(disp);
    }

    /// <summary>dst = [base + disp], <paramref name="size"/> bytes, sign- or zero-extended to 64 bits.</summary>
    public void Load(Reg dst, Reg baseReg, int disp, int size, bool signed)
    {
        int d = (int)dst, b = (int)baseReg;
        switch (size)
        {
            case 8: Rex(true, d, b); Byte(0x8B); break;
            case 4 when signed: Rex(true, d, b); Byte(0x63); break; // MOVSXD
            case 4: Rex(false, d, b); Byte(0x8B); break;
            case 2: Rex(signed, d, b); Byte(0x0F); Byte(signed ? 0xBF : 0xB7); break;
            default: Rex(signed, d, b); Byte(0x0F); Byte(signed ? 0xBE : 0xB6); break;
        }
        ModRmMem(d, baseReg, disp);
    }

    /// <summary>[base + disp] = the low <paramref name="size"/> bytes of src.</summary>
    public void Store(Reg baseReg, int disp, Reg src, int size)
    {
        int s = (int)src, b = (int)baseReg;
        if (size == 2)
            Byte(0x66);
        Rex(size == 8, s, b, force: size == 1);
        Byte(size == 1 ? 0x88 : 0x89);
        ModRmMem(s, baseReg, disp);
    }

    /// <summary>[base + disp] = imm sign-extended to 64 bits.</summary>
    public void StoreImm(Reg baseReg, int disp, int imm)
    {
        Rex(true, 0, (int)baseReg);
        Byte(0xC7);
        ModRmMem(0, baseReg, disp);
        Int32(imm);
    }

    public void MovImm(Reg dst, long imm)
    {
        int d = (int)dst;
        if (imm == 0)
            Op(AluOp.Xor, dst, dst, w: false);
        else if (imm is >= int.MinValue and <= int.MaxValue)
        {
            Rex(true, 0, d);
            Byte(0xC7);
            ModRmReg(0, d);
            Int32((int)imm);
        }
        else if (imm is >= 0 and <= uint.MaxValue)
        {
            Rex(false, 0, d);
            Byte(0xB8 + (d & 7));
            Int32((int)imm);
        }
        else
        {
            Rex(true, 0, d);
            Byte(0xB8 + (d & 7));
            Int32((int)imm);
            Int32((int)(imm >> 32));
        }
    }

    public void Mov(Reg dst, Reg src, bool w = true)
    {
        Rex(w, (int)src, (int)dst);
        Byte(0x89);
        ModRmReg((int)src, (int)dst);
    }

    /// <summary>dst = dst op src (Cmp only sets the flags of dst - src).</summary>
    public void Op(AluOp op, Reg dst, Reg src, bool w = true)
    {
        Rex(w, (int)src, (int)dst);
        Byte((int)op << 3 | 1);
        ModRmReg((int)src, (int)dst);
    }

    /// <summary>dst = dst op [base + disp] (64 bits).</summary>
    public void OpMem(AluOp op, Reg dst, Reg baseReg, int disp)
    {
        Rex(true, (int)dst, (int)baseReg);
        Byte((int)op << 3 | 3);
        ModRmMem((int)dst, baseReg, disp);
    }

    /// <summary>Flags of [base + disp] - src.</summary>
    public void CmpMem(Reg baseReg, int disp, Reg src, bool w = true)
    {
        Rex(w, (int)src, (int)baseReg);
        Byte(0x39);
        ModRmMem((int)src, baseReg, disp);
    }

    /// <summary>dst = dst op imm (imm sign-extended).</summary>
    public void Op(AluOp op, Reg dst, int imm, bool w = true)
    {
        Rex(w, 0, (int)dst);
        bool small = imm is >= -128 and <= 127;
        Byte(small ? 0x83 : 0x81);
        ModRmReg((int)op, (int)dst);
        if (small)
            Byte(imm);
        else
            Int32(imm);
    }

    public void Shift(ShiftOp op, Reg dst, int count, bool w = true)
    {
        Rex(w, 0, (int)dst);
        Byte(0xC1);
        ModRmReg((int)op, (int)dst);
        Byte(count);
    }

    /// <summary>Shifts dst by CL (masked to 6 bits, or 5 for 32-bit operands, as RISC-V does).</summary>
    public void ShiftByCl(ShiftOp op, Reg dst, bool w = true)
    {
        Rex(w, 0, (int)dst);
        Byte(0xD3);
        ModRmReg((int)op, (int)dst);
    }

    /// <summary>dst = dst * src (low bits).</summary>
    public void Imul(Reg dst, Reg src, bool w = true)
    {
        Rex(w, (int)dst, (int)src);
        Byte(0x0F);
        Byte(0xAF);
        ModRmReg((int)dst, (int)src);
    }

    /// <summary>RDX:RAX = RAX * src, signed (IMUL) or unsigned (MUL).</summary>
    public void WideMul(Reg src, bool signed)
    {
        Rex(true, 0, (int)src);
        Byte(0xF7);
        ModRmReg(signed ? 5 : 4, (int)src);
    }

    /// <summary>RDX:RAX (EDX:EAX) = RAX (EAX) sign-extended: CQO (CDQ), before a signed division.</summary>
    public void SignExtendIntoRdx(bool w = true)
    {
        Rex(w, 0, 0);
        Byte(0x99);
    }

    /// <summary>RAX = RDX:RAX / src, RDX = the remainder: IDIV or DIV (EDX:EAX by the low half for !w).</summary>
    public void Divide(Reg src, bool signed, bool w = true)
    {
        Rex(w, 0, (int)src);
        Byte(0xF7);
        ModRmReg(signed ? 7 : 6, (int)src);
    }

    /// <summary>dst = LZCNT (0xBD), TZCNT (0xBC) or POPCNT (0xB8) of src: the F3-prefixed bit counts.</summary>
    public void BitCount(int opcode, Reg dst, Reg src, bool w = true)
    {
        Byte(0xF3);
        Rex(w, (int)dst, (int)src);
        Byte(0x0F);
        Byte(opcode);
        ModRmReg((int)dst, (int)src);
    }

    public void Not(Reg dst)
    {
        Rex(true, 0, (int)dst);
        Byte(0xF7);
        ModRmReg(2, (int)dst);
    }

    /// <summary>dst = (cond) ? 1 : 0, all 64 bits.</summary>
    public void Set(Cond cond, Reg dst)
    {
        int d = (int)dst;
        Rex(false, 0, d, force: d >= 4);
        Byte(0x0F);
        Byte(0x90 | (int)cond);
        ModRmReg(0, d);
        Extend(dst, dst, 1, signed: false);
    }

    /// <summary>dst = src if cond.</summary>
    public void CMov(Cond cond, Reg dst, Reg src)
    {
        Rex(true, (int)dst, (int)src);
        Byte(0x0F);
        Byte(0x40 | (int)cond);
        ModRmReg((int)dst, (int)src);
    }

    /// <summary>dst = the low <paramref name="size"/> bytes of src, sign- or zero-extended to 64 bits.</summary>
    public void Extend(Reg dst, Reg src, int size, bool signed)
    {
        int d = (int)dst, s = (int)src;
        switch (size)
        {
            case 4 when signed: Rex(true, d, s); Byte(0x63); break; // MOVSXD
            case 4: Mov(dst, src, w: false); return;
            default:
                Rex(signed, d, s, force: size == 1 && s >= 4);
                Byte(0x0F);
                Byte((size == 2 ? 0xB7 : 0xB6) | (signed ? 8 : 0));
                break;
        }
        ModRmReg(d, s);
    }

    /// <summary>Reverses the bytes of dst.</summary>
    public void Bswap(Reg dst)
    {
        Rex(true, 0, (int)dst);
        Byte(0x0F);
        Byte(0xC8 + ((int)dst & 7));
    }

    /// <summary>BTS (5), BTR (6) or BTC (7) of dst's bit <paramref name="bit"/>.</summary>
    public void BitOp(int digit, Reg dst, int bit)
    {
        Rex(true, 0, (int)dst);
        Byte(0x0F);
        Byte(0xBA);
        ModRmReg(digit, (int)dst);
        Byte(bit);
    }

    /// <summary>BTS, BTR or BTC (by the same digits as <see cref="BitOp(int, Reg, int)"/>) of dst's bit src mod 64.</summary>
    public void BitOp(int digit, Reg dst, Reg src)
    {
        Rex(true, (int)src, (int)dst);
        Byte(0x0F);
        Byte(digit switch { 5 => 0xAB, 6 => 0xB3, _ => 0xBB });
        ModRmReg((int)src, (int)dst);
    }

    public void Lea(Reg dst, Reg baseReg, int disp)
    {
        Rex(true, (int)dst, (int)baseReg);
        Byte(0x8D);
        ModRmMem((int)dst, baseReg, disp);
    }

    /// <summary>A full barrier (LOCK OR [RSP], 0): orders earlier stores before later loads, as FENCE does.</summary>
    public void Fence()
    {
        Byte(0xF0);
        Byte(0x83);
        Byte(0x0C);
        Byte(0x24);
        Byte(0x00);
    }

    /// <summary>A forward jump if <paramref name="cond"/>, to be bound with <see cref="Bind"/>; returns its fixup.</summary>
    public int JumpIf(Cond cond)
    {
        Byte(0x0F);
        Byte(0x80 | (int)cond);
        Int32(0);
        return length;
    }

    /// <summary>Points the jump whose fixup is <paramref name="fixup"/> here.</summary>
    public void Bind(int fixup)
    {
        int rel = length - fixup;
        for (int i = 0; i < 4; i++)
            if (fixup - 4 + i < capacity)
                start[fixup - 4 + i] = (byte)(rel >> (8 * i));
    }

    /// <summary>A forward jump, to be bound with <see cref="Bind"/>; returns its fixup.</summary>
    public int Jump()
    {
        Byte(0xE9);
        Int32(0);
        return length;
    }

    /// <summary>jmp [base]: to the address held in memory.</summary>
    public void JumpIndirect(Reg baseReg)
    {
        Rex(false, 0, (int)baseReg);
        Byte(0xFF);
        ModRmMem(4, baseReg, 0);
    }

    /// <summary>jmp reg.</summary>
    public void JumpRegister(Reg target)
    {
        Rex(false, 0, (int)target);
        Byte(0xFF);
        ModRmReg(4, (int)target);
    }

    /// <summary>[base + disp] -= 1 (32 bits), setting the sign flag.</summary>
    public void DecrementMem(Reg baseReg, int disp)
    {
        Rex(false, 0, (int)baseReg);
        Byte(0xFF);
        ModRmMem(1, baseReg, disp);
    }

    /// <summary>Fills with INT3 up to <paramref name="offset"/> bytes from the start.</summary>
    public void PadTo(int offset)
    {
        while (length < offset)
            Byte(0xCC);
    }

    public void Ret() => Byte(0xC3);
}
