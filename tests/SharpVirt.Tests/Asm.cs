using System.Buffers.Binary;
using System.Numerics;

namespace SharpVirt.Tests;

/// <summary>
/// A small RV64GC + Zicsr + Zba/Zbb/Zbs assembler for building test programs without a toolchain.
/// Instance methods append one instruction (or a pseudo-instruction sequence) and return the builder;
/// <see cref="Encode"/> holds the same encoders as static functions returning the 32-bit word.
/// Method names are the mnemonic with each dot-separated part capitalized (<c>fcvt.w.s</c> = <c>FcvtWS</c>).
/// Operand order: destination first, then sources as in assembly syntax; loads are (rd, rs1, offset),
/// stores (rs2, rs1, offset), AMOs (rd, rs2, rs1); registers are 0..31 (x or f).
/// </summary>
public sealed class Asm
{
    /// <summary>Floating-point rounding modes (Unprivileged ISA, "F" extension, rounding mode encoding).</summary>
    public enum Rm
    {
        Rne = 0,
        Rtz = 1,
        Rdn = 2,
        Rup = 3,
        Rmm = 4,
        Dyn = 7,
    }

    /// <summary>Fence predecessor/successor set bits: i=8, o=4, r=2, w=1.</summary>
    public const int FenceIorw = 0b1111;

    private readonly List<byte> _bytes = new();
    private readonly Dictionary<string, int> _labels = new(StringComparer.Ordinal);
    private readonly List<Fixup> _fixups = new();

    // A label reference patched by Assemble: the word at Pos is produced from (target - Anchor).
    private readonly record struct Fixup(int Pos, int Anchor, string Label, Func<int, uint> Encode);

    /// <summary>Current size in bytes (the offset the next item is placed at).</summary>
    public int Position => _bytes.Count;

    /// <summary>Defines <paramref name="name"/> at the current position.</summary>
    public Asm Label(string name)
    {
        if (!_labels.TryAdd(name, _bytes.Count))
        {
            throw new InvalidOperationException($"Label '{name}' is already defined.");
        }

        return this;
    }

    /// <summary>Byte offset of a defined label from the start of the program.</summary>
    public int OffsetOf(string label) =>
        _labels.TryGetValue(label, out int pos) ? pos : throw new InvalidOperationException($"Undefined label '{label}'.");

    /// <summary>Resolves label references and returns the program image.</summary>
    /// <exception cref="InvalidOperationException">A label is undefined or a target is out of range.</exception>
    public byte[] Assemble()
    {
        byte[] image = _bytes.ToArray();
        foreach (Fixup f in _fixups)
        {
            int offset = OffsetOf(f.Label) - f.Anchor;
            uint word;
            try
            {
                word = f.Encode(offset);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new InvalidOperationException($"Label '{f.Label}' at offset {offset} is out of range at 0x{f.Pos:X}: {e.Message}", e);
            }

            BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(f.Pos), word);
        }

        return image;
    }

    // ---- Raw data ----

    /// <summary>Appends a 32-bit little-endian word (any instruction encoding).</summary>
    public Asm Word(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return Bytes(b);
    }

    /// <summary>Appends a 16-bit little-endian halfword (e.g. a compressed instruction).</summary>
    public Asm Half(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        return Bytes(b);
    }

    /// <summary>Appends a 64-bit little-endian doubleword.</summary>
    public Asm Dword(ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        return Bytes(b);
    }

    /// <summary>Appends raw bytes.</summary>
    public Asm Bytes(params ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            _bytes.Add(b);
        }

        return this;
    }

    /// <summary>Pads with zero bytes up to a multiple of <paramref name="n"/> (a power of two).</summary>
    public Asm Align(int n)
    {
        if (n <= 0 || !BitOperations.IsPow2(n))
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "Alignment must be a positive power of two.");
        }

        while (_bytes.Count % n != 0)
        {
            _bytes.Add(0);
        }

        return this;
    }

    private Asm Emit(uint word) => Word(word);

    private Asm EmitRef(string label, Func<int, uint> encode)
    {
        _fixups.Add(new Fixup(_bytes.Count, _bytes.Count, label, encode));
        return Word(0);
    }

    // ---- Pseudo-instructions (Unprivileged ISA, "Assembly Programmer's Handbook") ----

    /// <summary>Loads any 64-bit constant with lui/addi(w)/slli sequences.</summary>
    public Asm Li(int rd, long value)
    {
        foreach (uint w in Encode.Li(rd, value))
        {
            Emit(w);
        }

        return this;
    }

    /// <inheritdoc cref="Li(int, long)"/>
    public Asm Li(int rd, ulong value) => Li(rd, unchecked((long)value));

    /// <summary>Loads the address of <paramref name="label"/> (auipc + addi).</summary>
    public Asm La(int rd, string label)
    {
        int auipc = _bytes.Count;
        _fixups.Add(new Fixup(auipc, auipc, label, off => Encode.Auipc(rd, Encode.HiPart(off))));
        _fixups.Add(new Fixup(auipc + 4, auipc, label, off => Encode.Addi(rd, rd, Encode.LoPart(off))));
        return Word(0).Word(0);
    }

    public Asm Nop() => Emit(Encode.Nop());

    public Asm Mv(int rd, int rs) => Emit(Encode.Mv(rd, rs));

    public Asm Not(int rd, int rs) => Emit(Encode.Not(rd, rs));

    public Asm Neg(int rd, int rs) => Emit(Encode.Neg(rd, rs));

    public Asm Negw(int rd, int rs) => Emit(Encode.Negw(rd, rs));

    public Asm SextW(int rd, int rs) => Emit(Encode.SextW(rd, rs));

    public Asm Seqz(int rd, int rs) => Emit(Encode.Seqz(rd, rs));

    public Asm Snez(int rd, int rs) => Emit(Encode.Snez(rd, rs));

    public Asm Jr(int rs) => Emit(Encode.Jr(rs));

    public Asm Ret() => Emit(Encode.Ret());

    public Asm J(int offset) => Emit(Encode.J(offset));

    public Asm J(string label) => EmitRef(label, Encode.J);

    /// <summary><c>jal ra, label</c>.</summary>
    public Asm Jal(string label) => Jal(1, label);

    public Asm Jal(int rd, string label) => EmitRef(label, off => Encode.Jal(rd, off));

    public Asm Beqz(int rs, int offset) => Emit(Encode.Beqz(rs, offset));

    public Asm Beqz(int rs, string label) => EmitRef(label, off => Encode.Beqz(rs, off));

    public Asm Bnez(int rs, int offset) => Emit(Encode.Bnez(rs, offset));

    public Asm Bnez(int rs, string label) => EmitRef(label, off => Encode.Bnez(rs, off));

    public Asm Beq(int rs1, int rs2, string label) => EmitRef(label, off => Encode.Beq(rs1, rs2, off));

    public Asm Bne(int rs1, int rs2, string label) => EmitRef(label, off => Encode.Bne(rs1, rs2, off));

    public Asm Blt(int rs1, int rs2, string label) => EmitRef(label, off => Encode.Blt(rs1, rs2, off));

    public Asm Bge(int rs1, int rs2, string label) => EmitRef(label, off => Encode.Bge(rs1, rs2, off));

    public Asm Bltu(int rs1, int rs2, string label) => EmitRef(label, off => Encode.Bltu(rs1, rs2, off));

    public Asm Bgeu(int rs1, int rs2, string label) => EmitRef(label, off => Encode.Bgeu(rs1, rs2, off));

    // ---- RV64I (Unprivileged ISA, chapters "RV32I" and "RV64I") ----

    public Asm Lui(int rd, int imm20) => Emit(Encode.Lui(rd, imm20));

    public Asm Auipc(int rd, int imm20) => Emit(Encode.Auipc(rd, imm20));

    public Asm Jal(int rd, int offset) => Emit(Encode.Jal(rd, offset));

    public Asm Jalr(int rd, int rs1, int imm) => Emit(Encode.Jalr(rd, rs1, imm));

    public Asm Beq(int rs1, int rs2, int offset) => Emit(Encode.Beq(rs1, rs2, offset));

    public Asm Bne(int rs1, int rs2, int offset) => Emit(Encode.Bne(rs1, rs2, offset));

    public Asm Blt(int rs1, int rs2, int offset) => Emit(Encode.Blt(rs1, rs2, offset));

    public Asm Bge(int rs1, int rs2, int offset) => Emit(Encode.Bge(rs1, rs2, offset));

    public Asm Bltu(int rs1, int rs2, int offset) => Emit(Encode.Bltu(rs1, rs2, offset));

    public Asm Bgeu(int rs1, int rs2, int offset) => Emit(Encode.Bgeu(rs1, rs2, offset));

    public Asm Lb(int rd, int rs1, int imm) => Emit(Encode.Lb(rd, rs1, imm));

    public Asm Lh(int rd, int rs1, int imm) => Emit(Encode.Lh(rd, rs1, imm));

    public Asm Lw(int rd, int rs1, int imm) => Emit(Encode.Lw(rd, rs1, imm));

    public Asm Ld(int rd, int rs1, int imm) => Emit(Encode.Ld(rd, rs1, imm));

    public Asm Lbu(int rd, int rs1, int imm) => Emit(Encode.Lbu(rd, rs1, imm));

    public Asm Lhu(int rd, int rs1, int imm) => Emit(Encode.Lhu(rd, rs1, imm));

    public Asm Lwu(int rd, int rs1, int imm) => Emit(Encode.Lwu(rd, rs1, imm));

    public Asm Sb(int rs2, int rs1, int imm) => Emit(Encode.Sb(rs2, rs1, imm));

    public Asm Sh(int rs2, int rs1, int imm) => Emit(Encode.Sh(rs2, rs1, imm));

    public Asm Sw(int rs2, int rs1, int imm) => Emit(Encode.Sw(rs2, rs1, imm));

    public Asm Sd(int rs2, int rs1, int imm) => Emit(Encode.Sd(rs2, rs1, imm));

    public Asm Addi(int rd, int rs1, int imm) => Emit(Encode.Addi(rd, rs1, imm));

    public Asm Slti(int rd, int rs1, int imm) => Emit(Encode.Slti(rd, rs1, imm));

    public Asm Sltiu(int rd, int rs1, int imm) => Emit(Encode.Sltiu(rd, rs1, imm));

    public Asm Xori(int rd, int rs1, int imm) => Emit(Encode.Xori(rd, rs1, imm));

    public Asm Ori(int rd, int rs1, int imm) => Emit(Encode.Ori(rd, rs1, imm));

    public Asm Andi(int rd, int rs1, int imm) => Emit(Encode.Andi(rd, rs1, imm));

    public Asm Slli(int rd, int rs1, int shamt) => Emit(Encode.Slli(rd, rs1, shamt));

    public Asm Srli(int rd, int rs1, int shamt) => Emit(Encode.Srli(rd, rs1, shamt));

    public Asm Srai(int rd, int rs1, int shamt) => Emit(Encode.Srai(rd, rs1, shamt));

    public Asm Add(int rd, int rs1, int rs2) => Emit(Encode.Add(rd, rs1, rs2));

    public Asm Sub(int rd, int rs1, int rs2) => Emit(Encode.Sub(rd, rs1, rs2));

    public Asm Sll(int rd, int rs1, int rs2) => Emit(Encode.Sll(rd, rs1, rs2));

    public Asm Slt(int rd, int rs1, int rs2) => Emit(Encode.Slt(rd, rs1, rs2));

    public Asm Sltu(int rd, int rs1, int rs2) => Emit(Encode.Sltu(rd, rs1, rs2));

    public Asm Xor(int rd, int rs1, int rs2) => Emit(Encode.Xor(rd, rs1, rs2));

    public Asm Srl(int rd, int rs1, int rs2) => Emit(Encode.Srl(rd, rs1, rs2));

    public Asm Sra(int rd, int rs1, int rs2) => Emit(Encode.Sra(rd, rs1, rs2));

    public Asm Or(int rd, int rs1, int rs2) => Emit(Encode.Or(rd, rs1, rs2));

    public Asm And(int rd, int rs1, int rs2) => Emit(Encode.And(rd, rs1, rs2));

    public Asm Fence(int pred = FenceIorw, int succ = FenceIorw) => Emit(Encode.Fence(pred, succ));

    public Asm FenceTso() => Emit(Encode.FenceTso());

    public Asm FenceI() => Emit(Encode.FenceI());

    public Asm Ecall() => Emit(Encode.Ecall());

    public Asm Ebreak() => Emit(Encode.Ebreak());

    public Asm Addiw(int rd, int rs1, int imm) => Emit(Encode.Addiw(rd, rs1, imm));

    public Asm Slliw(int rd, int rs1, int shamt) => Emit(Encode.Slliw(rd, rs1, shamt));

    public Asm Srliw(int rd, int rs1, int shamt) => Emit(Encode.Srliw(rd, rs1, shamt));

    public Asm Sraiw(int rd, int rs1, int shamt) => Emit(Encode.Sraiw(rd, rs1, shamt));

    public Asm Addw(int rd, int rs1, int rs2) => Emit(Encode.Addw(rd, rs1, rs2));

    public Asm Subw(int rd, int rs1, int rs2) => Emit(Encode.Subw(rd, rs1, rs2));

    public Asm Sllw(int rd, int rs1, int rs2) => Emit(Encode.Sllw(rd, rs1, rs2));

    public Asm Srlw(int rd, int rs1, int rs2) => Emit(Encode.Srlw(rd, rs1, rs2));

    public Asm Sraw(int rd, int rs1, int rs2) => Emit(Encode.Sraw(rd, rs1, rs2));

    // ---- M ----

    public Asm Mul(int rd, int rs1, int rs2) => Emit(Encode.Mul(rd, rs1, rs2));

    public Asm Mulh(int rd, int rs1, int rs2) => Emit(Encode.Mulh(rd, rs1, rs2));

    public Asm Mulhsu(int rd, int rs1, int rs2) => Emit(Encode.Mulhsu(rd, rs1, rs2));

    public Asm Mulhu(int rd, int rs1, int rs2) => Emit(Encode.Mulhu(rd, rs1, rs2));

    public Asm Div(int rd, int rs1, int rs2) => Emit(Encode.Div(rd, rs1, rs2));

    public Asm Divu(int rd, int rs1, int rs2) => Emit(Encode.Divu(rd, rs1, rs2));

    public Asm Rem(int rd, int rs1, int rs2) => Emit(Encode.Rem(rd, rs1, rs2));

    public Asm Remu(int rd, int rs1, int rs2) => Emit(Encode.Remu(rd, rs1, rs2));

    public Asm Mulw(int rd, int rs1, int rs2) => Emit(Encode.Mulw(rd, rs1, rs2));

    public Asm Divw(int rd, int rs1, int rs2) => Emit(Encode.Divw(rd, rs1, rs2));

    public Asm Divuw(int rd, int rs1, int rs2) => Emit(Encode.Divuw(rd, rs1, rs2));

    public Asm Remw(int rd, int rs1, int rs2) => Emit(Encode.Remw(rd, rs1, rs2));

    public Asm Remuw(int rd, int rs1, int rs2) => Emit(Encode.Remuw(rd, rs1, rs2));

    // ---- A ----

    public Asm LrW(int rd, int rs1, bool aq = false, bool rl = false) => Emit(Encode.LrW(rd, rs1, aq, rl));

    public Asm ScW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.ScW(rd, rs2, rs1, aq, rl));

    public Asm AmoswapW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmoswapW(rd, rs2, rs1, aq, rl));

    public Asm AmoaddW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmoaddW(rd, rs2, rs1, aq, rl));

    public Asm AmoxorW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmoxorW(rd, rs2, rs1, aq, rl));

    public Asm AmoandW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmoandW(rd, rs2, rs1, aq, rl));

    public Asm AmoorW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmoorW(rd, rs2, rs1, aq, rl));

    public Asm AmominW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmominW(rd, rs2, rs1, aq, rl));

    public Asm AmomaxW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmomaxW(rd, rs2, rs1, aq, rl));

    public Asm AmominuW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmominuW(rd, rs2, rs1, aq, rl));

    public Asm AmomaxuW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmomaxuW(rd, rs2, rs1, aq, rl));

    public Asm LrD(int rd, int rs1, bool aq = false, bool rl = false) => Emit(Encode.LrD(rd, rs1, aq, rl));

    public Asm ScD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.ScD(rd, rs2, rs1, aq, rl));

    public Asm AmoswapD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmoswapD(rd, rs2, rs1, aq, rl));

    public Asm AmoaddD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmoaddD(rd, rs2, rs1, aq, rl));

    public Asm AmoxorD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmoxorD(rd, rs2, rs1, aq, rl));

    public Asm AmoandD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmoandD(rd, rs2, rs1, aq, rl));

    public Asm AmoorD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmoorD(rd, rs2, rs1, aq, rl));

    public Asm AmominD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmominD(rd, rs2, rs1, aq, rl));

    public Asm AmomaxD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmomaxD(rd, rs2, rs1, aq, rl));

    public Asm AmominuD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmominuD(rd, rs2, rs1, aq, rl));

    public Asm AmomaxuD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Emit(Encode.AmomaxuD(rd, rs2, rs1, aq, rl));

    // ---- F ----

    public Asm Flw(int rd, int rs1, int imm) => Emit(Encode.Flw(rd, rs1, imm));

    public Asm Fsw(int rs2, int rs1, int imm) => Emit(Encode.Fsw(rs2, rs1, imm));

    public Asm FmaddS(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => Emit(Encode.FmaddS(rd, rs1, rs2, rs3, rm));

    public Asm FmsubS(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => Emit(Encode.FmsubS(rd, rs1, rs2, rs3, rm));

    public Asm FnmsubS(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => Emit(Encode.FnmsubS(rd, rs1, rs2, rs3, rm));

    public Asm FnmaddS(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => Emit(Encode.FnmaddS(rd, rs1, rs2, rs3, rm));

    public Asm FaddS(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => Emit(Encode.FaddS(rd, rs1, rs2, rm));

    public Asm FsubS(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => Emit(Encode.FsubS(rd, rs1, rs2, rm));

    public Asm FmulS(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => Emit(Encode.FmulS(rd, rs1, rs2, rm));

    public Asm FdivS(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => Emit(Encode.FdivS(rd, rs1, rs2, rm));

    public Asm FsqrtS(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FsqrtS(rd, rs1, rm));

    public Asm FsgnjS(int rd, int rs1, int rs2) => Emit(Encode.FsgnjS(rd, rs1, rs2));

    public Asm FsgnjnS(int rd, int rs1, int rs2) => Emit(Encode.FsgnjnS(rd, rs1, rs2));

    public Asm FsgnjxS(int rd, int rs1, int rs2) => Emit(Encode.FsgnjxS(rd, rs1, rs2));

    public Asm FminS(int rd, int rs1, int rs2) => Emit(Encode.FminS(rd, rs1, rs2));

    public Asm FmaxS(int rd, int rs1, int rs2) => Emit(Encode.FmaxS(rd, rs1, rs2));

    public Asm FcvtWS(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtWS(rd, rs1, rm));

    public Asm FcvtWuS(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtWuS(rd, rs1, rm));

    public Asm FcvtLS(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtLS(rd, rs1, rm));

    public Asm FcvtLuS(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtLuS(rd, rs1, rm));

    public Asm FcvtSW(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtSW(rd, rs1, rm));

    public Asm FcvtSWu(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtSWu(rd, rs1, rm));

    public Asm FcvtSL(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtSL(rd, rs1, rm));

    public Asm FcvtSLu(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtSLu(rd, rs1, rm));

    public Asm FmvXW(int rd, int rs1) => Emit(Encode.FmvXW(rd, rs1));

    public Asm FmvWX(int rd, int rs1) => Emit(Encode.FmvWX(rd, rs1));

    public Asm FeqS(int rd, int rs1, int rs2) => Emit(Encode.FeqS(rd, rs1, rs2));

    public Asm FltS(int rd, int rs1, int rs2) => Emit(Encode.FltS(rd, rs1, rs2));

    public Asm FleS(int rd, int rs1, int rs2) => Emit(Encode.FleS(rd, rs1, rs2));

    public Asm FclassS(int rd, int rs1) => Emit(Encode.FclassS(rd, rs1));

    // ---- D ----

    public Asm Fld(int rd, int rs1, int imm) => Emit(Encode.Fld(rd, rs1, imm));

    public Asm Fsd(int rs2, int rs1, int imm) => Emit(Encode.Fsd(rs2, rs1, imm));

    public Asm FmaddD(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => Emit(Encode.FmaddD(rd, rs1, rs2, rs3, rm));

    public Asm FmsubD(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => Emit(Encode.FmsubD(rd, rs1, rs2, rs3, rm));

    public Asm FnmsubD(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => Emit(Encode.FnmsubD(rd, rs1, rs2, rs3, rm));

    public Asm FnmaddD(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => Emit(Encode.FnmaddD(rd, rs1, rs2, rs3, rm));

    public Asm FaddD(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => Emit(Encode.FaddD(rd, rs1, rs2, rm));

    public Asm FsubD(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => Emit(Encode.FsubD(rd, rs1, rs2, rm));

    public Asm FmulD(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => Emit(Encode.FmulD(rd, rs1, rs2, rm));

    public Asm FdivD(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => Emit(Encode.FdivD(rd, rs1, rs2, rm));

    public Asm FsqrtD(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FsqrtD(rd, rs1, rm));

    public Asm FsgnjD(int rd, int rs1, int rs2) => Emit(Encode.FsgnjD(rd, rs1, rs2));

    public Asm FsgnjnD(int rd, int rs1, int rs2) => Emit(Encode.FsgnjnD(rd, rs1, rs2));

    public Asm FsgnjxD(int rd, int rs1, int rs2) => Emit(Encode.FsgnjxD(rd, rs1, rs2));

    public Asm FminD(int rd, int rs1, int rs2) => Emit(Encode.FminD(rd, rs1, rs2));

    public Asm FmaxD(int rd, int rs1, int rs2) => Emit(Encode.FmaxD(rd, rs1, rs2));

    public Asm FcvtSD(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtSD(rd, rs1, rm));

    public Asm FcvtDS(int rd, int rs1, Rm rm = Rm.Rne) => Emit(Encode.FcvtDS(rd, rs1, rm));

    public Asm FeqD(int rd, int rs1, int rs2) => Emit(Encode.FeqD(rd, rs1, rs2));

    public Asm FltD(int rd, int rs1, int rs2) => Emit(Encode.FltD(rd, rs1, rs2));

    public Asm FleD(int rd, int rs1, int rs2) => Emit(Encode.FleD(rd, rs1, rs2));

    public Asm FclassD(int rd, int rs1) => Emit(Encode.FclassD(rd, rs1));

    public Asm FcvtWD(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtWD(rd, rs1, rm));

    public Asm FcvtWuD(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtWuD(rd, rs1, rm));

    public Asm FcvtLD(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtLD(rd, rs1, rm));

    public Asm FcvtLuD(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtLuD(rd, rs1, rm));

    public Asm FcvtDW(int rd, int rs1, Rm rm = Rm.Rne) => Emit(Encode.FcvtDW(rd, rs1, rm));

    public Asm FcvtDWu(int rd, int rs1, Rm rm = Rm.Rne) => Emit(Encode.FcvtDWu(rd, rs1, rm));

    public Asm FcvtDL(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtDL(rd, rs1, rm));

    public Asm FcvtDLu(int rd, int rs1, Rm rm = Rm.Dyn) => Emit(Encode.FcvtDLu(rd, rs1, rm));

    public Asm FmvXD(int rd, int rs1) => Emit(Encode.FmvXD(rd, rs1));

    public Asm FmvDX(int rd, int rs1) => Emit(Encode.FmvDX(rd, rs1));

    // ---- Zicsr ----

    public Asm Csrrw(int rd, int csr, int rs1) => Emit(Encode.Csrrw(rd, csr, rs1));

    public Asm Csrrs(int rd, int csr, int rs1) => Emit(Encode.Csrrs(rd, csr, rs1));

    public Asm Csrrc(int rd, int csr, int rs1) => Emit(Encode.Csrrc(rd, csr, rs1));

    public Asm Csrrwi(int rd, int csr, int uimm) => Emit(Encode.Csrrwi(rd, csr, uimm));

    public Asm Csrrsi(int rd, int csr, int uimm) => Emit(Encode.Csrrsi(rd, csr, uimm));

    public Asm Csrrci(int rd, int csr, int uimm) => Emit(Encode.Csrrci(rd, csr, uimm));

    public Asm Csrr(int rd, int csr) => Emit(Encode.Csrr(rd, csr));

    public Asm Csrw(int csr, int rs1) => Emit(Encode.Csrw(csr, rs1));

    public Asm Csrs(int csr, int rs1) => Emit(Encode.Csrs(csr, rs1));

    public Asm Csrc(int csr, int rs1) => Emit(Encode.Csrc(csr, rs1));

    // ---- Privileged ----

    public Asm Mret() => Emit(Encode.Mret());

    public Asm Sret() => Emit(Encode.Sret());

    public Asm Wfi() => Emit(Encode.Wfi());

    public Asm SfenceVma(int rs1 = 0, int rs2 = 0) => Emit(Encode.SfenceVma(rs1, rs2));

    // ---- Zba ----

    public Asm AddUw(int rd, int rs1, int rs2) => Emit(Encode.AddUw(rd, rs1, rs2));

    public Asm Sh1add(int rd, int rs1, int rs2) => Emit(Encode.Sh1add(rd, rs1, rs2));

    public Asm Sh2add(int rd, int rs1, int rs2) => Emit(Encode.Sh2add(rd, rs1, rs2));

    public Asm Sh3add(int rd, int rs1, int rs2) => Emit(Encode.Sh3add(rd, rs1, rs2));

    public Asm Sh1addUw(int rd, int rs1, int rs2) => Emit(Encode.Sh1addUw(rd, rs1, rs2));

    public Asm Sh2addUw(int rd, int rs1, int rs2) => Emit(Encode.Sh2addUw(rd, rs1, rs2));

    public Asm Sh3addUw(int rd, int rs1, int rs2) => Emit(Encode.Sh3addUw(rd, rs1, rs2));

    public Asm SlliUw(int rd, int rs1, int shamt) => Emit(Encode.SlliUw(rd, rs1, shamt));

    // ---- Zbb ----

    public Asm Andn(int rd, int rs1, int rs2) => Emit(Encode.Andn(rd, rs1, rs2));

    public Asm Orn(int rd, int rs1, int rs2) => Emit(Encode.Orn(rd, rs1, rs2));

    public Asm Xnor(int rd, int rs1, int rs2) => Emit(Encode.Xnor(rd, rs1, rs2));

    public Asm Clz(int rd, int rs1) => Emit(Encode.Clz(rd, rs1));

    public Asm Clzw(int rd, int rs1) => Emit(Encode.Clzw(rd, rs1));

    public Asm Ctz(int rd, int rs1) => Emit(Encode.Ctz(rd, rs1));

    public Asm Ctzw(int rd, int rs1) => Emit(Encode.Ctzw(rd, rs1));

    public Asm Cpop(int rd, int rs1) => Emit(Encode.Cpop(rd, rs1));

    public Asm Cpopw(int rd, int rs1) => Emit(Encode.Cpopw(rd, rs1));

    public Asm Max(int rd, int rs1, int rs2) => Emit(Encode.Max(rd, rs1, rs2));

    public Asm Maxu(int rd, int rs1, int rs2) => Emit(Encode.Maxu(rd, rs1, rs2));

    public Asm Min(int rd, int rs1, int rs2) => Emit(Encode.Min(rd, rs1, rs2));

    public Asm Minu(int rd, int rs1, int rs2) => Emit(Encode.Minu(rd, rs1, rs2));

    public Asm SextB(int rd, int rs1) => Emit(Encode.SextB(rd, rs1));

    public Asm SextH(int rd, int rs1) => Emit(Encode.SextH(rd, rs1));

    public Asm ZextH(int rd, int rs1) => Emit(Encode.ZextH(rd, rs1));

    public Asm Rol(int rd, int rs1, int rs2) => Emit(Encode.Rol(rd, rs1, rs2));

    public Asm Rolw(int rd, int rs1, int rs2) => Emit(Encode.Rolw(rd, rs1, rs2));

    public Asm Ror(int rd, int rs1, int rs2) => Emit(Encode.Ror(rd, rs1, rs2));

    public Asm Rorw(int rd, int rs1, int rs2) => Emit(Encode.Rorw(rd, rs1, rs2));

    public Asm Rori(int rd, int rs1, int shamt) => Emit(Encode.Rori(rd, rs1, shamt));

    public Asm Roriw(int rd, int rs1, int shamt) => Emit(Encode.Roriw(rd, rs1, shamt));

    public Asm OrcB(int rd, int rs1) => Emit(Encode.OrcB(rd, rs1));

    public Asm Rev8(int rd, int rs1) => Emit(Encode.Rev8(rd, rs1));

    // ---- Zbs ----

    public Asm Bclr(int rd, int rs1, int rs2) => Emit(Encode.Bclr(rd, rs1, rs2));

    public Asm Bclri(int rd, int rs1, int shamt) => Emit(Encode.Bclri(rd, rs1, shamt));

    public Asm Bext(int rd, int rs1, int rs2) => Emit(Encode.Bext(rd, rs1, rs2));

    public Asm Bexti(int rd, int rs1, int shamt) => Emit(Encode.Bexti(rd, rs1, shamt));

    public Asm Binv(int rd, int rs1, int rs2) => Emit(Encode.Binv(rd, rs1, rs2));

    public Asm Binvi(int rd, int rs1, int shamt) => Emit(Encode.Binvi(rd, rs1, shamt));

    public Asm Bset(int rd, int rs1, int rs2) => Emit(Encode.Bset(rd, rs1, rs2));

    public Asm Bseti(int rd, int rs1, int shamt) => Emit(Encode.Bseti(rd, rs1, shamt));

    /// <summary>
    /// Static instruction encoders; each returns the 32-bit instruction word and throws
    /// <see cref="ArgumentOutOfRangeException"/> for a bad register, immediate or offset.
    /// </summary>
    public static class Encode
    {
        // Major opcodes (Unprivileged ISA, "RV32/64G Instruction Set Listings", opcode map).
        private const int OpLoad = 0x03;
        private const int OpLoadFp = 0x07;
        private const int OpMiscMem = 0x0F;
        private const int OpImm = 0x13;
        private const int OpAuipc = 0x17;
        private const int OpImm32 = 0x1B;
        private const int OpStore = 0x23;
        private const int OpStoreFp = 0x27;
        private const int OpAmo = 0x2F;
        private const int OpOp = 0x33;
        private const int OpLui = 0x37;
        private const int OpOp32 = 0x3B;
        private const int OpMadd = 0x43;
        private const int OpMsub = 0x47;
        private const int OpNmsub = 0x4B;
        private const int OpNmadd = 0x4F;
        private const int OpFp = 0x53;
        private const int OpBranch = 0x63;
        private const int OpJalr = 0x67;
        private const int OpJal = 0x6F;
        private const int OpSystem = 0x73;

        // ---- Base formats ("Base Instruction Formats" / "Immediate Encoding Variants") ----

        public static uint RType(int funct7, int rs2, int rs1, int funct3, int rd, int opcode) =>
            (Field(funct7, 7, nameof(funct7)) << 25) | (Reg(rs2, nameof(rs2)) << 20) | (Reg(rs1, nameof(rs1)) << 15)
            | (Field(funct3, 3, nameof(funct3)) << 12) | (Reg(rd, nameof(rd)) << 7) | Field(opcode, 7, nameof(opcode));

        /// <summary>R4-type (fused multiply-add): rs3 | fmt | rs2 | rs1 | rm | rd | opcode.</summary>
        public static uint R4Type(int rs3, int fmt, int rs2, int rs1, int rm, int rd, int opcode) =>
            (Reg(rs3, nameof(rs3)) << 27) | RType((int)Field(fmt, 2, nameof(fmt)), rs2, rs1, rm, rd, opcode);

        public static uint IType(int imm, int rs1, int funct3, int rd, int opcode) =>
            ((uint)Signed(imm, 12, nameof(imm)) << 20) | RType(0, 0, rs1, funct3, rd, opcode);

        public static uint SType(int imm, int rs2, int rs1, int funct3, int opcode)
        {
            uint u = (uint)Signed(imm, 12, nameof(imm));
            return ((u >> 5) << 25) | ((u & 0x1F) << 7) | RType(0, rs2, rs1, funct3, 0, opcode);
        }

        /// <summary>B-type; <paramref name="offset"/> is even, within ±4 KiB.</summary>
        public static uint BType(int offset, int rs2, int rs1, int funct3, int opcode = OpBranch)
        {
            uint u = (uint)Signed(Even(offset, nameof(offset)), 13, nameof(offset));
            return (((u >> 12) & 1) << 31) | (((u >> 5) & 0x3F) << 25) | (((u >> 1) & 0xF) << 8) | (((u >> 11) & 1) << 7)
                | RType(0, rs2, rs1, funct3, 0, opcode);
        }

        /// <summary>U-type; <paramref name="imm20"/> is the 20-bit upper immediate field (-0x80000..0xFFFFF).</summary>
        public static uint UType(int imm20, int rd, int opcode)
        {
            if (imm20 < -0x80000 || imm20 > 0xFFFFF)
            {
                throw new ArgumentOutOfRangeException(nameof(imm20), imm20, "Upper immediate does not fit in 20 bits.");
            }

            return ((uint)imm20 << 12) | RType(0, 0, 0, 0, rd, opcode);
        }

        /// <summary>J-type; <paramref name="offset"/> is even, within ±1 MiB.</summary>
        public static uint JType(int offset, int rd, int opcode)
        {
            uint u = (uint)Signed(Even(offset, nameof(offset)), 21, nameof(offset));
            return (((u >> 20) & 1) << 31) | (((u >> 1) & 0x3FF) << 21) | (((u >> 11) & 1) << 20) | (((u >> 12) & 0xFF) << 12)
                | RType(0, 0, 0, 0, rd, opcode);
        }

        /// <summary>Upper 20 bits for an auipc/lui + addi pair reaching <paramref name="value"/>.</summary>
        public static int HiPart(int value) => (int)(((long)value + 0x800) >> 12) << 12 >> 12;

        /// <summary>Sign-extended low 12 bits for an auipc/lui + addi pair reaching <paramref name="value"/>.</summary>
        public static int LoPart(int value) => value << 20 >> 20;

        // ---- Pseudo-instructions ("Assembly Programmer's Handbook", pseudoinstruction table) ----

        public static uint Nop() => Addi(0, 0, 0);

        public static uint Mv(int rd, int rs) => Addi(rd, rs, 0);

        public static uint Not(int rd, int rs) => Xori(rd, rs, -1);

        public static uint Neg(int rd, int rs) => Sub(rd, 0, rs);

        public static uint Negw(int rd, int rs) => Subw(rd, 0, rs);

        public static uint SextW(int rd, int rs) => Addiw(rd, rs, 0);

        public static uint Seqz(int rd, int rs) => Sltiu(rd, rs, 1);

        public static uint Snez(int rd, int rs) => Sltu(rd, 0, rs);

        public static uint Beqz(int rs, int offset) => Beq(rs, 0, offset);

        public static uint Bnez(int rs, int offset) => Bne(rs, 0, offset);

        public static uint J(int offset) => Jal(0, offset);

        public static uint Jr(int rs) => Jalr(0, rs, 0);

        public static uint Ret() => Jalr(0, 1, 0);

        /// <summary>
        /// lui/addiw/addi/slli sequence that loads <paramref name="value"/> into rd: 32-bit values take
        /// lui+addiw (or one addi); wider ones load the upper bits recursively, shift, then add the low 12.
        /// </summary>
        public static uint[] Li(int rd, long value)
        {
            var seq = new List<uint>();
            LiInto(seq, rd, value);
            return seq.ToArray();
        }

        private static void LiInto(List<uint> seq, int rd, long value)
        {
            int lo12 = (int)(value << 52 >> 52);
            if (value == (int)value)
            {
                int hi20 = (int)((value + 0x800) >> 12) & 0xFFFFF;
                if (hi20 != 0)
                {
                    seq.Add(Lui(rd, hi20));
                    if (lo12 != 0)
                    {
                        seq.Add(Addiw(rd, rd, lo12)); // addiw re-sign-extends from bit 31 on RV64
                    }
                }
                else
                {
                    seq.Add(Addi(rd, 0, lo12));
                }

                return;
            }

            // Upper 52 bits, rounded so that adding lo12 back lands on value (wrapping arithmetic).
            long hi52 = unchecked((long)(((ulong)value + 0x800) >> 12)) << 12 >> 12;
            int shift = 12 + BitOperations.TrailingZeroCount(hi52);
            LiInto(seq, rd, hi52 >> (shift - 12));
            seq.Add(Slli(rd, rd, shift));
            if (lo12 != 0)
            {
                seq.Add(Addi(rd, rd, lo12));
            }
        }

        // ---- RV64I ----

        public static uint Lui(int rd, int imm20) => UType(imm20, rd, OpLui);

        public static uint Auipc(int rd, int imm20) => UType(imm20, rd, OpAuipc);

        public static uint Jal(int rd, int offset) => JType(offset, rd, OpJal);

        public static uint Jalr(int rd, int rs1, int imm) => IType(imm, rs1, 0, rd, OpJalr);

        public static uint Beq(int rs1, int rs2, int offset) => BType(offset, rs2, rs1, 0);

        public static uint Bne(int rs1, int rs2, int offset) => BType(offset, rs2, rs1, 1);

        public static uint Blt(int rs1, int rs2, int offset) => BType(offset, rs2, rs1, 4);

        public static uint Bge(int rs1, int rs2, int offset) => BType(offset, rs2, rs1, 5);

        public static uint Bltu(int rs1, int rs2, int offset) => BType(offset, rs2, rs1, 6);

        public static uint Bgeu(int rs1, int rs2, int offset) => BType(offset, rs2, rs1, 7);

        public static uint Lb(int rd, int rs1, int imm) => IType(imm, rs1, 0, rd, OpLoad);

        public static uint Lh(int rd, int rs1, int imm) => IType(imm, rs1, 1, rd, OpLoad);

        public static uint Lw(int rd, int rs1, int imm) => IType(imm, rs1, 2, rd, OpLoad);

        public static uint Ld(int rd, int rs1, int imm) => IType(imm, rs1, 3, rd, OpLoad);

        public static uint Lbu(int rd, int rs1, int imm) => IType(imm, rs1, 4, rd, OpLoad);

        public static uint Lhu(int rd, int rs1, int imm) => IType(imm, rs1, 5, rd, OpLoad);

        public static uint Lwu(int rd, int rs1, int imm) => IType(imm, rs1, 6, rd, OpLoad);

        public static uint Sb(int rs2, int rs1, int imm) => SType(imm, rs2, rs1, 0, OpStore);

        public static uint Sh(int rs2, int rs1, int imm) => SType(imm, rs2, rs1, 1, OpStore);

        public static uint Sw(int rs2, int rs1, int imm) => SType(imm, rs2, rs1, 2, OpStore);

        public static uint Sd(int rs2, int rs1, int imm) => SType(imm, rs2, rs1, 3, OpStore);

        public static uint Addi(int rd, int rs1, int imm) => IType(imm, rs1, 0, rd, OpImm);

        public static uint Slti(int rd, int rs1, int imm) => IType(imm, rs1, 2, rd, OpImm);

        public static uint Sltiu(int rd, int rs1, int imm) => IType(imm, rs1, 3, rd, OpImm);

        public static uint Xori(int rd, int rs1, int imm) => IType(imm, rs1, 4, rd, OpImm);

        public static uint Ori(int rd, int rs1, int imm) => IType(imm, rs1, 6, rd, OpImm);

        public static uint Andi(int rd, int rs1, int imm) => IType(imm, rs1, 7, rd, OpImm);

        // RV64 shifts: imm[11:6] = funct6, imm[5:0] = shamt.
        public static uint Slli(int rd, int rs1, int shamt) => Shift(0x00, shamt, 6, rs1, 1, rd, OpImm);

        public static uint Srli(int rd, int rs1, int shamt) => Shift(0x00, shamt, 6, rs1, 5, rd, OpImm);

        public static uint Srai(int rd, int rs1, int shamt) => Shift(0x400, shamt, 6, rs1, 5, rd, OpImm);

        public static uint Add(int rd, int rs1, int rs2) => RType(0x00, rs2, rs1, 0, rd, OpOp);

        public static uint Sub(int rd, int rs1, int rs2) => RType(0x20, rs2, rs1, 0, rd, OpOp);

        public static uint Sll(int rd, int rs1, int rs2) => RType(0x00, rs2, rs1, 1, rd, OpOp);

        public static uint Slt(int rd, int rs1, int rs2) => RType(0x00, rs2, rs1, 2, rd, OpOp);

        public static uint Sltu(int rd, int rs1, int rs2) => RType(0x00, rs2, rs1, 3, rd, OpOp);

        public static uint Xor(int rd, int rs1, int rs2) => RType(0x00, rs2, rs1, 4, rd, OpOp);

        public static uint Srl(int rd, int rs1, int rs2) => RType(0x00, rs2, rs1, 5, rd, OpOp);

        public static uint Sra(int rd, int rs1, int rs2) => RType(0x20, rs2, rs1, 5, rd, OpOp);

        public static uint Or(int rd, int rs1, int rs2) => RType(0x00, rs2, rs1, 6, rd, OpOp);

        public static uint And(int rd, int rs1, int rs2) => RType(0x00, rs2, rs1, 7, rd, OpOp);

        /// <summary>fence pred, succ (sets: i=8, o=4, r=2, w=1); fm=0.</summary>
        public static uint Fence(int pred = FenceIorw, int succ = FenceIorw) =>
            IType((int)((Field(pred, 4, nameof(pred)) << 4) | Field(succ, 4, nameof(succ))), 0, 0, 0, OpMiscMem);

        /// <summary>fence.tso: fm=1000, pred=succ=rw.</summary>
        public static uint FenceTso() => 0x8330_000F;

        /// <summary>fence.i (Zifencei).</summary>
        public static uint FenceI() => IType(0, 0, 1, 0, OpMiscMem);

        public static uint Ecall() => IType(0, 0, 0, 0, OpSystem);

        public static uint Ebreak() => IType(1, 0, 0, 0, OpSystem);

        public static uint Addiw(int rd, int rs1, int imm) => IType(imm, rs1, 0, rd, OpImm32);

        public static uint Slliw(int rd, int rs1, int shamt) => Shift(0x00, shamt, 5, rs1, 1, rd, OpImm32);

        public static uint Srliw(int rd, int rs1, int shamt) => Shift(0x00, shamt, 5, rs1, 5, rd, OpImm32);

        public static uint Sraiw(int rd, int rs1, int shamt) => Shift(0x400, shamt, 5, rs1, 5, rd, OpImm32);

        public static uint Addw(int rd, int rs1, int rs2) => RType(0x00, rs2, rs1, 0, rd, OpOp32);

        public static uint Subw(int rd, int rs1, int rs2) => RType(0x20, rs2, rs1, 0, rd, OpOp32);

        public static uint Sllw(int rd, int rs1, int rs2) => RType(0x00, rs2, rs1, 1, rd, OpOp32);

        public static uint Srlw(int rd, int rs1, int rs2) => RType(0x00, rs2, rs1, 5, rd, OpOp32);

        public static uint Sraw(int rd, int rs1, int rs2) => RType(0x20, rs2, rs1, 5, rd, OpOp32);

        // ---- M: funct7 = 0000001 ----

        public static uint Mul(int rd, int rs1, int rs2) => RType(1, rs2, rs1, 0, rd, OpOp);

        public static uint Mulh(int rd, int rs1, int rs2) => RType(1, rs2, rs1, 1, rd, OpOp);

        public static uint Mulhsu(int rd, int rs1, int rs2) => RType(1, rs2, rs1, 2, rd, OpOp);

        public static uint Mulhu(int rd, int rs1, int rs2) => RType(1, rs2, rs1, 3, rd, OpOp);

        public static uint Div(int rd, int rs1, int rs2) => RType(1, rs2, rs1, 4, rd, OpOp);

        public static uint Divu(int rd, int rs1, int rs2) => RType(1, rs2, rs1, 5, rd, OpOp);

        public static uint Rem(int rd, int rs1, int rs2) => RType(1, rs2, rs1, 6, rd, OpOp);

        public static uint Remu(int rd, int rs1, int rs2) => RType(1, rs2, rs1, 7, rd, OpOp);

        public static uint Mulw(int rd, int rs1, int rs2) => RType(1, rs2, rs1, 0, rd, OpOp32);

        public static uint Divw(int rd, int rs1, int rs2) => RType(1, rs2, rs1, 4, rd, OpOp32);

        public static uint Divuw(int rd, int rs1, int rs2) => RType(1, rs2, rs1, 5, rd, OpOp32);

        public static uint Remw(int rd, int rs1, int rs2) => RType(1, rs2, rs1, 6, rd, OpOp32);

        public static uint Remuw(int rd, int rs1, int rs2) => RType(1, rs2, rs1, 7, rd, OpOp32);

        // ---- A: funct5 | aq | rl; funct3 = 010 (.w) or 011 (.d) ----

        public static uint LrW(int rd, int rs1, bool aq = false, bool rl = false) => Amo(0x02, 2, rd, 0, rs1, aq, rl);

        public static uint ScW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x03, 2, rd, rs2, rs1, aq, rl);

        public static uint AmoswapW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x01, 2, rd, rs2, rs1, aq, rl);

        public static uint AmoaddW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x00, 2, rd, rs2, rs1, aq, rl);

        public static uint AmoxorW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x04, 2, rd, rs2, rs1, aq, rl);

        public static uint AmoandW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x0C, 2, rd, rs2, rs1, aq, rl);

        public static uint AmoorW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x08, 2, rd, rs2, rs1, aq, rl);

        public static uint AmominW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x10, 2, rd, rs2, rs1, aq, rl);

        public static uint AmomaxW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x14, 2, rd, rs2, rs1, aq, rl);

        public static uint AmominuW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x18, 2, rd, rs2, rs1, aq, rl);

        public static uint AmomaxuW(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x1C, 2, rd, rs2, rs1, aq, rl);

        public static uint LrD(int rd, int rs1, bool aq = false, bool rl = false) => Amo(0x02, 3, rd, 0, rs1, aq, rl);

        public static uint ScD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x03, 3, rd, rs2, rs1, aq, rl);

        public static uint AmoswapD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x01, 3, rd, rs2, rs1, aq, rl);

        public static uint AmoaddD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x00, 3, rd, rs2, rs1, aq, rl);

        public static uint AmoxorD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x04, 3, rd, rs2, rs1, aq, rl);

        public static uint AmoandD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x0C, 3, rd, rs2, rs1, aq, rl);

        public static uint AmoorD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x08, 3, rd, rs2, rs1, aq, rl);

        public static uint AmominD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x10, 3, rd, rs2, rs1, aq, rl);

        public static uint AmomaxD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x14, 3, rd, rs2, rs1, aq, rl);

        public static uint AmominuD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x18, 3, rd, rs2, rs1, aq, rl);

        public static uint AmomaxuD(int rd, int rs2, int rs1, bool aq = false, bool rl = false) => Amo(0x1C, 3, rd, rs2, rs1, aq, rl);

        // ---- F (fmt = 00) and D (fmt = 01): OP-FP funct7 = funct5 | fmt ----

        public static uint Flw(int rd, int rs1, int imm) => IType(imm, rs1, 2, rd, OpLoadFp);

        public static uint Fsw(int rs2, int rs1, int imm) => SType(imm, rs2, rs1, 2, OpStoreFp);

        public static uint FmaddS(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => R4Type(rs3, 0, rs2, rs1, RmBits(rm), rd, OpMadd);

        public static uint FmsubS(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => R4Type(rs3, 0, rs2, rs1, RmBits(rm), rd, OpMsub);

        public static uint FnmsubS(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => R4Type(rs3, 0, rs2, rs1, RmBits(rm), rd, OpNmsub);

        public static uint FnmaddS(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => R4Type(rs3, 0, rs2, rs1, RmBits(rm), rd, OpNmadd);

        public static uint FaddS(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => RType(0x00, rs2, rs1, RmBits(rm), rd, OpFp);

        public static uint FsubS(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => RType(0x04, rs2, rs1, RmBits(rm), rd, OpFp);

        public static uint FmulS(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => RType(0x08, rs2, rs1, RmBits(rm), rd, OpFp);

        public static uint FdivS(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => RType(0x0C, rs2, rs1, RmBits(rm), rd, OpFp);

        public static uint FsqrtS(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x2C, 0, rs1, RmBits(rm), rd, OpFp);

        public static uint FsgnjS(int rd, int rs1, int rs2) => RType(0x10, rs2, rs1, 0, rd, OpFp);

        public static uint FsgnjnS(int rd, int rs1, int rs2) => RType(0x10, rs2, rs1, 1, rd, OpFp);

        public static uint FsgnjxS(int rd, int rs1, int rs2) => RType(0x10, rs2, rs1, 2, rd, OpFp);

        public static uint FminS(int rd, int rs1, int rs2) => RType(0x14, rs2, rs1, 0, rd, OpFp);

        public static uint FmaxS(int rd, int rs1, int rs2) => RType(0x14, rs2, rs1, 1, rd, OpFp);

        public static uint FcvtWS(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x60, 0, rs1, RmBits(rm), rd, OpFp);

        public static uint FcvtWuS(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x60, 1, rs1, RmBits(rm), rd, OpFp);

        public static uint FcvtLS(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x60, 2, rs1, RmBits(rm), rd, OpFp);

        public static uint FcvtLuS(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x60, 3, rs1, RmBits(rm), rd, OpFp);

        public static uint FcvtSW(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x68, 0, rs1, RmBits(rm), rd, OpFp);

        public static uint FcvtSWu(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x68, 1, rs1, RmBits(rm), rd, OpFp);

        public static uint FcvtSL(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x68, 2, rs1, RmBits(rm), rd, OpFp);

        public static uint FcvtSLu(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x68, 3, rs1, RmBits(rm), rd, OpFp);

        public static uint FmvXW(int rd, int rs1) => RType(0x70, 0, rs1, 0, rd, OpFp);

        public static uint FmvWX(int rd, int rs1) => RType(0x78, 0, rs1, 0, rd, OpFp);

        public static uint FeqS(int rd, int rs1, int rs2) => RType(0x50, rs2, rs1, 2, rd, OpFp);

        public static uint FltS(int rd, int rs1, int rs2) => RType(0x50, rs2, rs1, 1, rd, OpFp);

        public static uint FleS(int rd, int rs1, int rs2) => RType(0x50, rs2, rs1, 0, rd, OpFp);

        public static uint FclassS(int rd, int rs1) => RType(0x70, 0, rs1, 1, rd, OpFp);

        public static uint Fld(int rd, int rs1, int imm) => IType(imm, rs1, 3, rd, OpLoadFp);

        public static uint Fsd(int rs2, int rs1, int imm) => SType(imm, rs2, rs1, 3, OpStoreFp);

        public static uint FmaddD(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => R4Type(rs3, 1, rs2, rs1, RmBits(rm), rd, OpMadd);

        public static uint FmsubD(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => R4Type(rs3, 1, rs2, rs1, RmBits(rm), rd, OpMsub);

        public static uint FnmsubD(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => R4Type(rs3, 1, rs2, rs1, RmBits(rm), rd, OpNmsub);

        public static uint FnmaddD(int rd, int rs1, int rs2, int rs3, Rm rm = Rm.Dyn) => R4Type(rs3, 1, rs2, rs1, RmBits(rm), rd, OpNmadd);

        public static uint FaddD(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => RType(0x01, rs2, rs1, RmBits(rm), rd, OpFp);

        public static uint FsubD(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => RType(0x05, rs2, rs1, RmBits(rm), rd, OpFp);

        public static uint FmulD(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => RType(0x09, rs2, rs1, RmBits(rm), rd, OpFp);

        public static uint FdivD(int rd, int rs1, int rs2, Rm rm = Rm.Dyn) => RType(0x0D, rs2, rs1, RmBits(rm), rd, OpFp);

        public static uint FsqrtD(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x2D, 0, rs1, RmBits(rm), rd, OpFp);

        public static uint FsgnjD(int rd, int rs1, int rs2) => RType(0x11, rs2, rs1, 0, rd, OpFp);

        public static uint FsgnjnD(int rd, int rs1, int rs2) => RType(0x11, rs2, rs1, 1, rd, OpFp);

        public static uint FsgnjxD(int rd, int rs1, int rs2) => RType(0x11, rs2, rs1, 2, rd, OpFp);

        public static uint FminD(int rd, int rs1, int rs2) => RType(0x15, rs2, rs1, 0, rd, OpFp);

        public static uint FmaxD(int rd, int rs1, int rs2) => RType(0x15, rs2, rs1, 1, rd, OpFp);

        public static uint FcvtSD(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x20, 1, rs1, RmBits(rm), rd, OpFp);

        /// <summary>fcvt.d.s is exact; like GNU as, the default rounding mode is RNE (000).</summary>
        public static uint FcvtDS(int rd, int rs1, Rm rm = Rm.Rne) => RType(0x21, 0, rs1, RmBits(rm), rd, OpFp);

        public static uint FeqD(int rd, int rs1, int rs2) => RType(0x51, rs2, rs1, 2, rd, OpFp);

        public static uint FltD(int rd, int rs1, int rs2) => RType(0x51, rs2, rs1, 1, rd, OpFp);

        public static uint FleD(int rd, int rs1, int rs2) => RType(0x51, rs2, rs1, 0, rd, OpFp);

        public static uint FclassD(int rd, int rs1) => RType(0x71, 0, rs1, 1, rd, OpFp);

        public static uint FcvtWD(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x61, 0, rs1, RmBits(rm), rd, OpFp);

        public static uint FcvtWuD(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x61, 1, rs1, RmBits(rm), rd, OpFp);

        public static uint FcvtLD(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x61, 2, rs1, RmBits(rm), rd, OpFp);

        public static uint FcvtLuD(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x61, 3, rs1, RmBits(rm), rd, OpFp);

        /// <summary>fcvt.d.w is exact; like GNU as, the default rounding mode is RNE (000).</summary>
        public static uint FcvtDW(int rd, int rs1, Rm rm = Rm.Rne) => RType(0x69, 0, rs1, RmBits(rm), rd, OpFp);

        /// <summary>fcvt.d.wu is exact; like GNU as, the default rounding mode is RNE (000).</summary>
        public static uint FcvtDWu(int rd, int rs1, Rm rm = Rm.Rne) => RType(0x69, 1, rs1, RmBits(rm), rd, OpFp);

        public static uint FcvtDL(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x69, 2, rs1, RmBits(rm), rd, OpFp);

        public static uint FcvtDLu(int rd, int rs1, Rm rm = Rm.Dyn) => RType(0x69, 3, rs1, RmBits(rm), rd, OpFp);

        public static uint FmvXD(int rd, int rs1) => RType(0x71, 0, rs1, 0, rd, OpFp);

        public static uint FmvDX(int rd, int rs1) => RType(0x79, 0, rs1, 0, rd, OpFp);

        // ---- Zicsr: csr in imm[11:0]; the i forms put uimm[4:0] in rs1 ----

        public static uint Csrrw(int rd, int csr, int rs1) => Csr(1, rd, csr, Reg(rs1, nameof(rs1)));

        public static uint Csrrs(int rd, int csr, int rs1) => Csr(2, rd, csr, Reg(rs1, nameof(rs1)));

        public static uint Csrrc(int rd, int csr, int rs1) => Csr(3, rd, csr, Reg(rs1, nameof(rs1)));

        public static uint Csrrwi(int rd, int csr, int uimm) => Csr(5, rd, csr, Field(uimm, 5, nameof(uimm)));

        public static uint Csrrsi(int rd, int csr, int uimm) => Csr(6, rd, csr, Field(uimm, 5, nameof(uimm)));

        public static uint Csrrci(int rd, int csr, int uimm) => Csr(7, rd, csr, Field(uimm, 5, nameof(uimm)));

        public static uint Csrr(int rd, int csr) => Csrrs(rd, csr, 0);

        public static uint Csrw(int csr, int rs1) => Csrrw(0, csr, rs1);

        public static uint Csrs(int csr, int rs1) => Csrrs(0, csr, rs1);

        public static uint Csrc(int csr, int rs1) => Csrrc(0, csr, rs1);

        // ---- Privileged ISA, "Privileged Instruction Listings" ----

        public static uint Mret() => 0x3020_0073;

        public static uint Sret() => 0x1020_0073;

        public static uint Wfi() => 0x1050_0073;

        public static uint SfenceVma(int rs1 = 0, int rs2 = 0) => RType(0x09, rs2, rs1, 0, 0, OpSystem);

        // ---- Zba ----

        public static uint AddUw(int rd, int rs1, int rs2) => RType(0x04, rs2, rs1, 0, rd, OpOp32);

        public static uint Sh1add(int rd, int rs1, int rs2) => RType(0x10, rs2, rs1, 2, rd, OpOp);

        public static uint Sh2add(int rd, int rs1, int rs2) => RType(0x10, rs2, rs1, 4, rd, OpOp);

        public static uint Sh3add(int rd, int rs1, int rs2) => RType(0x10, rs2, rs1, 6, rd, OpOp);

        public static uint Sh1addUw(int rd, int rs1, int rs2) => RType(0x10, rs2, rs1, 2, rd, OpOp32);

        public static uint Sh2addUw(int rd, int rs1, int rs2) => RType(0x10, rs2, rs1, 4, rd, OpOp32);

        public static uint Sh3addUw(int rd, int rs1, int rs2) => RType(0x10, rs2, rs1, 6, rd, OpOp32);

        public static uint SlliUw(int rd, int rs1, int shamt) => Shift(0x080, shamt, 6, rs1, 1, rd, OpImm32);

        // ---- Zbb ----

        public static uint Andn(int rd, int rs1, int rs2) => RType(0x20, rs2, rs1, 7, rd, OpOp);

        public static uint Orn(int rd, int rs1, int rs2) => RType(0x20, rs2, rs1, 6, rd, OpOp);

        public static uint Xnor(int rd, int rs1, int rs2) => RType(0x20, rs2, rs1, 4, rd, OpOp);

        public static uint Clz(int rd, int rs1) => IType(0x600, rs1, 1, rd, OpImm);

        public static uint Ctz(int rd, int rs1) => IType(0x601, rs1, 1, rd, OpImm);

        public static uint Cpop(int rd, int rs1) => IType(0x602, rs1, 1, rd, OpImm);

        public static uint Clzw(int rd, int rs1) => IType(0x600, rs1, 1, rd, OpImm32);

        public static uint Ctzw(int rd, int rs1) => IType(0x601, rs1, 1, rd, OpImm32);

        public static uint Cpopw(int rd, int rs1) => IType(0x602, rs1, 1, rd, OpImm32);

        public static uint Max(int rd, int rs1, int rs2) => RType(0x05, rs2, rs1, 6, rd, OpOp);

        public static uint Maxu(int rd, int rs1, int rs2) => RType(0x05, rs2, rs1, 7, rd, OpOp);

        public static uint Min(int rd, int rs1, int rs2) => RType(0x05, rs2, rs1, 4, rd, OpOp);

        public static uint Minu(int rd, int rs1, int rs2) => RType(0x05, rs2, rs1, 5, rd, OpOp);

        public static uint SextB(int rd, int rs1) => IType(0x604, rs1, 1, rd, OpImm);

        public static uint SextH(int rd, int rs1) => IType(0x605, rs1, 1, rd, OpImm);

        /// <summary>zext.h (RV64 encoding: OP-32, funct7 0000100, rs2 = 0).</summary>
        public static uint ZextH(int rd, int rs1) => RType(0x04, 0, rs1, 4, rd, OpOp32);

        public static uint Rol(int rd, int rs1, int rs2) => RType(0x30, rs2, rs1, 1, rd, OpOp);

        public static uint Rolw(int rd, int rs1, int rs2) => RType(0x30, rs2, rs1, 1, rd, OpOp32);

        public static uint Ror(int rd, int rs1, int rs2) => RType(0x30, rs2, rs1, 5, rd, OpOp);

        public static uint Rorw(int rd, int rs1, int rs2) => RType(0x30, rs2, rs1, 5, rd, OpOp32);

        public static uint Rori(int rd, int rs1, int shamt) => Shift(0x600, shamt, 6, rs1, 5, rd, OpImm);

        public static uint Roriw(int rd, int rs1, int shamt) => Shift(0x600, shamt, 5, rs1, 5, rd, OpImm32);

        public static uint OrcB(int rd, int rs1) => IType(0x287, rs1, 5, rd, OpImm);

        /// <summary>rev8 (RV64 encoding: imm = 0x6B8).</summary>
        public static uint Rev8(int rd, int rs1) => IType(0x6B8, rs1, 5, rd, OpImm);

        // ---- Zbs ----

        public static uint Bclr(int rd, int rs1, int rs2) => RType(0x24, rs2, rs1, 1, rd, OpOp);

        public static uint Bclri(int rd, int rs1, int shamt) => Shift(0x480, shamt, 6, rs1, 1, rd, OpImm);

        public static uint Bext(int rd, int rs1, int rs2) => RType(0x24, rs2, rs1, 5, rd, OpOp);

        public static uint Bexti(int rd, int rs1, int shamt) => Shift(0x480, shamt, 6, rs1, 5, rd, OpImm);

        public static uint Binv(int rd, int rs1, int rs2) => RType(0x34, rs2, rs1, 1, rd, OpOp);

        public static uint Binvi(int rd, int rs1, int shamt) => Shift(0x680, shamt, 6, rs1, 1, rd, OpImm);

        public static uint Bset(int rd, int rs1, int rs2) => RType(0x14, rs2, rs1, 1, rd, OpOp);

        public static uint Bseti(int rd, int rs1, int shamt) => Shift(0x280, shamt, 6, rs1, 1, rd, OpImm);

        // ---- Helpers ----

        // I-type shift: imm[11:0] = high (funct6/funct7 bits, already in place) | shamt.
        private static uint Shift(int high, int shamt, int shamtBits, int rs1, int funct3, int rd, int opcode) =>
            ((uint)(high | (int)Field(shamt, shamtBits, nameof(shamt))) << 20) | RType(0, 0, rs1, funct3, rd, opcode);

        private static uint Amo(int funct5, int funct3, int rd, int rs2, int rs1, bool aq, bool rl) =>
            RType((funct5 << 2) | (aq ? 2 : 0) | (rl ? 1 : 0), rs2, rs1, funct3, rd, OpAmo);

        private static uint Csr(int funct3, int rd, int csr, uint rs1Field) =>
            (Field(csr, 12, nameof(csr)) << 20) | (rs1Field << 15) | RType(0, 0, 0, funct3, rd, OpSystem);

        private static int RmBits(Rm rm) => (int)Field((int)rm, 3, nameof(rm));

        private static uint Reg(int r, string name) =>
            (uint)r < 32 ? (uint)r : throw new ArgumentOutOfRangeException(name, r, "Register must be 0..31.");

        private static uint Field(int v, int bits, string name) =>
            (uint)v < (1u << bits) ? (uint)v : throw new ArgumentOutOfRangeException(name, v, $"Value must fit in {bits} unsigned bits.");

        private static int Signed(int v, int bits, string name) =>
            v >= -(1 << (bits - 1)) && v < (1 << (bits - 1))
                ? v & ((1 << bits) - 1)
                : throw new ArgumentOutOfRangeException(name, v, $"Value must fit in {bits} signed bits.");

        private static int Even(int v, string name) =>
            (v & 1) == 0 ? v : throw new ArgumentOutOfRangeException(name, v, "Offset must be even.");
    }
}
