using System.Numerics;
using System.Runtime.CompilerServices;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Traps;
using SharpVirt.Cpu.Translation;

namespace SharpVirt.Cpu;

/// <summary>The interpreter: one switch over <see cref="Op"/>, fed from decoded blocks, or where there is none from a fetch and a decode cache keyed by the instruction bits.</summary>
public sealed unsafe partial class Hart
{
    /// <summary>PAUSE is FENCE with pred = W, succ = 0 (Zihintpause).</summary>
    internal const uint PauseEncoding = 0x0100000f;

    /// <summary>
    /// Executes up to <paramref name="budget"/> instructions (unless <see cref="exactBudget"/> is off: then a
    /// compiled block started within it runs to its end). Returns early (with <paramref name="exited"/>
    /// false) after anything that may change which interrupt is deliverable, so <see cref="Run"/> re-polls.
    /// The result is the budget used: instructions retired plus one for a trap.
    /// </summary>
    private int Execute(int budget, out ExitReason reason, out bool exited)
    {
        ulong* x = this.x;
        DecodedInsn[] cache = decodeCache;
        ulong pc = Pc;
        int n = 0;
        reason = ExitReason.Budget;
        exited = false;
        // The decoded block being run, and the index of its next instruction; null between blocks.
        DecodedInsn[]? run = null;
        int ri = 0;
        bool blockHead = true;
        while (n < budget)
        {
            if (blockHead)
            {
                // Blocks start at block heads: the start of a slice, every jump target, and after a block ends.
                blockHead = false;
                // Another thread wants a poll (Run's). Once something ran, so that kicks cannot stall the hart.
                if (Volatile.Read(ref Kicked) != 0 && n > 0)
                    break;
                ulong traps = TrapCount;
                int ran = TryRunBlock(pc, budget - n, out run);
                if (ran >= 0)
                {
                    n += ran;
                    if (TrapCount != traps)
                        return n + 1; // the fault uses one unit of budget, as in the interpreter
                    pc = Pc;
                    if (run == null)
                    {
                        blockHead = true;
                        continue;
                    }
                    ri = nativeStop; // baseline code stopped in this block: interpret the rest
                }
                else
                    ri = 0;
            }
            ref DecodedInsn d = ref Unsafe.NullRef<DecodedInsn>();
            if (run != null)
            {
                d = ref run[ri];
                if (++ri == run.Length)
                {
                    run = null;
                    blockHead = true;
                }
            }
            else
            {
                // No block here (no fetch TLB entry yet, or an instruction across the page end): fetch and decode.
                if (!Fetch(pc, out uint raw))
                    goto fault;
                d = ref cache[(int)((raw * 0x9E3779B1u) >> (32 - DecodeCacheBits))];
                if (d.Raw != raw)
                    d = Decoder.Decode(raw);
                blockHead = true;
            }
            ulong next = pc + d.Length;
            ulong v;
            switch (d.Op)
            {
                case Op.Lui: x[d.Rd] = (ulong)d.Imm; break;
                case Op.Auipc: x[d.Rd] = pc + (ulong)d.Imm; break;
                case Op.Jal: x[d.Rd] = next; next = pc + (ulong)d.Imm; break;
                case Op.Jalr:
                    v = (x[d.Rs1] + (ulong)d.Imm) & ~1UL;
                    x[d.Rd] = next;
                    next = v;
                    break;
                case Op.Beq: if (x[d.Rs1] == x[d.Rs2]) next = pc + (ulong)d.Imm; break;
                case Op.Bne: if (x[d.Rs1] != x[d.Rs2]) next = pc + (ulong)d.Imm; break;
                case Op.Blt: if ((long)x[d.Rs1] < (long)x[d.Rs2]) next = pc + (ulong)d.Imm; break;
                case Op.Bge: if ((long)x[d.Rs1] >= (long)x[d.Rs2]) next = pc + (ulong)d.Imm; break;
                case Op.Bltu: if (x[d.Rs1] < x[d.Rs2]) next = pc + (ulong)d.Imm; break;
                case Op.Bgeu: if (x[d.Rs1] >= x[d.Rs2]) next = pc + (ulong)d.Imm; break;

                case Op.Lb: if (!Read(x[d.Rs1] + (ulong)d.Imm, 1, out v)) goto fault; x[d.Rd] = (ulong)(sbyte)v; break;
                case Op.Lh: if (!Read(x[d.Rs1] + (ulong)d.Imm, 2, out v)) goto fault; x[d.Rd] = (ulong)(short)v; break;
                case Op.Lw: if (!Read(x[d.Rs1] + (ulong)d.Imm, 4, out v)) goto fault; x[d.Rd] = (ulong)(int)v; break;
                case Op.Ld: if (!Read(x[d.Rs1] + (ulong)d.Imm, 8, out v)) goto fault; x[d.Rd] = v; break;
                case Op.Lbu: if (!Read(x[d.Rs1] + (ulong)d.Imm, 1, out v)) goto fault; x[d.Rd] = v; break;
                case Op.Lhu: if (!Read(x[d.Rs1] + (ulong)d.Imm, 2, out v)) goto fault; x[d.Rd] = v; break;
                case Op.Lwu: if (!Read(x[d.Rs1] + (ulong)d.Imm, 4, out v)) goto fault; x[d.Rd] = v; break;
                case Op.Sb: if (!Write(x[d.Rs1] + (ulong)d.Imm, 1, x[d.Rs2])) goto fault; break;
                case Op.Sh: if (!Write(x[d.Rs1] + (ulong)d.Imm, 2, x[d.Rs2])) goto fault; break;
                case Op.Sw: if (!Write(x[d.Rs1] + (ulong)d.Imm, 4, x[d.Rs2])) goto fault; break;
                case Op.Sd: if (!Write(x[d.Rs1] + (ulong)d.Imm, 8, x[d.Rs2])) goto fault; break;

                case Op.Addi: x[d.Rd] = x[d.Rs1] + (ulong)d.Imm; break;
                case Op.Slti: x[d.Rd] = (long)x[d.Rs1] < d.Imm ? 1UL : 0; break;
                case Op.Sltiu: x[d.Rd] = x[d.Rs1] < (ulong)d.Imm ? 1UL : 0; break;
                case Op.Xori: x[d.Rd] = x[d.Rs1] ^ (ulong)d.Imm; break;
                case Op.Ori: x[d.Rd] = x[d.Rs1] | (ulong)d.Imm; break;
                case Op.Andi: x[d.Rd] = x[d.Rs1] & (ulong)d.Imm; break;
                case Op.Slli: x[d.Rd] = x[d.Rs1] << (int)d.Imm; break;
                case Op.Srli: x[d.Rd] = x[d.Rs1] >> (int)d.Imm; break;
                case Op.Srai: x[d.Rd] = (ulong)((long)x[d.Rs1] >> (int)d.Imm); break;
                case Op.Add: x[d.Rd] = x[d.Rs1] + x[d.Rs2]; break;
                case Op.Sub: x[d.Rd] = x[d.Rs1] - x[d.Rs2]; break;
                case Op.Sll: x[d.Rd] = x[d.Rs1] << (int)(x[d.Rs2] & 63); break;
                case Op.Slt: x[d.Rd] = (long)x[d.Rs1] < (long)x[d.Rs2] ? 1UL : 0; break;
                case Op.Sltu: x[d.Rd] = x[d.Rs1] < x[d.Rs2] ? 1UL : 0; break;
                case Op.Xor: x[d.Rd] = x[d.Rs1] ^ x[d.Rs2]; break;
                case Op.Srl: x[d.Rd] = x[d.Rs1] >> (int)(x[d.Rs2] & 63); break;
                case Op.Sra: x[d.Rd] = (ulong)((long)x[d.Rs1] >> (int)(x[d.Rs2] & 63)); break;
                case Op.Or: x[d.Rd] = x[d.Rs1] | x[d.Rs2]; break;
                case Op.And: x[d.Rd] = x[d.Rs1] & x[d.Rs2]; break;
                case Op.Addiw: x[d.Rd] = (ulong)(int)(x[d.Rs1] + (ulong)d.Imm); break;
                case Op.Slliw: x[d.Rd] = (ulong)(int)((uint)x[d.Rs1] << (int)d.Imm); break;
                case Op.Srliw: x[d.Rd] = (ulong)(int)((uint)x[d.Rs1] >> (int)d.Imm); break;
                case Op.Sraiw: x[d.Rd] = (ulong)((int)x[d.Rs1] >> (int)d.Imm); break;
                case Op.Addw: x[d.Rd] = (ulong)(int)(x[d.Rs1] + x[d.Rs2]); break;
                case Op.Subw: x[d.Rd] = (ulong)(int)(x[d.Rs1] - x[d.Rs2]); break;
                case Op.Sllw: x[d.Rd] = (ulong)(int)((uint)x[d.Rs1] << (int)(x[d.Rs2] & 31)); break;
                case Op.Srlw: x[d.Rd] = (ulong)(int)((uint)x[d.Rs1] >> (int)(x[d.Rs2] & 31)); break;
                case Op.Sraw: x[d.Rd] = (ulong)((int)x[d.Rs1] >> (int)(x[d.Rs2] & 31)); break;

                case Op.Fence:
                    Interlocked.MemoryBarrier();
                    if (d.Raw == PauseEncoding)
                    {
                        Pc = next;
                        Instret++;
                        reason = ExitReason.Pause;
                        exited = true;
                        return n + 1;
                    }
                    break;
                case Op.FenceI:
                    FenceInstructions(); // the decode cache is keyed by instruction bits, so it is never stale
                    run = null;
                    blockHead = true;
                    break;

                case Op.Mul: x[d.Rd] = x[d.Rs1] * x[d.Rs2]; break;
                case Op.Mulh: x[d.Rd] = (ulong)Math.BigMul((long)x[d.Rs1], (long)x[d.Rs2], out _); break;
                case Op.Mulhu: x[d.Rd] = Math.BigMul(x[d.Rs1], x[d.Rs2], out _); break;
                case Op.Mulhsu:
                    v = Math.BigMul(x[d.Rs1], x[d.Rs2], out _);
                    x[d.Rd] = (long)x[d.Rs1] < 0 ? v - x[d.Rs2] : v;
                    break;
                case Op.Div: x[d.Rd] = Alu.Div(x[d.Rs1], x[d.Rs2]); break;
                case Op.Divu: x[d.Rd] = x[d.Rs2] == 0 ? ulong.MaxValue : x[d.Rs1] / x[d.Rs2]; break;
                case Op.Rem: x[d.Rd] = Alu.Rem(x[d.Rs1], x[d.Rs2]); break;
                case Op.Remu: x[d.Rd] = x[d.Rs2] == 0 ? x[d.Rs1] : x[d.Rs1] % x[d.Rs2]; break;
                case Op.Mulw: x[d.Rd] = (ulong)(int)(x[d.Rs1] * x[d.Rs2]); break;
                case Op.Divw: x[d.Rd] = Alu.Divw(x[d.Rs1], x[d.Rs2]); break;
                case Op.Divuw: x[d.Rd] = (uint)x[d.Rs2] == 0 ? ulong.MaxValue : (ulong)(int)((uint)x[d.Rs1] / (uint)x[d.Rs2]); break;
                case Op.Remw: x[d.Rd] = Alu.Remw(x[d.Rs1], x[d.Rs2]); break;
                case Op.Remuw: x[d.Rd] = (uint)x[d.Rs2] == 0 ? (ulong)(int)x[d.Rs1] : (ulong)(int)((uint)x[d.Rs1] % (uint)x[d.Rs2]); break;

                case >= Op.LrW and <= Op.AmoMaxuD:
                    if (!Atomic(d.Op, x[d.Rs1], x[d.Rs2], out v))
                        goto fault;
                    x[d.Rd] = v;
                    break;

                case Op.AddUw: x[d.Rd] = x[d.Rs2] + (uint)x[d.Rs1]; break;
                case Op.Sh1add: x[d.Rd] = x[d.Rs2] + (x[d.Rs1] << 1); break;
                case Op.Sh2add: x[d.Rd] = x[d.Rs2] + (x[d.Rs1] << 2); break;
                case Op.Sh3add: x[d.Rd] = x[d.Rs2] + (x[d.Rs1] << 3); break;
                case Op.Sh1addUw: x[d.Rd] = x[d.Rs2] + ((ulong)(uint)x[d.Rs1] << 1); break;
                case Op.Sh2addUw: x[d.Rd] = x[d.Rs2] + ((ulong)(uint)x[d.Rs1] << 2); break;
                case Op.Sh3addUw: x[d.Rd] = x[d.Rs2] + ((ulong)(uint)x[d.Rs1] << 3); break;
                case Op.SlliUw: x[d.Rd] = (ulong)(uint)x[d.Rs1] << (int)d.Imm; break;

                case Op.Andn: x[d.Rd] = x[d.Rs1] & ~x[d.Rs2]; break;
                case Op.Orn: x[d.Rd] = x[d.Rs1] | ~x[d.Rs2]; break;
                case Op.Xnor: x[d.Rd] = ~(x[d.Rs1] ^ x[d.Rs2]); break;
                case Op.Clz: x[d.Rd] = (ulong)BitOperations.LeadingZeroCount(x[d.Rs1]); break;
                case Op.Clzw: x[d.Rd] = (ulong)BitOperations.LeadingZeroCount((uint)x[d.Rs1]); break;
                case Op.Ctz: x[d.Rd] = (ulong)BitOperations.TrailingZeroCount(x[d.Rs1]); break;
                case Op.Ctzw: x[d.Rd] = (ulong)BitOperations.TrailingZeroCount((uint)x[d.Rs1]); break;
                case Op.Cpop: x[d.Rd] = (ulong)BitOperations.PopCount(x[d.Rs1]); break;
                case Op.Cpopw: x[d.Rd] = (ulong)BitOperations.PopCount((uint)x[d.Rs1]); break;
                case Op.Max: x[d.Rd] = (long)x[d.Rs1] > (long)x[d.Rs2] ? x[d.Rs1] : x[d.Rs2]; break;
                case Op.Maxu: x[d.Rd] = Math.Max(x[d.Rs1], x[d.Rs2]); break;
                case Op.Min: x[d.Rd] = (long)x[d.Rs1] < (long)x[d.Rs2] ? x[d.Rs1] : x[d.Rs2]; break;
                case Op.Minu: x[d.Rd] = Math.Min(x[d.Rs1], x[d.Rs2]); break;
                case Op.SextB: x[d.Rd] = (ulong)(sbyte)x[d.Rs1]; break;
                case Op.SextH: x[d.Rd] = (ulong)(short)x[d.Rs1]; break;
                case Op.ZextH: x[d.Rd] = (ushort)x[d.Rs1]; break;
                case Op.Rol: x[d.Rd] = BitOperations.RotateLeft(x[d.Rs1], (int)(x[d.Rs2] & 63)); break;
                case Op.Ror: x[d.Rd] = BitOperations.RotateRight(x[d.Rs1], (int)(x[d.Rs2] & 63)); break;
                case Op.Rori: x[d.Rd] = BitOperations.RotateRight(x[d.Rs1], (int)d.Imm); break;
                case Op.Rolw: x[d.Rd] = (ulong)(int)BitOperations.RotateLeft((uint)x[d.Rs1], (int)(x[d.Rs2] & 31)); break;
                case Op.Rorw: x[d.Rd] = (ulong)(int)BitOperations.RotateRight((uint)x[d.Rs1], (int)(x[d.Rs2] & 31)); break;
                case Op.Roriw: x[d.Rd] = (ulong)(int)BitOperations.RotateRight((uint)x[d.Rs1], (int)d.Imm); break;
                case Op.OrcB: x[d.Rd] = Alu.OrcB(x[d.Rs1]); break;
                case Op.Rev8: x[d.Rd] = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(x[d.Rs1]); break;

                case Op.Bclr: x[d.Rd] = x[d.Rs1] & ~(1UL << (int)(x[d.Rs2] & 63)); break;
                case Op.Bclri: x[d.Rd] = x[d.Rs1] & ~(1UL << (int)d.Imm); break;
                case Op.Bext: x[d.Rd] = (x[d.Rs1] >> (int)(x[d.Rs2] & 63)) & 1; break;
                case Op.Bexti: x[d.Rd] = (x[d.Rs1] >> (int)d.Imm) & 1; break;
                case Op.Binv: x[d.Rd] = x[d.Rs1] ^ (1UL << (int)(x[d.Rs2] & 63)); break;
                case Op.Binvi: x[d.Rd] = x[d.Rs1] ^ (1UL << (int)d.Imm); break;
                case Op.Bset: x[d.Rd] = x[d.Rs1] | (1UL << (int)(x[d.Rs2] & 63)); break;
                case Op.Bseti: x[d.Rd] = x[d.Rs1] | (1UL << (int)d.Imm); break;

                case >= Op.Csrrw and <= Op.Csrrci:
                    if (!ExecuteCsr(in d))
                        goto illegal;
                    if (d.Rs1 == 0 && d.Op is not (Op.Csrrw or Op.Csrrwi))
                        break; // a read (rdtime, say) changes nothing the poll looks at
                    x[0] = 0;
                    Pc = next;
                    Instret++;
                    return n + 1; // may have changed interrupt enables, the mode or translation

                case Op.Ecall:
                    Pc = pc;
                    if (SbiInVmm && Mode == PrivilegeMode.Supervisor)
                    {
                        reason = ExitReason.Sbi;
                        exited = true;
                        Instret++;
                        return n + 1;
                    }
                    Trap(Mode switch
                    {
                        PrivilegeMode.User => ExceptionCause.EcallFromU,
                        PrivilegeMode.Supervisor => ExceptionCause.EcallFromS,
                        _ => ExceptionCause.EcallFromM,
                    }, 0);
                    return n + 1;
                case Op.Ebreak:
                    Pc = pc;
                    Trap(ExceptionCause.Breakpoint, pc);
                    return n + 1;
                case Op.Mret:
                    if (Mode != PrivilegeMode.Machine)
                        goto illegal;
                    Mret();
                    Instret++;
                    return n + 1;
                case Op.Sret:
                    if (Mode == PrivilegeMode.User || (Mode == PrivilegeMode.Supervisor && (mstatus & Mstatus.TSR) != 0))
                        goto illegal;
                    Sret();
                    Instret++;
                    return n + 1;
                case Op.Wfi:
                    if (Mode == PrivilegeMode.User || (Mode == PrivilegeMode.Supervisor && (mstatus & Mstatus.TW) != 0))
                        goto illegal;
                    Pc = next;
                    Instret++;
                    if (!InterruptWaiting)
                    {
                        reason = ExitReason.Wfi;
                        exited = true;
                    }
                    return n + 1;
                case Op.SfenceVma:
                    if (Mode == PrivilegeMode.User || (Mode == PrivilegeMode.Supervisor && (mstatus & Mstatus.TVM) != 0))
                        goto illegal;
                    tlb.Flush(d.Rs1 == 0 ? null : x[d.Rs1], d.Rs2 == 0 ? null : (ushort)x[d.Rs2]);
                    break;

                case >= Op.Flw:
                    if ((mstatus & Mstatus.FS) == 0)
                        goto illegal;
                    if (!ExecuteFp(in d))
                        goto fault;
                    break;

                default:
                    goto illegal;
            }
            x[0] = 0;
            if (next != pc + d.Length)
            {
                run = null;
                blockHead = true;
            }
            pc = next;
            Instret++;
            n++;
            continue;

        illegal:
            faultCause = (ulong)ExceptionCause.IllegalInstruction;
            faultTval = d.Raw;
        fault:
            Pc = pc;
            Trap(faultCause, faultTval);
            // A trap uses one unit of budget (though it retires nothing), so that a guest trapping in a loop
            // (say, mtvec pointing at unmapped memory) still comes back to the VMM when the budget runs out.
            return n + 1;
        }
        Pc = pc;
        return n;
    }

    /// <summary>
    /// An instruction of the A extension at <paramref name="va"/>, <paramref name="src"/> being rs2: false on a
    /// fault (recorded), else <paramref name="result"/> is what it writes to rd.
    /// </summary>
    private bool Atomic(Op op, ulong va, ulong src, out ulong result)
    {
        result = 0;
        bool word = op < Op.LrD;
        byte* p = AtomicPointer(va, word ? 4 : 8, op is Op.LrW or Op.LrD ? Mmu.AccessType.Load : Mmu.AccessType.Store);
        if (p == null)
            return false;
        switch (op)
        {
            case Op.LrW or Op.LrD:
                result = word ? (ulong)Volatile.Read(ref *(int*)p) : Volatile.Read(ref *(ulong*)p);
                reservation = (ulong)p;
                reservationValue = result;
                break;
            case Op.ScW or Op.ScD:
                result = StoreConditional(p, word, src) ? 0UL : 1UL;
                break;
            default:
                result = word ? (ulong)AmoW((int*)p, op, (int)src) : AmoD((ulong*)p, op, src);
                break;
        }
        return true;
    }

    /// <summary>
    /// <see cref="Atomic"/> for compiled code. The value goes to <see cref="loaded"/> (see
    /// <see cref="ReadSlowForCompiledCode"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AtomicForCompiledCode(ulong va, ulong src, int op) => Atomic((Op)op, va, src, out loaded);

    /// <summary>SC as a compare-and-swap against the value LR saw (as QEMU does); the reservation is consumed.</summary>
    private bool StoreConditional(byte* p, bool word, ulong value)
    {
        bool reserved = reservation == (ulong)p;
        reservation = null;
        if (!reserved)
            return false;
        if (word)
            return Interlocked.CompareExchange(ref *(int*)p, (int)value, (int)reservationValue) == (int)reservationValue;
        return Interlocked.CompareExchange(ref *(ulong*)p, value, reservationValue) == reservationValue;
    }

    private static int AmoW(int* p, Op op, int src)
    {
        switch (op)
        {
            case Op.AmoSwapW: return Interlocked.Exchange(ref *p, src);
            case Op.AmoAddW: return Interlocked.Add(ref *p, src) - src;
            case Op.AmoAndW: return Interlocked.And(ref *p, src);
            case Op.AmoOrW: return Interlocked.Or(ref *p, src);
        }
        while (true)
        {
            int old = Volatile.Read(ref *p);
            int result = op switch
            {
                Op.AmoXorW => old ^ src,
                Op.AmoMinW => Math.Min(old, src),
                Op.AmoMaxW => Math.Max(old, src),
                Op.AmoMinuW => (int)Math.Min((uint)old, (uint)src),
                _ => (int)Math.Max((uint)old, (uint)src),
            };
            if (Interlocked.CompareExchange(ref *p, result, old) == old)
                return old;
        }
    }

    private static ulong AmoD(ulong* p, Op op, ulong src)
    {
        switch (op)
        {
            case Op.AmoSwapD: return Interlocked.Exchange(ref *p, src);
            case Op.AmoAddD: return Interlocked.Add(ref *p, src) - src;
            case Op.AmoAndD: return Interlocked.And(ref *p, src);
            case Op.AmoOrD: return Interlocked.Or(ref *p, src);
        }
        while (true)
        {
            ulong old = Volatile.Read(ref *p);
            ulong result = op switch
            {
                Op.AmoXorD => old ^ src,
                Op.AmoMinD => (ulong)Math.Min((long)old, (long)src),
                Op.AmoMaxD => (ulong)Math.Max((long)old, (long)src),
                Op.AmoMinuD => Math.Min(old, src),
                _ => Math.Max(old, src),
            };
            if (Interlocked.CompareExchange(ref *p, result, old) == old)
                return old;
        }
    }

    /// <summary>CSRRW/S/C and the immediate forms (Zicsr): which side effects happen depends on rd and rs1 (9.1).</summary>
    private bool ExecuteCsr(in DecodedInsn d)
    {
        bool immediate = d.Op >= Op.Csrrwi;
        if (!AccessCsr(immediate ? d.Op - 3 : d.Op, (int)d.Imm, d.Rd, d.Rs1, immediate ? d.Rs1 : x[d.Rs1], out ulong old))
            return false;
        x[d.Rd] = old;
        return true;
    }

    /// <summary>
    /// CSRRW, CSRRS or CSRRC (<paramref name="kind"/>) of <paramref name="csr"/> with <paramref name="src"/> (rs1's
    /// value or the immediate); <paramref name="rd"/> and <paramref name="rs1"/> are the fields, which decide the
    /// side effects (9.1): CSRRW reads only for a nonzero rd, CSRRS/C write only for a nonzero rs1. False means
    /// illegal instruction.
    /// </summary>
    private bool AccessCsr(Op kind, int csr, int rd, int rs1, ulong src, out ulong old)
    {
        old = 0;
        if ((kind != Op.Csrrw || rd != 0) && !TryReadCsr(csr, out old))
            return false;
        if (kind == Op.Csrrw)
            return TryWriteCsr(csr, src);
        return rs1 == 0 || TryWriteCsr(csr, kind == Op.Csrrs ? RmwBase(csr, old) | src : RmwBase(csr, old) & ~src);
    }
}
