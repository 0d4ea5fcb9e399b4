using SharpVirt.Cpu.CodeGen;
using SharpVirt.Cpu.Decoders;
using System.Runtime.Intrinsics.X86;
using SharpVirt.Cpu.Mmu;

namespace SharpVirt.Cpu.Translation;

/// <summary>
/// The first translation tier: one decoded block to x86-64 code in one pass, a few microseconds per block, so a
/// block gets it after a handful of runs while RyuJIT (<see cref="BlockTranslator"/>) takes only the hot ones.
/// Guest registers stay in the hart's array; each instruction loads its operands, computes and stores. The code
/// is <c>int Run(ulong* x, NativeFrame* frame, ulong pc)</c> (System V): it returns the instructions retired
/// and leaves the next PC in the frame. Loads and stores inline the TLB hit; anything else (a miss, an MMIO
/// access, a fault) stops the code before that instruction with <see cref="NativeFrame.Stopped"/> set, and the
/// interpreter runs it, so exceptions stay precise. Instructions it does not take end the code, as do jumps;
/// a jump or branch to a fixed PC on the same page leaves through a link, which the hart may point at the
/// next block's code (see <see cref="ChainCell"/>): r9 then counts the instructions retired across blocks.
/// </summary>
public static unsafe class BaselineTranslator
{
    /// <summary>Whether this host can run the code (x86-64 Linux).</summary>
    public static bool HostSupported => System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64
        && OperatingSystem.IsLinux();

    /// <summary>Bytes of code one instruction may take at most (a store with its stop path is about 70).</summary>
    private const int MaxBytesPerInstruction = 96;

    private const Reg X = Reg.Rdi, Frame = Reg.Rsi, Pc = Reg.R8, Retired = Reg.R9;

    /// <summary>What <see cref="BlockTranslator"/> takes, less the A extension and CSRs, MULHSU, F/D loads and stores, and the bit counts the host CPU lacks.</summary>
    public static bool Supports(in DecodedInsn d) => BlockTranslator.CanTranslate(d) && !BlockTranslator.CallsHart(d.Op)
        && d.Op is not (Op.Mulhsu or (>= Op.Flw and <= Op.Fsd))
        && (d.Op is not (Op.Clz or Op.Clzw) || Lzcnt.X64.IsSupported)
        && (d.Op is not (Op.Ctz or Op.Ctzw) || Bmi1.X64.IsSupported)
        && (d.Op is not (Op.Cpop or Op.Cpopw) || Popcnt.X64.IsSupported);

    /// <summary>How many instructions from the start of <paramref name="insns"/> the translator takes.</summary>
    public static int Prefix(ReadOnlySpan<DecodedInsn> insns)
    {
        int n = 0;
        while (n < insns.Length && Supports(insns[n]))
            n++;
        return n;
    }

    /// <summary>Where a block's chain entry is, from the start of its code (its entry from the dispatcher).</summary>
    public const int ChainOffset = 16;

    /// <summary>Bytes of the two entries, their ways out and the lookup, at most.</summary>
    private const int EntryBytes = 256;

    /// <summary>
    /// Compiles the first <paramref name="count"/> instructions of a block into <paramref name="arena"/>;
    /// returns the code's address. The block starts <paramref name="pageOffset"/> bytes into its page, whose
    /// state is <paramref name="pageState"/>, built in <paramref name="generation"/>; its chain cell, numbered
    /// <paramref name="index"/>, goes to <paramref name="cell"/>.
    /// </summary>
    public static nint Compile(ReadOnlySpan<DecodedInsn> insns, int count, CodeArena arena, int pageOffset, int* pageState,
        int generation, int index, out ChainCell* cell)
    {
        int capacity = (count + 1) * MaxBytesPerInstruction + EntryBytes;
        byte* code = arena.Reserve(capacity, ChainCell.Size + (count + 1) * 2 * sizeof(nint), out byte* data);
        cell = (ChainCell*)data;
        *cell = new ChainCell { Index = index }; // no runs: the first chain into it has the hart look at it
        var a = new X64Assembler(code, capacity);
        var links = new Links((nint*)(data + ChainCell.Size), pageOffset);
        Entries(a, cell, pageState, generation, out var looks, out var leaves);
        long offset = 0;
        bool jumped = false;
        for (int k = 0; k < count; k++)
        {
            Emit(a, links, insns[k], k, offset);
            jumped = BlockTranslator.EndsBlock(insns[k].Op);
            offset += insns[k].Length;
        }
        if (count < insns.Length)
            Stop(a, offset, count); // the interpreter goes on with the block from the instruction not taken
        else if (!jumped)
            links.Exit(a, offset, count);
        links.EmitLookup(a);
        // The chain entry's ways out: to the dispatcher, with the block's PC next.
        foreach (int look in looks)
            a.Bind(look);
        a.StoreImm(Frame, NativeFrame.StoppedOffset, 2);
        foreach (int leave in leaves)
            a.Bind(leave);
        LeaveForRdx(a);
        if (a.Overflowed)
            throw new InvalidOperationException("baseline code overflowed its reservation");
        arena.Commit(a.Length);
        arena.CommitData(ChainCell.Size + links.Count * 2 * sizeof(nint));
        return (nint)code;
    }

    /// <summary>
    /// The entry from the dispatcher (rdx = PC, nothing retired yet), then at <see cref="ChainOffset"/> the entry
    /// from a chain (rdx = PC, r9d = instructions retired in the call), which checks the cell, the page, the
    /// limit and kicks. Its ways out, bound after the body: <paramref name="looks"/> (the hart looks at the
    /// block) and <paramref name="leaves"/>.
    /// </summary>
    private static void Entries(X64Assembler a, ChainCell* cell, int* pageState, int generation, out int[] looks, out int[] leaves)
    {
        a.Mov(Pc, Reg.Rdx);
        a.Op(AluOp.Xor, Retired, Retired, w: false);
        int body = a.Jump();
        a.PadTo(ChainOffset);
        a.MovImm(Reg.Rax, (long)cell);
        a.Store(Frame, NativeFrame.CurrentOffset, Reg.Rax, 8);
        a.DecrementMem(Reg.Rax, 0);
        int noRuns = a.JumpIf(Cond.S);
        a.Load(Reg.Rcx, Reg.Rax, ChainCell.EpochOffset, 4, signed: false);
        a.CmpMem(Frame, NativeFrame.EpochOffset, Reg.Rcx, w: false);
        int otherEpoch = a.JumpIf(Cond.NE);
        a.Load(Reg.Rcx, Reg.Rax, ChainCell.BoundOffset, 4, signed: false);
        a.Op(AluOp.Or, Reg.Rcx, Reg.Rcx, w: false);
        int bound = a.JumpIf(Cond.NE);
        a.MovImm(Reg.Rcx, (long)pageState);
        a.Load(Reg.Rcx, Reg.Rcx, 0, 4, signed: false);
        a.Op(AluOp.Cmp, Reg.Rcx, generation, w: false);
        int written = a.JumpIf(Cond.NE);
        a.CmpMem(Frame, NativeFrame.LimitOffset, Retired, w: false);
        int limit = a.JumpIf(Cond.BE); // limit <= retired, unsigned
        a.Load(Reg.Rcx, Frame, NativeFrame.KickedOffset, 4, signed: false);
        a.Op(AluOp.Or, Reg.Rcx, Reg.Rcx, w: false);
        int kicked = a.JumpIf(Cond.NE);
        a.StoreImm(Frame, NativeFrame.ExitSlotOffset, 0); // the link that led here was taken: nothing to set
        a.Mov(Pc, Reg.Rdx);
        a.Bind(body);
        looks = [noRuns, otherEpoch, bound, written];
        leaves = [limit, kicked];
    }

    /// <summary>
    /// The links of the block being compiled: one per exit to a fixed PC on its page, each a pair of where the
    /// exit jumps and its way back to the dispatcher (to unlink it).
    /// </summary>
    private sealed class Links(nint* slots, int pageOffset)
    {
        public int Count { get; private set; }

        /// <summary>
        /// Leaves with the PC at the block's PC plus <paramref name="nextOffset"/>, <paramref name="count"/> more
        /// retired: through a link when that is on the page, else to the dispatcher.
        /// </summary>
        public void Exit(X64Assembler a, long nextOffset, int count)
        {
            if (pageOffset + nextOffset is < 0 or >= 0x1000)
            {
                a.Lea(Reg.Rdx, Pc, (int)nextOffset);
                Lookup(a, count);
                return;
            }
            nint* slot = slots + 2 * Count++;
            a.Lea(Reg.Rdx, Pc, (int)nextOffset);
            a.Op(AluOp.Add, Retired, count, w: false);
            a.MovImm(Reg.Rax, (long)slot);
            a.Store(Frame, NativeFrame.ExitSlotOffset, Reg.Rax, 8); // for the hart to set, if the code returns
            a.JumpIndirect(Reg.Rax);
            // Unlinked, the link leads here: back to the dispatcher.
            slot[0] = slot[1] = (nint)(a.Start + a.Length);
            LeaveForRdx(a);
        }

        private readonly List<int> lookups = [];

        /// <summary>Leaves for the PC in rdx (another page's, or a register's), <paramref name="count"/> more retired, through the lookup.</summary>
        public void Lookup(X64Assembler a, int count)
        {
            a.Op(AluOp.Add, Retired, count, w: false);
            lookups.Add(a.Jump());
        }

        /// <summary>
        /// The block's lookup, if an exit uses it: the hart's jump cache entry for rdx, if it holds baseline code
        /// for that PC under the call's translation, leads to that block's chain entry (which checks the rest);
        /// else back to the dispatcher. QEMU's lookup_and_goto_ptr does the same for its translation blocks.
        /// </summary>
        public void EmitLookup(X64Assembler a)
        {
            if (lookups.Count == 0)
                return;
            foreach (int fixup in lookups)
                a.Bind(fixup);
            a.Mov(Reg.Rax, Reg.Rdx);
            a.Shift(ShiftOp.Shr, Reg.Rax, 1);
            a.Op(AluOp.And, Reg.Rax, JumpCache.Size - 1, w: false);
            a.Shift(ShiftOp.Shl, Reg.Rax, 6); // sizeof(JumpCache.Entry)
            a.OpMem(AluOp.Add, Reg.Rax, Frame, NativeFrame.JumpsOffset);
            a.CmpMem(Reg.Rax, JumpCache.PcOffset, Reg.Rdx);
            int otherPc = a.JumpIf(Cond.NE);
            a.Load(Reg.Rcx, Frame, NativeFrame.KeyOffset, 8, signed: false);
            a.CmpMem(Reg.Rax, JumpCache.KeyOffset, Reg.Rcx);
            int otherKey = a.JumpIf(Cond.NE);
            a.Load(Reg.Rcx, Reg.Rax, JumpCache.NativeOffset, 4, signed: false);
            a.Op(AluOp.Or, Reg.Rcx, Reg.Rcx, w: false);
            int compiled = a.JumpIf(Cond.E);
            a.Load(Reg.Rax, Reg.Rax, JumpCache.CodeOffset, 8, signed: false);
            a.Op(AluOp.Add, Reg.Rax, ChainOffset);
            a.JumpRegister(Reg.Rax);
            a.Bind(otherPc);
            a.Bind(otherKey);
            a.Bind(compiled);
            LeaveForRdx(a);
        }
    }

    /// <summary>Returns to the dispatcher with the next PC in rdx, r9d retired.</summary>
    private static void LeaveForRdx(X64Assembler a)
    {
        a.Store(Frame, NativeFrame.NextPcOffset, Reg.Rdx, 8);
        a.Mov(Reg.Rax, Retired, w: false);
        a.Ret();
    }

    /// <summary>Leaves with the PC at this block's PC plus <paramref name="nextOffset"/>, <paramref name="count"/> more retired.</summary>
    private static void Exit(X64Assembler a, long nextOffset, int count)
    {
        a.Lea(Reg.Rax, Pc, (int)nextOffset);
        a.Store(Frame, NativeFrame.NextPcOffset, Reg.Rax, 8);
        a.Lea(Reg.Rax, Retired, count);
        a.Ret();
    }

    /// <summary>Leaves before instruction <paramref name="k"/> (at <paramref name="offset"/>) for the interpreter to run it.</summary>
    private static void Stop(X64Assembler a, long offset, int k)
    {
        a.StoreImm(Frame, NativeFrame.StoppedOffset, 1);
        a.StoreImm(Frame, NativeFrame.StopIndexOffset, k);
        Exit(a, offset, k);
    }

    private static void Get(X64Assembler a, Reg host, int r)
    {
        if (r == 0)
            a.MovImm(host, 0);
        else
            a.Load(host, X, r * 8, 8, signed: false);
    }

    private static void Put(X64Assembler a, int r, Reg host)
    {
        if (r != 0)
            a.Store(X, r * 8, host, 8);
    }

    private static void Emit(X64Assembler a, Links links, in DecodedInsn d, int k, long off)
    {
        const Reg A = Reg.Rax, C = Reg.Rcx;
        int imm = (int)d.Imm;
        switch (d.Op)
        {
            case Op.Jal:
                if (d.Rd != 0)
                {
                    a.Lea(A, Pc, (int)(off + d.Length));
                    Put(a, d.Rd, A);
                }
                links.Exit(a, off + d.Imm, k + 1);
                return;
            case Op.Jalr:
                Get(a, Reg.Rdx, d.Rs1);
                a.Op(AluOp.Add, Reg.Rdx, imm);
                a.Op(AluOp.And, Reg.Rdx, -2);
                if (d.Rd != 0)
                {
                    a.Lea(C, Pc, (int)(off + d.Length));
                    Put(a, d.Rd, C);
                }
                links.Lookup(a, k + 1);
                return;
            case >= Op.Beq and <= Op.Bgeu:
                Get(a, A, d.Rs1);
                Get(a, C, d.Rs2);
                a.Op(AluOp.Cmp, A, C);
                int notTaken = a.JumpIf(d.Op switch
                {
                    Op.Beq => Cond.NE,
                    Op.Bne => Cond.E,
                    Op.Blt => Cond.GE,
                    Op.Bge => Cond.L,
                    Op.Bltu => Cond.AE,
                    _ => Cond.B,
                });
                links.Exit(a, off + d.Imm, k + 1);
                a.Bind(notTaken);
                return;
            case >= Op.Lb and <= Op.Lwu:
                int loadSize = LoadSize(d.Op);
                Access(a, d, k, off, NativeFrame.LoadTlbOffset, loadSize);
                a.Load(Reg.Rdx, A, 0, loadSize, signed: d.Op is Op.Lb or Op.Lh or Op.Lw);
                Put(a, d.Rd, Reg.Rdx);
                return;
            case >= Op.Sb and <= Op.Sd:
                int size = 1 << (d.Op - Op.Sb);
                Access(a, d, k, off, NativeFrame.StoreTlbOffset, size);
                Get(a, C, d.Rs2);
                a.Store(A, 0, C, size);
                return;
            case Op.Fence:
                a.Fence();
                return;
            case >= Op.Div and <= Op.Remu or >= Op.Divw and <= Op.Remuw:
                Divide(a, d, k, off);
                return;
        }
        if (d.Rd == 0)
            return; // everything else only writes rd: x0 makes it a no-op
        switch (d.Op)
        {
            case Op.Lui: a.StoreImm(X, d.Rd * 8, imm); return;
            case Op.Auipc: a.MovImm(A, off + d.Imm); a.Op(AluOp.Add, A, Pc); break;
            case Op.Addi: Get(a, A, d.Rs1); a.Op(AluOp.Add, A, imm); break;
            case Op.Slti: Get(a, A, d.Rs1); a.Op(AluOp.Cmp, A, imm); a.Set(Cond.L, A); break;
            case Op.Sltiu: Get(a, A, d.Rs1); a.Op(AluOp.Cmp, A, imm); a.Set(Cond.B, A); break;
            case Op.Xori: Get(a, A, d.Rs1); a.Op(AluOp.Xor, A, imm); break;
            case Op.Ori: Get(a, A, d.Rs1); a.Op(AluOp.Or, A, imm); break;
            case Op.Andi: Get(a, A, d.Rs1); a.Op(AluOp.And, A, imm); break;
            case Op.Slli: Get(a, A, d.Rs1); a.Shift(ShiftOp.Shl, A, imm & 63); break;
            case Op.Srli: Get(a, A, d.Rs1); a.Shift(ShiftOp.Shr, A, imm & 63); break;
            case Op.Srai: Get(a, A, d.Rs1); a.Shift(ShiftOp.Sar, A, imm & 63); break;
            case Op.Add: Binary(a, d, AluOp.Add); break;
            case Op.Sub: Binary(a, d, AluOp.Sub); break;
            case Op.And: Binary(a, d, AluOp.And); break;
            case Op.Or: Binary(a, d, AluOp.Or); break;
            case Op.Xor: Binary(a, d, AluOp.Xor); break;
            case Op.Slt: Binary(a, d, AluOp.Cmp); a.Set(Cond.L, A); break;
            case Op.Sltu: Binary(a, d, AluOp.Cmp); a.Set(Cond.B, A); break;
            case Op.Sll: ShiftByRegister(a, d, ShiftOp.Shl, w: true); break;
            case Op.Srl: ShiftByRegister(a, d, ShiftOp.Shr, w: true); break;
            case Op.Sra: ShiftByRegister(a, d, ShiftOp.Sar, w: true); break;
            case Op.Addiw: Get(a, A, d.Rs1); a.Op(AluOp.Add, A, imm, w: false); a.Extend(A, A, 4, signed: true); break;
            case Op.Slliw: Get(a, A, d.Rs1); a.Shift(ShiftOp.Shl, A, imm & 31, w: false); a.Extend(A, A, 4, signed: true); break;
            case Op.Srliw: Get(a, A, d.Rs1); a.Shift(ShiftOp.Shr, A, imm & 31, w: false); a.Extend(A, A, 4, signed: true); break;
            case Op.Sraiw: Get(a, A, d.Rs1); a.Shift(ShiftOp.Sar, A, imm & 31, w: false); a.Extend(A, A, 4, signed: true); break;
            case Op.Addw: Binary(a, d, AluOp.Add, w: false); a.Extend(A, A, 4, signed: true); break;
            case Op.Subw: Binary(a, d, AluOp.Sub, w: false); a.Extend(A, A, 4, signed: true); break;
            case Op.Sllw: ShiftByRegister(a, d, ShiftOp.Shl, w: false); a.Extend(A, A, 4, signed: true); break;
            case Op.Srlw: ShiftByRegister(a, d, ShiftOp.Shr, w: false); a.Extend(A, A, 4, signed: true); break;
            case Op.Sraw: ShiftByRegister(a, d, ShiftOp.Sar, w: false); a.Extend(A, A, 4, signed: true); break;

            case Op.Mul: Get(a, A, d.Rs1); Get(a, C, d.Rs2); a.Imul(A, C); break;
            case Op.Mulw: Get(a, A, d.Rs1); Get(a, C, d.Rs2); a.Imul(A, C, w: false); a.Extend(A, A, 4, signed: true); break;
            case Op.Mulh or Op.Mulhu:
                Get(a, A, d.Rs1);
                Get(a, C, d.Rs2);
                a.WideMul(C, signed: d.Op == Op.Mulh);
                Put(a, d.Rd, Reg.Rdx);
                return;

            case Op.AddUw: ShiftedAdd(a, d, 0, unsignedWord: true); break;
            case Op.Sh1add: ShiftedAdd(a, d, 1, unsignedWord: false); break;
            case Op.Sh2add: ShiftedAdd(a, d, 2, unsignedWord: false); break;
            case Op.Sh3add: ShiftedAdd(a, d, 3, unsignedWord: false); break;
            case Op.Sh1addUw: ShiftedAdd(a, d, 1, unsignedWord: true); break;
            case Op.Sh2addUw: ShiftedAdd(a, d, 2, unsignedWord: true); break;
            case Op.Sh3addUw: ShiftedAdd(a, d, 3, unsignedWord: true); break;
            case Op.SlliUw: Get(a, A, d.Rs1); a.Extend(A, A, 4, signed: false); a.Shift(ShiftOp.Shl, A, imm & 63); break;

            case Op.Andn: Get(a, A, d.Rs1); Get(a, C, d.Rs2); a.Not(C); a.Op(AluOp.And, A, C); break;
            case Op.Orn: Get(a, A, d.Rs1); Get(a, C, d.Rs2); a.Not(C); a.Op(AluOp.Or, A, C); break;
            case Op.Xnor: Binary(a, d, AluOp.Xor); a.Not(A); break;
            case Op.Max: Binary(a, d, AluOp.Cmp); a.CMov(Cond.L, A, C); break;
            case Op.Min: Binary(a, d, AluOp.Cmp); a.CMov(Cond.G, A, C); break;
            case Op.Maxu: Binary(a, d, AluOp.Cmp); a.CMov(Cond.B, A, C); break;
            case Op.Minu: Binary(a, d, AluOp.Cmp); a.CMov(Cond.A, A, C); break;
            case Op.SextB: Get(a, A, d.Rs1); a.Extend(A, A, 1, signed: true); break;
            case Op.SextH: Get(a, A, d.Rs1); a.Extend(A, A, 2, signed: true); break;
            case Op.ZextH: Get(a, A, d.Rs1); a.Extend(A, A, 2, signed: false); break;
            case Op.Rol: ShiftByRegister(a, d, ShiftOp.Rol, w: true); break;
            case Op.Ror: ShiftByRegister(a, d, ShiftOp.Ror, w: true); break;
            case Op.Rolw: ShiftByRegister(a, d, ShiftOp.Rol, w: false); a.Extend(A, A, 4, signed: true); break;
            case Op.Rorw: ShiftByRegister(a, d, ShiftOp.Ror, w: false); a.Extend(A, A, 4, signed: true); break;
            case Op.Rori: Get(a, A, d.Rs1); a.Shift(ShiftOp.Ror, A, imm & 63); break;
            case Op.Roriw: Get(a, A, d.Rs1); a.Shift(ShiftOp.Ror, A, imm & 31, w: false); a.Extend(A, A, 4, signed: true); break;
            case Op.Rev8: Get(a, A, d.Rs1); a.Bswap(A); break;
            case Op.Clz or Op.Clzw: Get(a, C, d.Rs1); a.BitCount(0xBD, A, C, w: d.Op == Op.Clz); break;
            case Op.Ctz or Op.Ctzw: Get(a, C, d.Rs1); a.BitCount(0xBC, A, C, w: d.Op == Op.Ctz); break;
            case Op.Cpop or Op.Cpopw: Get(a, C, d.Rs1); a.BitCount(0xB8, A, C, w: d.Op == Op.Cpop); break;
            case Op.OrcB: OrCombineBytes(a, d); break;

            case Op.Bset: Get(a, A, d.Rs1); Get(a, C, d.Rs2); a.BitOp(5, A, C); break;
            case Op.Bclr: Get(a, A, d.Rs1); Get(a, C, d.Rs2); a.BitOp(6, A, C); break;
            case Op.Binv: Get(a, A, d.Rs1); Get(a, C, d.Rs2); a.BitOp(7, A, C); break;
            case Op.Bseti: Get(a, A, d.Rs1); a.BitOp(5, A, imm & 63); break;
            case Op.Bclri: Get(a, A, d.Rs1); a.BitOp(6, A, imm & 63); break;
            case Op.Binvi: Get(a, A, d.Rs1); a.BitOp(7, A, imm & 63); break;
            case Op.Bext: ShiftByRegister(a, d, ShiftOp.Shr, w: true); a.Op(AluOp.And, A, 1, w: false); break;
            case Op.Bexti: Get(a, A, d.Rs1); a.Shift(ShiftOp.Shr, A, imm & 63); a.Op(AluOp.And, A, 1, w: false); break;
            default:
                throw new InvalidOperationException($"{d.Op} is not taken by the baseline translator");
        }
        Put(a, d.Rd, A);
    }

    private static int LoadSize(Op op) => op switch
    {
        Op.Lb or Op.Lbu => 1,
        Op.Lh or Op.Lhu => 2,
        Op.Lw or Op.Lwu => 4,
        _ => 8,
    };

    /// <summary>rax = rs1 + imm; its TLB entry's tag checked against the page of the last byte; rax = host address on a hit, else stop.</summary>
    private static void Access(X64Assembler a, in DecodedInsn d, int k, long off, int tableOffset, int size)
    {
        const Reg A = Reg.Rax, C = Reg.Rcx, D = Reg.Rdx;
        Get(a, A, d.Rs1);
        if (d.Imm != 0)
            a.Op(AluOp.Add, A, (int)d.Imm);
        a.Mov(C, A);
        a.Shift(ShiftOp.Shr, C, 12);
        a.Op(AluOp.And, C, Tlb.Mask, w: false);
        a.Shift(ShiftOp.Shl, C, 4); // sizeof(TlbEntry)
        a.OpMem(AluOp.Add, C, Frame, tableOffset);
        a.Lea(D, A, size - 1);
        a.Op(AluOp.And, D, ~0xfff);
        a.CmpMem(C, 0, D);
        int hit = a.JumpIf(Cond.E);
        Stop(a, off, k);
        a.Bind(hit);
        a.OpMem(AluOp.Add, A, C, 8); // + Addend
    }

    /// <summary>
    /// DIV, REM and their unsigned and W forms. A divisor of 0 or -1 (in the operation's width) stops for the
    /// interpreter: RISC-V defines a result for them (M extension, table 13.1) where x86 raises #DE.
    /// </summary>
    private static void Divide(X64Assembler a, in DecodedInsn d, int k, long off)
    {
        const Reg A = Reg.Rax, C = Reg.Rcx, D = Reg.Rdx;
        bool w = d.Op is >= Op.Div and <= Op.Remu;
        bool signed = d.Op is Op.Div or Op.Rem or Op.Divw or Op.Remw;
        bool remainder = d.Op is Op.Rem or Op.Remu or Op.Remw or Op.Remuw;
        Get(a, C, d.Rs2);
        a.Lea(D, C, 1);
        a.Op(AluOp.Cmp, D, 1, w);
        int divisible = a.JumpIf(Cond.A);
        Stop(a, off, k);
        a.Bind(divisible);
        Get(a, A, d.Rs1);
        if (signed)
            a.SignExtendIntoRdx(w);
        else
            a.Op(AluOp.Xor, D, D, w: false);
        a.Divide(C, signed, w);
        var result = remainder ? D : A;
        if (!w)
            a.Extend(result, result, 4, signed: true);
        Put(a, d.Rd, result);
    }

    /// <summary>ORC.B: each byte 0xff if nonzero, else 0 (rax), by the carry of (byte &amp; 0x7f) + 0x7f.</summary>
    private static void OrCombineBytes(X64Assembler a, in DecodedInsn d)
    {
        const Reg A = Reg.Rax, C = Reg.Rcx, D = Reg.Rdx;
        Get(a, A, d.Rs1);
        a.MovImm(C, 0x7f7f_7f7f_7f7f_7f7f);
        a.Mov(D, A);
        a.Op(AluOp.And, D, C);
        a.Op(AluOp.Add, D, C);
        a.Op(AluOp.Or, D, A);          // bit 7 of each byte: the byte is nonzero
        a.Not(C);                      // 0x8080...
        a.Op(AluOp.And, D, C);
        a.Shift(ShiftOp.Shr, D, 7);    // 1 per nonzero byte
        a.Mov(A, D);
        a.Shift(ShiftOp.Shl, A, 8);
        a.Op(AluOp.Sub, A, D);         // times 255: 0xff per nonzero byte
    }

    /// <summary>rax = rs1 op rcx = rs2.</summary>
    private static void Binary(X64Assembler a, in DecodedInsn d, AluOp op, bool w = true)
    {
        Get(a, Reg.Rax, d.Rs1);
        Get(a, Reg.Rcx, d.Rs2);
        a.Op(op, Reg.Rax, Reg.Rcx, w);
    }

    private static void ShiftByRegister(X64Assembler a, in DecodedInsn d, ShiftOp op, bool w)
    {
        Get(a, Reg.Rcx, d.Rs2);
        Get(a, Reg.Rax, d.Rs1);
        a.ShiftByCl(op, Reg.Rax, w);
    }

    /// <summary>rax = (rs1, zero-extended from 32 bits if <paramref name="unsignedWord"/>) &lt;&lt; shift + rs2.</summary>
    private static void ShiftedAdd(X64Assembler a, in DecodedInsn d, int shift, bool unsignedWord)
    {
        Get(a, Reg.Rax, d.Rs1);
        if (unsignedWord)
            a.Extend(Reg.Rax, Reg.Rax, 4, signed: false);
        if (shift != 0)
            a.Shift(ShiftOp.Shl, Reg.Rax, shift);
        Get(a, Reg.Rcx, d.Rs2);
        a.Op(AluOp.Add, Reg.Rax, Reg.Rcx);
    }
}
