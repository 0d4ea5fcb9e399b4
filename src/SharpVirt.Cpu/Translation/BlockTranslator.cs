using System.Reflection;
using System.Reflection.Emit;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Traps;

namespace SharpVirt.Cpu.Translation;

/// <summary>
/// Translates a region (a hot block and the blocks it reaches on its page, see <see cref="Segment"/>) into a
/// .NET <see cref="DynamicMethod"/>. Guest registers live in IL locals (RyuJIT assigns host registers) and
/// are written back at every exit, or, in a region that uses many of them, at every write. A jump to another
/// block of the region is an IL branch: blocks on one page are chained inside the method, until the
/// caller's budget runs out. Any block of the region can enter it. Loads and stores inline the TLB hit
/// and call the hart's slow path on a miss; a fault writes back, points the hart at the faulting instruction
/// and raises the trap, so exceptions stay precise. The code is position independent: the region's virtual
/// PC is an argument, since one physical page can be mapped at several addresses.
/// </summary>
public static unsafe class BlockTranslator
{
    public const int MaxInstructions = 64;

    /// <summary>Regions using more guest registers than this write each register through to the hart (see the emitter).</summary>
    public const int WriteThroughAbove = 10;

    /// <summary>A JALR compares its target with at most this many return sites of its region.</summary>
    public const int MaxReturnSites = 8;

    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly FieldInfo LoadTlb = typeof(Hart).GetField("loadTlb", Private)!;
    private static readonly FieldInfo StoreTlb = typeof(Hart).GetField("storeTlb", Private)!;
    private static readonly FieldInfo PcField = typeof(Hart).GetField(nameof(Hart.Pc))!;
    private static readonly FieldInfo RegionPc = typeof(Hart).GetField("regionPc", Private)!;
    private static readonly FieldInfo RegionBudget = typeof(Hart).GetField("regionBudget", Private)!;
    private static readonly MethodInfo ReadSlow = typeof(Hart).GetMethod("ReadSlowForCompiledCode", Private)!;
    private static readonly FieldInfo Loaded = typeof(Hart).GetField("loaded", Private)!;
    private static readonly MethodInfo WriteSlow = typeof(Hart).GetMethod("WriteSlow", Private)!;
    private static readonly MethodInfo RaiseFault = typeof(Hart).GetMethod("RaisePendingFault", Private)!;
    private static readonly MethodInfo AtomicSlow = typeof(Hart).GetMethod("AtomicForCompiledCode", Private)!;
    private static readonly MethodInfo CsrSlow = typeof(Hart).GetMethod("CsrForCompiledCode", Private)!;
    private static readonly MethodInfo RecordFault = typeof(Hart).GetMethod("Fault", Private)!;
    private static readonly FieldInfo FpRegisters = typeof(Hart).GetField("f", Private)!;
    private static readonly FieldInfo MstatusField = typeof(Hart).GetField("mstatus", Private)!;

    /// <summary>
    /// Whether the translator handles <paramref name="d"/>; anything else ends a block (the interpreter runs it).
    /// PAUSE stays with the interpreter, which leaves to the VMM on it (see <see cref="ExitReason.Pause"/>).
    /// </summary>
    public static bool CanTranslate(in DecodedInsn d)
        => (d.Op is >= Op.Lui and <= Op.Fence or >= Op.Mul and <= Op.Remuw or >= Op.LrW and <= Op.Bseti or >= Op.Flw and <= Op.Fsd
                && d.Raw != Hart.PauseEncoding)
            || (IsCsr(d.Op) && Hart.CompiledCsr((int)d.Imm));

    /// <summary>
    /// LR, SC, the AMOs and CSR instructions: compiled code calls the hart for them (its AtomicForCompiledCode
    /// and CsrForCompiledCode). They end their block, so that baseline code, which leaves them to the
    /// interpreter, stops only for them.
    /// </summary>
    public static bool CallsHart(Op op) => op is >= Op.LrW and <= Op.AmoMaxuD || IsCsr(op);

    private static bool IsCsr(Op op) => op is >= Op.Csrrw and <= Op.Csrrci;

    /// <summary>FLW, FLD, FSW, FSD: integer base register, f register data (setjmp, and Linux saving f registers).</summary>
    private static bool IsFpMemory(Op op) => op is Op.Flw or Op.Fld or Op.Fsw or Op.Fsd;

    /// <summary>Ends a block after this instruction. A conditional branch does not: when not taken, the block goes on (a superblock).</summary>
    public static bool EndsBlock(Op op) => op is Op.Jal or Op.Jalr;

    public static bool IsBranch(Op op) => op is >= Op.Beq and <= Op.Bgeu;

    /// <summary>Compiles <paramref name="insns"/> (starting at guest PC <paramref name="startPc"/>) into a function bound to <paramref name="hart"/>.</summary>
    public static BlockFunction Compile(DecodedInsn[] insns, ulong startPc, Hart hart) => Bind(Emit([new Segment(0, insns)], startPc), hart);

    /// <summary>
    /// The method for a region whose first segment starts at offset 0 and guest PC <paramref name="startPc"/>:
    /// (hart, x, pc, budget, entry) -> instructions retired. RyuJIT compiles it at its first call.
    /// </summary>
    public static DynamicMethod Emit(IReadOnlyList<Segment> segments, ulong startPc)
    {
        var method = new DynamicMethod($"block_{startPc:x}", typeof(int), [typeof(Hart), typeof(ulong*), typeof(ulong), typeof(int), typeof(int)], typeof(Hart).Module, skipVisibility: true);
        new Emitter(method.GetILGenerator(), segments).Emit();
        return method;
    }

    /// <summary>Binds a block method to <paramref name="hart"/> (a closed delegate: a call needs no argument-shuffling thunk).</summary>
    public static BlockFunction Bind(DynamicMethod method, Hart hart) => method.CreateDelegate<BlockFunction>(hart);

    private sealed class Emitter(ILGenerator il, IReadOnlyList<Segment> segments)
    {
        private readonly LocalBuilder?[] reg = new LocalBuilder?[32];
        private readonly bool[] written = new bool[32];
        /// <summary>
        /// Whether every register write also goes to the hart at once. Otherwise the exits write registers back,
        /// which keeps every guest register live across the whole method: with more of them than host
        /// registers, RyuJIT keeps most of them in stack slots, hot loops included.
        /// </summary>
        private bool writeThrough;
        /// <summary>Whether the instruction being emitted skips its write-through (see <see cref="OverwrittenBeforeLeaving"/>).</summary>
        private bool deadWriteThrough;
        /// <summary>The label of each segment's first instruction, by its offset from the region's PC.</summary>
        private readonly Dictionary<long, Label> heads = [];
        /// <summary>The heads that follow a call in the region (where its callee's return leads), at most <see cref="MaxReturnSites"/>.</summary>
        private readonly List<long> returnSites = [];
        // retired: instructions of the current segment at an exit; left: the budget less the segments already left.
        private LocalBuilder addr = null!, value = null!, entry = null!, nextOffset = null!, retired = null!, left = null!;
        private Label exit, fault;
        /// <summary>The slow paths of memory accesses, emitted after the region's code (see <see cref="Emit"/>).</summary>
        private readonly List<Action> cold = [];

        public void Emit()
        {
            foreach (var d in segments.SelectMany(s => s.Insns))
            {
                if (IsCsr(d.Op))
                {
                    if (d.Op < Op.Csrrwi)
                        Use(d.Rs1); // else the immediate
                    Use(d.Rd);
                    written[d.Rd] = d.Rd != 0;
                    continue;
                }
                Use(d.Rs1);
                if (IsFpMemory(d.Op))
                    continue; // rd or rs2 is an f register
                Use(d.Rs2);
                if (Writes(d))
                {
                    Use(d.Rd);
                    written[d.Rd] = d.Rd != 0;
                }
            }
            writeThrough = reg.Count(r => r != null) > WriteThroughAbove;
            addr = il.DeclareLocal(typeof(ulong));
            value = il.DeclareLocal(typeof(ulong));
            entry = il.DeclareLocal(typeof(nint));
            nextOffset = il.DeclareLocal(typeof(long));
            retired = il.DeclareLocal(typeof(int));
            left = il.DeclareLocal(typeof(int));
            exit = il.DefineLabel();
            fault = il.DefineLabel();

            // A call without registers only forces RyuJIT to compile the method (see BackgroundCompiler).
            var run = il.DefineLabel();
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Brtrue, run);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Ret);
            il.MarkLabel(run);
            // The region's PC and budget go to the hart, which leaves host registers to guest ones.
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg_2);
            il.Emit(OpCodes.Stfld, RegionPc);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg_3);
            il.Emit(OpCodes.Stfld, RegionBudget);
            il.Emit(OpCodes.Ldarg_3);
            il.Emit(OpCodes.Stloc, left);

            for (int i = 1; i < 32; i++)
            {
                if (reg[i] is null)
                    continue;
                RegisterAddress(i);
                il.Emit(OpCodes.Ldind_I8);
                il.Emit(OpCodes.Stloc, reg[i]!);
            }
            foreach (var segment in segments)
                heads.TryAdd(segment.Offset, il.DefineLabel());
            foreach (var segment in segments)
            {
                var call = segment.Insns[^1];
                long after = segment.Offset + segment.Insns.Sum(d => (long)d.Length);
                if (call.Op is Op.Jal or Op.Jalr && call.Rd != 0 && heads.ContainsKey(after) && !returnSites.Contains(after)
                    && returnSites.Count < MaxReturnSites)
                {
                    returnSites.Add(after);
                }
            }
            EnterAtSegment();
            foreach (var segment in segments)
            {
                var insns = segment.Insns;
                il.MarkLabel(heads[segment.Offset]);
                long offset = segment.Offset;
                for (int k = 0; k < insns.Length; k++)
                {
                    deadWriteThrough = writeThrough && OverwrittenBeforeLeaving(insns, k);
                    EmitInstruction(insns[k], k, offset, last: k == insns.Length - 1);
                    offset += insns[k].Length;
                }
                if (!EndsBlock(insns[^1].Op) && !IsBranch(insns[^1].Op))
                    GoTo(offset, insns.Length);
            }

            // The slow paths, after the code that runs, which then falls through its memory accesses.
            foreach (var path in cold)
                path();
            // Common exit: write back, set the PC, return the count.
            il.MarkLabel(exit);
            Return(raiseFault: false);
            // Fault: the faulting instruction's offset and count are already set.
            il.MarkLabel(fault);
            Return(raiseFault: true);
        }

        /// <summary>
        /// Goes to the segment numbered by the entry argument (the head for 0 or out of range). The caller
        /// passes the PC of the block it enters at, so the region's PC is that less the segment's offset.
        /// </summary>
        private void EnterAtSegment()
        {
            if (segments.Count == 1)
                return;
            var stubs = new Label[segments.Count];
            stubs[0] = heads[0];
            for (int i = 1; i < stubs.Length; i++)
                stubs[i] = il.DefineLabel();
            il.Emit(OpCodes.Ldarg_S, (byte)4);
            il.Emit(OpCodes.Switch, stubs);
            il.Emit(OpCodes.Br, heads[0]);
            for (int i = 1; i < stubs.Length; i++)
            {
                il.MarkLabel(stubs[i]);
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldarg_2);
                Const(segments[i].Offset);
                il.Emit(OpCodes.Sub);
                il.Emit(OpCodes.Stfld, RegionPc);
                il.Emit(OpCodes.Br, heads[segments[i].Offset]);
            }
        }

        /// <summary>Writes back the registers, sets the hart's PC to the block PC plus nextOffset, optionally raises the recorded fault, returns the count.</summary>
        private void Return(bool raiseFault)
        {
            WriteBack();
            il.Emit(OpCodes.Ldarg_0);
            RegionBase();
            il.Emit(OpCodes.Ldloc, nextOffset);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stfld, PcField);
            if (raiseFault)
            {
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Call, RaiseFault);
            }
            il.Emit(OpCodes.Ldloc, retired);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, RegionBudget);
            il.Emit(OpCodes.Ldloc, left);
            il.Emit(OpCodes.Sub);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Ret);
        }

        private static bool Writes(in DecodedInsn d) => d.Op is not (Op.Sb or Op.Sh or Op.Sw or Op.Sd or Op.Fence
            or Op.Beq or Op.Bne or Op.Blt or Op.Bge or Op.Bltu or Op.Bgeu);

        /// <summary>
        /// Whether a later instruction of the segment writes the destination of instruction <paramref name="k"/>
        /// before anything that can leave the method (an access, branch, jump or hart call): the hart never
        /// sees k's value then, so its write-through is dead. k itself must not leave after writing (a load
        /// leaves only before). Linux and gzip compute addresses in a few steps into one register.
        /// </summary>
        private static bool OverwrittenBeforeLeaving(DecodedInsn[] insns, int k)
        {
            if (!StaysInside(insns[k].Op) && insns[k].Op is not (>= Op.Lb and <= Op.Lwu))
                return false;
            for (int j = k + 1; j < insns.Length && StaysInside(insns[j].Op); j++)
            {
                if (insns[j].Rd == insns[k].Rd)
                    return true;
            }
            return false;
        }

        /// <summary>Integer computations, which write a register and never leave the method.</summary>
        private static bool StaysInside(Op op)
            => op is Op.Lui or Op.Auipc or >= Op.Addi and <= Op.Sraw or >= Op.Mul and <= Op.Remuw or >= Op.AddUw and <= Op.Bseti;

        private void Use(int r)
        {
            if (r != 0 && reg[r] is null)
                reg[r] = il.DeclareLocal(typeof(ulong));
        }

        private void WriteBack()
        {
            if (writeThrough)
                return;
            for (int i = 1; i < 32; i++)
            {
                if (written[i])
                    StoreToHart(i);
            }
        }

        /// <summary>Pushes the address of guest register <paramref name="r"/> in the hart (argument 1).</summary>
        private void RegisterAddress(int r)
        {
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldc_I4, r * 8);
            il.Emit(OpCodes.Add);
        }

        /// <summary>Stores the IL local of guest register <paramref name="r"/> to the hart.</summary>
        private void StoreToHart(int r)
        {
            RegisterAddress(r);
            il.Emit(OpCodes.Ldloc, reg[r]!);
            il.Emit(OpCodes.Stind_I8);
        }

        private void Load(int r)
        {
            if (r == 0)
                il.Emit(OpCodes.Ldc_I8, 0L);
            else
                il.Emit(OpCodes.Ldloc, reg[r]!);
        }

        /// <summary>Stores the value on the stack into rd (dropped for x0).</summary>
        private void Store(int rd)
        {
            if (rd == 0)
                il.Emit(OpCodes.Pop);
            else
            {
                il.Emit(OpCodes.Stloc, reg[rd]!);
                if (writeThrough && !deadWriteThrough)
                    StoreToHart(rd);
            }
        }

        private void Const(long v) => il.Emit(OpCodes.Ldc_I8, v);

        /// <summary>Pushes the guest PC of the region's first instruction (kept in the hart, not in a host register).</summary>
        private void RegionBase()
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, RegionPc);
        }

        /// <summary>Pushes the guest PC of this instruction plus <paramref name="delta"/>.</summary>
        private void Pc(long offset, long delta)
        {
            RegionBase();
            Const(offset + delta);
            il.Emit(OpCodes.Add);
        }

        private void SetExit(long nextOff, int count)
        {
            Const(nextOff);
            il.Emit(OpCodes.Stloc, nextOffset);
            il.Emit(OpCodes.Ldc_I4, count);
            il.Emit(OpCodes.Stloc, retired);
            il.Emit(OpCodes.Br, exit);
        }

        private void Binary(in DecodedInsn d, OpCode op)
        {
            Load(d.Rs1);
            Load(d.Rs2);
            il.Emit(op);
            Store(d.Rd);
        }

        private void Immediate(in DecodedInsn d, OpCode op)
        {
            Load(d.Rs1);
            Const(d.Imm);
            il.Emit(op);
            Store(d.Rd);
        }

        private void ShiftImmediate(in DecodedInsn d, OpCode op)
        {
            Load(d.Rs1);
            il.Emit(OpCodes.Ldc_I4, (int)d.Imm);
            il.Emit(op);
            Store(d.Rd);
        }

        private void ShiftRegister(in DecodedInsn d, OpCode op, int mask, bool word)
        {
            Load(d.Rs1);
            if (word)
                il.Emit(OpCodes.Conv_I4);
            Load(d.Rs2);
            il.Emit(OpCodes.Conv_I4);
            il.Emit(OpCodes.Ldc_I4, mask);
            il.Emit(OpCodes.And);
            il.Emit(op);
            if (word)
                il.Emit(OpCodes.Conv_I8);
            Store(d.Rd);
        }

        /// <summary>Truncates the stack top to 32 bits and sign-extends it (the W forms).</summary>
        private void SignExtendWord()
        {
            il.Emit(OpCodes.Conv_I4);
            il.Emit(OpCodes.Conv_I8);
        }

        private void Helper(in DecodedInsn d, string name, bool binary)
        {
            Load(d.Rs1);
            if (binary)
                Load(d.Rs2);
            il.Emit(OpCodes.Call, typeof(Alu).GetMethod(name)!);
            Store(d.Rd);
        }

        private void HelperImmediate(in DecodedInsn d, string name)
        {
            Load(d.Rs1);
            Const(d.Imm);
            il.Emit(OpCodes.Call, typeof(Alu).GetMethod(name)!);
            Store(d.Rd);
        }

        private void Compare(in DecodedInsn d, OpCode op, bool immediate)
        {
            Load(d.Rs1);
            if (immediate)
                Const(d.Imm);
            else
                Load(d.Rs2);
            il.Emit(op);
            il.Emit(OpCodes.Conv_U8);
            Store(d.Rd);
        }

        private void Bit(in DecodedInsn d, bool immediate)
        {
            // Pushes (1UL << (rs2 & 63)) or (1UL << imm).
            Const(1);
            if (immediate)
                il.Emit(OpCodes.Ldc_I4, (int)d.Imm);
            else
            {
                Load(d.Rs2);
                il.Emit(OpCodes.Conv_I4);
                il.Emit(OpCodes.Ldc_I4, 63);
                il.Emit(OpCodes.And);
            }
            il.Emit(OpCodes.Shl);
        }

        private void ShiftedAdd(in DecodedInsn d, int shift, bool unsignedWord)
        {
            Load(d.Rs2);
            Load(d.Rs1);
            if (unsignedWord)
            {
                il.Emit(OpCodes.Conv_U4);
                il.Emit(OpCodes.Conv_U8);
            }
            if (shift != 0)
            {
                il.Emit(OpCodes.Ldc_I4, shift);
                il.Emit(OpCodes.Shl);
            }
            il.Emit(OpCodes.Add);
            Store(d.Rd);
        }

        private void EmitInstruction(in DecodedInsn d, int k, long off, bool last)
        {
            switch (d.Op)
            {
                case Op.Lui: Const(d.Imm); Store(d.Rd); break;
                case Op.Fence: il.Emit(OpCodes.Call, typeof(Interlocked).GetMethod(nameof(Interlocked.MemoryBarrier))!); break;
                case Op.Auipc: Pc(off, d.Imm); Store(d.Rd); break;
                case Op.Jal:
                    Pc(off, d.Length);
                    Store(d.Rd);
                    GoTo(off + d.Imm, k + 1);
                    break;
                case Op.Jalr:
                    // target = (rs1 + imm) & ~1, computed before rd is written (rd may be rs1).
                    Load(d.Rs1);
                    Const(d.Imm);
                    il.Emit(OpCodes.Add);
                    Const(~1L);
                    il.Emit(OpCodes.And);
                    RegionBase();
                    il.Emit(OpCodes.Sub);
                    il.Emit(OpCodes.Stloc, nextOffset);
                    Pc(off, d.Length);
                    Store(d.Rd);
                    ReturnInsideRegion(k + 1);
                    il.Emit(OpCodes.Ldc_I4, k + 1);
                    il.Emit(OpCodes.Stloc, retired);
                    il.Emit(OpCodes.Br, exit);
                    break;
                case Op.Beq: Branch(d, k, off, OpCodes.Beq, last); break;
                case Op.Bne: Branch(d, k, off, OpCodes.Bne_Un, last); break;
                case Op.Blt: Branch(d, k, off, OpCodes.Blt, last); break;
                case Op.Bge: Branch(d, k, off, OpCodes.Bge, last); break;
                case Op.Bltu: Branch(d, k, off, OpCodes.Blt_Un, last); break;
                case Op.Bgeu: Branch(d, k, off, OpCodes.Bge_Un, last); break;

                case >= Op.LrW and <= Op.AmoMaxuD: Atomic(d, k, off); break;
                case >= Op.Csrrw and <= Op.Csrrci: Csr(d, k, off); break;
                case Op.Lb: MemoryLoad(d, k, off, 1, OpCodes.Ldind_I1, true); break;
                case Op.Lh: MemoryLoad(d, k, off, 2, OpCodes.Ldind_I2, true); break;
                case Op.Lw: MemoryLoad(d, k, off, 4, OpCodes.Ldind_I4, true); break;
                case Op.Ld: MemoryLoad(d, k, off, 8, OpCodes.Ldind_I8, false); break;
                case Op.Lbu: MemoryLoad(d, k, off, 1, OpCodes.Ldind_U1, false); break;
                case Op.Lhu: MemoryLoad(d, k, off, 2, OpCodes.Ldind_U2, false); break;
                case Op.Lwu: MemoryLoad(d, k, off, 4, OpCodes.Ldind_U4, false); break;
                case Op.Sb: MemoryStore(d, k, off, 1, OpCodes.Stind_I1); break;
                case Op.Sh: MemoryStore(d, k, off, 2, OpCodes.Stind_I2); break;
                case Op.Sw: MemoryStore(d, k, off, 4, OpCodes.Stind_I4); break;
                case Op.Sd: MemoryStore(d, k, off, 8, OpCodes.Stind_I8); break;
                case Op.Flw: MemoryLoad(d, k, off, 4, OpCodes.Ldind_U4, false); break;
                case Op.Fld: MemoryLoad(d, k, off, 8, OpCodes.Ldind_I8, false); break;
                case Op.Fsw: MemoryStore(d, k, off, 4, OpCodes.Stind_I4); break;
                case Op.Fsd: MemoryStore(d, k, off, 8, OpCodes.Stind_I8); break;

                case Op.Addi: Immediate(d, OpCodes.Add); break;
                case Op.Slti: Compare(d, OpCodes.Clt, true); break;
                case Op.Sltiu: Compare(d, OpCodes.Clt_Un, true); break;
                case Op.Xori: Immediate(d, OpCodes.Xor); break;
                case Op.Ori: Immediate(d, OpCodes.Or); break;
                case Op.Andi: Immediate(d, OpCodes.And); break;
                case Op.Slli: ShiftImmediate(d, OpCodes.Shl); break;
                case Op.Srli: ShiftImmediate(d, OpCodes.Shr_Un); break;
                case Op.Srai: ShiftImmediate(d, OpCodes.Shr); break;
                case Op.Add: Binary(d, OpCodes.Add); break;
                case Op.Sub: Binary(d, OpCodes.Sub); break;
                case Op.Sll: ShiftRegister(d, OpCodes.Shl, 63, false); break;
                case Op.Slt: Compare(d, OpCodes.Clt, false); break;
                case Op.Sltu: Compare(d, OpCodes.Clt_Un, false); break;
                case Op.Xor: Binary(d, OpCodes.Xor); break;
                case Op.Srl: ShiftRegister(d, OpCodes.Shr_Un, 63, false); break;
                case Op.Sra: ShiftRegister(d, OpCodes.Shr, 63, false); break;
                case Op.Or: Binary(d, OpCodes.Or); break;
                case Op.And: Binary(d, OpCodes.And); break;
                case Op.Addiw: Load(d.Rs1); Const(d.Imm); il.Emit(OpCodes.Add); SignExtendWord(); Store(d.Rd); break;
                case Op.Slliw: Load(d.Rs1); il.Emit(OpCodes.Conv_I4); il.Emit(OpCodes.Ldc_I4, (int)d.Imm); il.Emit(OpCodes.Shl); il.Emit(OpCodes.Conv_I8); Store(d.Rd); break;
                case Op.Srliw: Load(d.Rs1); il.Emit(OpCodes.Conv_I4); il.Emit(OpCodes.Ldc_I4, (int)d.Imm); il.Emit(OpCodes.Shr_Un); il.Emit(OpCodes.Conv_I8); Store(d.Rd); break;
                case Op.Sraiw: Load(d.Rs1); il.Emit(OpCodes.Conv_I4); il.Emit(OpCodes.Ldc_I4, (int)d.Imm); il.Emit(OpCodes.Shr); il.Emit(OpCodes.Conv_I8); Store(d.Rd); break;
                case Op.Addw: Load(d.Rs1); Load(d.Rs2); il.Emit(OpCodes.Add); SignExtendWord(); Store(d.Rd); break;
                case Op.Subw: Load(d.Rs1); Load(d.Rs2); il.Emit(OpCodes.Sub); SignExtendWord(); Store(d.Rd); break;
                case Op.Sllw: ShiftRegister(d, OpCodes.Shl, 31, true); break;
                case Op.Srlw: ShiftRegister(d, OpCodes.Shr_Un, 31, true); break;
                case Op.Sraw: ShiftRegister(d, OpCodes.Shr, 31, true); break;

                case Op.Mul: Binary(d, OpCodes.Mul); break;
                case Op.Mulw: Load(d.Rs1); Load(d.Rs2); il.Emit(OpCodes.Mul); SignExtendWord(); Store(d.Rd); break;
                case Op.Mulh: Helper(d, nameof(Alu.Mulh), true); break;
                case Op.Mulhsu: Helper(d, nameof(Alu.Mulhsu), true); break;
                case Op.Mulhu: Helper(d, nameof(Alu.Mulhu), true); break;
                case Op.Div: Helper(d, nameof(Alu.Div), true); break;
                case Op.Divu: Helper(d, nameof(Alu.Divu), true); break;
                case Op.Rem: Helper(d, nameof(Alu.Rem), true); break;
                case Op.Remu: Helper(d, nameof(Alu.Remu), true); break;
                case Op.Divw: Helper(d, nameof(Alu.Divw), true); break;
                case Op.Divuw: Helper(d, nameof(Alu.Divuw), true); break;
                case Op.Remw: Helper(d, nameof(Alu.Remw), true); break;
                case Op.Remuw: Helper(d, nameof(Alu.Remuw), true); break;

                case Op.AddUw: ShiftedAdd(d, 0, true); break;
                case Op.Sh1add: ShiftedAdd(d, 1, false); break;
                case Op.Sh2add: ShiftedAdd(d, 2, false); break;
                case Op.Sh3add: ShiftedAdd(d, 3, false); break;
                case Op.Sh1addUw: ShiftedAdd(d, 1, true); break;
                case Op.Sh2addUw: ShiftedAdd(d, 2, true); break;
                case Op.Sh3addUw: ShiftedAdd(d, 3, true); break;
                case Op.SlliUw: Load(d.Rs1); il.Emit(OpCodes.Conv_U4); il.Emit(OpCodes.Conv_U8); il.Emit(OpCodes.Ldc_I4, (int)d.Imm); il.Emit(OpCodes.Shl); Store(d.Rd); break;

                case Op.Andn: Load(d.Rs1); Load(d.Rs2); il.Emit(OpCodes.Not); il.Emit(OpCodes.And); Store(d.Rd); break;
                case Op.Orn: Load(d.Rs1); Load(d.Rs2); il.Emit(OpCodes.Not); il.Emit(OpCodes.Or); Store(d.Rd); break;
                case Op.Xnor: Load(d.Rs1); Load(d.Rs2); il.Emit(OpCodes.Xor); il.Emit(OpCodes.Not); Store(d.Rd); break;
                case Op.Clz: Helper(d, nameof(Alu.Clz), false); break;
                case Op.Clzw: Helper(d, nameof(Alu.Clzw), false); break;
                case Op.Ctz: Helper(d, nameof(Alu.Ctz), false); break;
                case Op.Ctzw: Helper(d, nameof(Alu.Ctzw), false); break;
                case Op.Cpop: Helper(d, nameof(Alu.Cpop), false); break;
                case Op.Cpopw: Helper(d, nameof(Alu.Cpopw), false); break;
                case Op.Max: Helper(d, nameof(Alu.Max), true); break;
                case Op.Maxu: Helper(d, nameof(Alu.Maxu), true); break;
                case Op.Min: Helper(d, nameof(Alu.Min), true); break;
                case Op.Minu: Helper(d, nameof(Alu.Minu), true); break;
                case Op.SextB: Load(d.Rs1); il.Emit(OpCodes.Conv_I1); il.Emit(OpCodes.Conv_I8); Store(d.Rd); break;
                case Op.SextH: Load(d.Rs1); il.Emit(OpCodes.Conv_I2); il.Emit(OpCodes.Conv_I8); Store(d.Rd); break;
                case Op.ZextH: Load(d.Rs1); il.Emit(OpCodes.Conv_U2); il.Emit(OpCodes.Conv_U8); Store(d.Rd); break;
                case Op.Rol: Helper(d, nameof(Alu.Rol), true); break;
                case Op.Ror: Helper(d, nameof(Alu.Ror), true); break;
                case Op.Rori: HelperImmediate(d, nameof(Alu.Ror)); break;
                case Op.Rolw: Helper(d, nameof(Alu.Rolw), true); break;
                case Op.Rorw: Helper(d, nameof(Alu.Rorw), true); break;
                case Op.Roriw: HelperImmediate(d, nameof(Alu.Rorw)); break;
                case Op.OrcB: Helper(d, nameof(Alu.OrcB), false); break;
                case Op.Rev8: Helper(d, nameof(Alu.Rev8), false); break;

                case Op.Bclr: case Op.Bclri: Load(d.Rs1); Bit(d, d.Op == Op.Bclri); il.Emit(OpCodes.Not); il.Emit(OpCodes.And); Store(d.Rd); break;
                case Op.Binv: case Op.Binvi: Load(d.Rs1); Bit(d, d.Op == Op.Binvi); il.Emit(OpCodes.Xor); Store(d.Rd); break;
                case Op.Bset: case Op.Bseti: Load(d.Rs1); Bit(d, d.Op == Op.Bseti); il.Emit(OpCodes.Or); Store(d.Rd); break;
                case Op.Bext:
                case Op.Bexti:
                    Load(d.Rs1);
                    if (d.Op == Op.Bexti)
                        il.Emit(OpCodes.Ldc_I4, (int)d.Imm);
                    else
                    {
                        Load(d.Rs2);
                        il.Emit(OpCodes.Conv_I4);
                        il.Emit(OpCodes.Ldc_I4, 63);
                        il.Emit(OpCodes.And);
                    }
                    il.Emit(OpCodes.Shr_Un);
                    Const(1);
                    il.Emit(OpCodes.And);
                    Store(d.Rd);
                    break;
                default:
                    throw new InvalidOperationException($"{d.Op} is not translatable");
            }
        }

        private void Branch(in DecodedInsn d, int k, long off, OpCode taken, bool last)
        {
            var takenLabel = il.DefineLabel();
            var notTaken = il.DefineLabel();
            Load(d.Rs1);
            Load(d.Rs2);
            il.Emit(taken, takenLabel);
            if (last)
                GoTo(off + d.Length, k + 1);
            else
                il.Emit(OpCodes.Br, notTaken); // the block goes on with the next instruction
            il.MarkLabel(takenLabel);
            GoTo(off + d.Imm, k + 1);
            il.MarkLabel(notTaken);
        }

        /// <summary>
        /// Leaves the current segment after its first <paramref name="count"/> instructions for the code at
        /// <paramref name="target"/>: a branch to that segment while the budget lasts, else an exit.
        /// </summary>
        private void GoTo(long target, int count)
        {
            if (!heads.TryGetValue(target, out var head))
            {
                SetExit(target, count);
                return;
            }
            il.Emit(OpCodes.Ldloc, left);
            il.Emit(OpCodes.Ldc_I4, count);
            il.Emit(OpCodes.Sub);
            il.Emit(OpCodes.Dup);
            il.Emit(OpCodes.Stloc, left);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Bgt, head);
            SetExit(target, 0);
        }

        /// <summary>
        /// After a JALR has set nextOffset: a branch to the block a call of this region returns to, if the
        /// target is one (a return from a callee on the same page stays in the method), else falls through.
        /// </summary>
        private void ReturnInsideRegion(int count)
        {
            foreach (long site in returnSites)
            {
                var other = il.DefineLabel();
                il.Emit(OpCodes.Ldloc, nextOffset);
                Const(site);
                il.Emit(OpCodes.Bne_Un, other);
                GoTo(site, count);
                il.MarkLabel(other);
            }
        }

        /// <summary>addr = rs1 + imm; entry = &amp;tlb[(addr &gt;&gt; 12) &amp; mask]; branches to <paramref name="slow"/> unless the entry hits (the access within its page).</summary>
        private void TlbLookup(in DecodedInsn d, FieldInfo table, int size, Label slow)
        {
            Load(d.Rs1);
            Const(d.Imm);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stloc, addr);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, table);
            // ((addr >> 12) & mask) * 16 as (addr >> 8) & (mask << 4): one operation fewer between a loaded
            // address and its access.
            il.Emit(OpCodes.Ldloc, addr);
            il.Emit(OpCodes.Ldc_I4, 8);
            il.Emit(OpCodes.Shr_Un);
            Const((long)Tlb.Mask << 4);
            il.Emit(OpCodes.And);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stloc, entry);
            // Hits when the entry's tag is the page of the last byte (Tlb.LastPageTag).
            il.Emit(OpCodes.Ldloc, entry);
            il.Emit(OpCodes.Ldind_I8);
            il.Emit(OpCodes.Ldloc, addr);
            if (size > 1)
            {
                Const(size - 1);
                il.Emit(OpCodes.Add);
            }
            Const(~0xfffL);
            il.Emit(OpCodes.And);
            il.Emit(OpCodes.Bne_Un, slow);
            // host address = addr + entry->Addend
            il.Emit(OpCodes.Ldloc, addr);
            il.Emit(OpCodes.Ldloc, entry);
            il.Emit(OpCodes.Ldc_I4_8);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Ldind_I8);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Conv_I);
        }

        private void FaultAt(int k, long off)
        {
            Const(off);
            il.Emit(OpCodes.Stloc, nextOffset);
            il.Emit(OpCodes.Ldc_I4, k);
            il.Emit(OpCodes.Stloc, retired);
            il.Emit(OpCodes.Br, fault);
        }

        /// <summary>An instruction of the A extension, through the hart (a fault leaves at this instruction).</summary>
        private void Atomic(in DecodedInsn d, int k, long off)
        {
            il.Emit(OpCodes.Ldarg_0);
            Load(d.Rs1);
            Load(d.Rs2);
            il.Emit(OpCodes.Ldc_I4, (int)d.Op);
            il.Emit(OpCodes.Call, AtomicSlow);
            AfterHartCall(d, k, off, mayLeave: false);
        }

        /// <summary>A CSR instruction, through the hart; it leaves after the instruction when the hart says so.</summary>
        private void Csr(in DecodedInsn d, int k, long off)
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4, (int)d.Raw);
            if (d.Op >= Op.Csrrwi)
                Const(d.Rs1); // the immediate
            else
                Load(d.Rs1);
            il.Emit(OpCodes.Call, CsrSlow);
            AfterHartCall(d, k, off, mayLeave: true);
        }

        /// <summary>
        /// After a call to the hart for instruction <paramref name="k"/>, whose result is on the stack: 0 (false)
        /// leaves with its fault; else rd gets what the hart loaded and, if <paramref name="mayLeave"/>, a result
        /// other than 1 leaves after the instruction.
        /// </summary>
        private void AfterHartCall(in DecodedInsn d, int k, long off, bool mayLeave)
        {
            var faulted = il.DefineLabel();
            var leave = il.DefineLabel();
            LocalBuilder? status = null;
            if (mayLeave)
            {
                status = il.DeclareLocal(typeof(int));
                il.Emit(OpCodes.Dup);
                il.Emit(OpCodes.Stloc, status);
            }
            il.Emit(OpCodes.Brfalse, faulted);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, Loaded);
            Store(d.Rd);
            if (status != null)
            {
                il.Emit(OpCodes.Ldloc, status);
                il.Emit(OpCodes.Ldc_I4_1);
                il.Emit(OpCodes.Bne_Un, leave);
            }
            long next = off + d.Length;
            cold.Add(() =>
            {
                il.MarkLabel(faulted);
                FaultAt(k, off);
                if (mayLeave)
                {
                    il.MarkLabel(leave);
                    SetExit(next, k + 1);
                }
            });
        }

        private void MemoryLoad(in DecodedInsn d, int k, long off, int size, OpCode load, bool signed)
        {
            if (IsFpMemory(d.Op))
                RequireFp(d, k, off);
            var slow = il.DefineLabel();
            var hit = il.DefineLabel();
            TlbLookup(d, LoadTlb, size, slow);
            il.Emit(load);
            il.Emit(signed || size == 8 ? OpCodes.Conv_I8 : OpCodes.Conv_U8);
            il.Emit(OpCodes.Stloc, value);
            il.MarkLabel(hit);
            cold.Add(() =>
            {
                var faulted = il.DefineLabel();
                il.MarkLabel(slow);
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldloc, addr);
                il.Emit(OpCodes.Ldc_I4, size);
                il.Emit(OpCodes.Call, ReadSlow);
                il.Emit(OpCodes.Brfalse, faulted);
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldfld, Loaded);
                if (signed)
                {
                    il.Emit(size == 1 ? OpCodes.Conv_I1 : size == 2 ? OpCodes.Conv_I2 : OpCodes.Conv_I4);
                    il.Emit(OpCodes.Conv_I8);
                }
                il.Emit(OpCodes.Stloc, value);
                il.Emit(OpCodes.Br, hit);
                il.MarkLabel(faulted);
                FaultAt(k, off);
            });
            if (IsFpMemory(d.Op))
            {
                StoreFp(d.Rd, nanBox: size == 4);
                return;
            }
            il.Emit(OpCodes.Ldloc, value);
            Store(d.Rd);
        }

        /// <summary>f[rd] = value (NaN-boxed for FLW); mstatus.FS = Dirty, as the interpreter does.</summary>
        private void StoreFp(int rd, bool nanBox)
        {
            FpRegister(rd);
            il.Emit(OpCodes.Ldloc, value);
            if (nanBox)
            {
                Const(unchecked((long)0xffff_ffff_0000_0000UL));
                il.Emit(OpCodes.Or);
            }
            il.Emit(OpCodes.Stind_I8);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, MstatusField);
            Const((long)Mstatus.FSDirty);
            il.Emit(OpCodes.Or);
            il.Emit(OpCodes.Stfld, MstatusField);
        }

        /// <summary>Pushes the address of f register <paramref name="r"/>.</summary>
        private void FpRegister(int r)
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, FpRegisters);
            il.Emit(OpCodes.Ldc_I4, r * 8);
            il.Emit(OpCodes.Add);
        }

        /// <summary>With mstatus.FS Off, an F/D instruction is illegal: raise that at this instruction.</summary>
        private void RequireFp(in DecodedInsn d, int k, long off)
        {
            var enabled = il.DefineLabel();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, MstatusField);
            Const((long)Mstatus.FS);
            il.Emit(OpCodes.And);
            il.Emit(OpCodes.Brtrue, enabled);
            il.Emit(OpCodes.Ldarg_0);
            Const((long)ExceptionCause.IllegalInstruction);
            Const(d.Raw);
            il.Emit(OpCodes.Call, RecordFault);
            il.Emit(OpCodes.Pop);
            FaultAt(k, off);
            il.MarkLabel(enabled);
        }

        /// <summary>Pushes the value a store writes: rs2, or for FSW/FSD the f register.</summary>
        private void StoreValue(in DecodedInsn d)
        {
            if (!IsFpMemory(d.Op))
            {
                Load(d.Rs2);
                return;
            }
            FpRegister(d.Rs2);
            il.Emit(OpCodes.Ldind_I8);
        }

        private void MemoryStore(in DecodedInsn d, int k, long off, int size, OpCode store)
        {
            if (IsFpMemory(d.Op))
                RequireFp(d, k, off);
            var slow = il.DefineLabel();
            TlbLookup(d, StoreTlb, size, slow);
            StoreValue(d);
            il.Emit(store);
            var insn = d;
            cold.Add(() =>
            {
                il.MarkLabel(slow);
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldloc, addr);
                il.Emit(OpCodes.Ldc_I4, size);
                StoreValue(insn);
                il.Emit(OpCodes.Call, WriteSlow);
                var stored = il.DefineLabel();
                il.Emit(OpCodes.Brtrue, stored);
                FaultAt(k, off);
                // The store may have hit translated code (which never has a fast store entry): leave, so that
                // the dispatcher checks the page before running any more of it.
                il.MarkLabel(stored);
                SetExit(off + insn.Length, k + 1);
            });
        }
    }
}
