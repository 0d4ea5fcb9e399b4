using System.Runtime.CompilerServices;
using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Fpu;
using SharpVirt.Cpu.Traps;

namespace SharpVirt.Cpu;

/// <summary>The F and D extensions: NaN-boxing, rounding-mode selection and fflags around <see cref="F32"/>/<see cref="F64"/>.</summary>
public sealed unsafe partial class Hart
{
    private const ulong BoxMask = 0xffff_ffff_0000_0000;

    /// <summary>A single read from an f register: an improperly NaN-boxed value reads as the canonical NaN (12.2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint S(int r) => (f[r] & BoxMask) == BoxMask ? (uint)f[r] : F32.CanonicalNaN;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetS(int r, uint value) => f[r] = BoxMask | value;

    /// <summary>Executes an F/D instruction; false means an exception was recorded.</summary>
    private bool ExecuteFp(in DecodedInsn d)
    {
        FFlags fl = 0;
        RoundingMode rm = (RoundingMode)(d.Rm == 7 ? frm : d.Rm);
        if ((byte)rm > 4 && RoundsResult(d.Op))
            return Fault(ExceptionCause.IllegalInstruction, d.Raw);
        ulong* xr = x;
        ulong v;
        switch (d.Op)
        {
            case Op.Flw:
                if (!Read(xr[d.Rs1] + (ulong)d.Imm, 4, out v)) return false;
                SetS(d.Rd, (uint)v);
                break;
            case Op.Fld:
                if (!Read(xr[d.Rs1] + (ulong)d.Imm, 8, out v)) return false;
                f[d.Rd] = v;
                break;
            case Op.Fsw: return Write(xr[d.Rs1] + (ulong)d.Imm, 4, (uint)f[d.Rs2]);
            case Op.Fsd: return Write(xr[d.Rs1] + (ulong)d.Imm, 8, f[d.Rs2]);

            case Op.FmaddS: SetS(d.Rd, F32.MulAdd(S(d.Rs1), S(d.Rs2), S(d.Rs3), rm, ref fl)); break;
            case Op.FmsubS: SetS(d.Rd, F32.MulAdd(S(d.Rs1), S(d.Rs2), S(d.Rs3) ^ 0x8000_0000, rm, ref fl)); break;
            case Op.FnmsubS: SetS(d.Rd, F32.MulAdd(S(d.Rs1) ^ 0x8000_0000, S(d.Rs2), S(d.Rs3), rm, ref fl)); break;
            case Op.FnmaddS: SetS(d.Rd, F32.MulAdd(S(d.Rs1) ^ 0x8000_0000, S(d.Rs2), S(d.Rs3) ^ 0x8000_0000, rm, ref fl)); break;
            case Op.FaddS: SetS(d.Rd, F32.Add(S(d.Rs1), S(d.Rs2), rm, ref fl)); break;
            case Op.FsubS: SetS(d.Rd, F32.Sub(S(d.Rs1), S(d.Rs2), rm, ref fl)); break;
            case Op.FmulS: SetS(d.Rd, F32.Mul(S(d.Rs1), S(d.Rs2), rm, ref fl)); break;
            case Op.FdivS: SetS(d.Rd, F32.Div(S(d.Rs1), S(d.Rs2), rm, ref fl)); break;
            case Op.FsqrtS: SetS(d.Rd, F32.Sqrt(S(d.Rs1), rm, ref fl)); break;
            case Op.FsgnjS: SetS(d.Rd, (S(d.Rs1) & 0x7fff_ffff) | (S(d.Rs2) & 0x8000_0000)); break;
            case Op.FsgnjnS: SetS(d.Rd, (S(d.Rs1) & 0x7fff_ffff) | (~S(d.Rs2) & 0x8000_0000)); break;
            case Op.FsgnjxS: SetS(d.Rd, S(d.Rs1) ^ (S(d.Rs2) & 0x8000_0000)); break;
            case Op.FminS: SetS(d.Rd, F32.Min(S(d.Rs1), S(d.Rs2), ref fl)); break;
            case Op.FmaxS: SetS(d.Rd, F32.Max(S(d.Rs1), S(d.Rs2), ref fl)); break;
            case Op.FcvtWS: xr[d.Rd] = (ulong)F32.ToInt32(S(d.Rs1), rm, ref fl); break;
            case Op.FcvtWuS: xr[d.Rd] = (ulong)F32.ToUInt32(S(d.Rs1), rm, ref fl); break;
            case Op.FcvtLS: xr[d.Rd] = (ulong)F32.ToInt64(S(d.Rs1), rm, ref fl); break;
            case Op.FcvtLuS: xr[d.Rd] = F32.ToUInt64(S(d.Rs1), rm, ref fl); break;
            case Op.FmvXW: xr[d.Rd] = (ulong)(int)f[d.Rs1]; break;
            case Op.FclassS: xr[d.Rd] = F32.Classify(S(d.Rs1)); break;
            case Op.FeqS: xr[d.Rd] = F32.Eq(S(d.Rs1), S(d.Rs2), ref fl) ? 1UL : 0; break;
            case Op.FltS: xr[d.Rd] = F32.Lt(S(d.Rs1), S(d.Rs2), ref fl) ? 1UL : 0; break;
            case Op.FleS: xr[d.Rd] = F32.Le(S(d.Rs1), S(d.Rs2), ref fl) ? 1UL : 0; break;
            case Op.FcvtSW: SetS(d.Rd, F32.FromInt32((int)xr[d.Rs1], rm, ref fl)); break;
            case Op.FcvtSWu: SetS(d.Rd, F32.FromUInt32((uint)xr[d.Rs1], rm, ref fl)); break;
            case Op.FcvtSL: SetS(d.Rd, F32.FromInt64((long)xr[d.Rs1], rm, ref fl)); break;
            case Op.FcvtSLu: SetS(d.Rd, F32.FromUInt64(xr[d.Rs1], rm, ref fl)); break;
            case Op.FmvWX: SetS(d.Rd, (uint)xr[d.Rs1]); break;

            case Op.FmaddD: f[d.Rd] = F64.MulAdd(f[d.Rs1], f[d.Rs2], f[d.Rs3], rm, ref fl); break;
            case Op.FmsubD: f[d.Rd] = F64.MulAdd(f[d.Rs1], f[d.Rs2], f[d.Rs3] ^ (1UL << 63), rm, ref fl); break;
            case Op.FnmsubD: f[d.Rd] = F64.MulAdd(f[d.Rs1] ^ (1UL << 63), f[d.Rs2], f[d.Rs3], rm, ref fl); break;
            case Op.FnmaddD: f[d.Rd] = F64.MulAdd(f[d.Rs1] ^ (1UL << 63), f[d.Rs2], f[d.Rs3] ^ (1UL << 63), rm, ref fl); break;
            case Op.FaddD: f[d.Rd] = F64.Add(f[d.Rs1], f[d.Rs2], rm, ref fl); break;
            case Op.FsubD: f[d.Rd] = F64.Sub(f[d.Rs1], f[d.Rs2], rm, ref fl); break;
            case Op.FmulD: f[d.Rd] = F64.Mul(f[d.Rs1], f[d.Rs2], rm, ref fl); break;
            case Op.FdivD: f[d.Rd] = F64.Div(f[d.Rs1], f[d.Rs2], rm, ref fl); break;
            case Op.FsqrtD: f[d.Rd] = F64.Sqrt(f[d.Rs1], rm, ref fl); break;
            case Op.FsgnjD: f[d.Rd] = (f[d.Rs1] & ~(1UL << 63)) | (f[d.Rs2] & (1UL << 63)); break;
            case Op.FsgnjnD: f[d.Rd] = (f[d.Rs1] & ~(1UL << 63)) | (~f[d.Rs2] & (1UL << 63)); break;
            case Op.FsgnjxD: f[d.Rd] = f[d.Rs1] ^ (f[d.Rs2] & (1UL << 63)); break;
            case Op.FminD: f[d.Rd] = F64.Min(f[d.Rs1], f[d.Rs2], ref fl); break;
            case Op.FmaxD: f[d.Rd] = F64.Max(f[d.Rs1], f[d.Rs2], ref fl); break;
            case Op.FcvtWD: xr[d.Rd] = (ulong)F64.ToInt32(f[d.Rs1], rm, ref fl); break;
            case Op.FcvtWuD: xr[d.Rd] = (ulong)F64.ToUInt32(f[d.Rs1], rm, ref fl); break;
            case Op.FcvtLD: xr[d.Rd] = (ulong)F64.ToInt64(f[d.Rs1], rm, ref fl); break;
            case Op.FcvtLuD: xr[d.Rd] = F64.ToUInt64(f[d.Rs1], rm, ref fl); break;
            case Op.FmvXD: xr[d.Rd] = f[d.Rs1]; break;
            case Op.FclassD: xr[d.Rd] = F64.Classify(f[d.Rs1]); break;
            case Op.FeqD: xr[d.Rd] = F64.Eq(f[d.Rs1], f[d.Rs2], ref fl) ? 1UL : 0; break;
            case Op.FltD: xr[d.Rd] = F64.Lt(f[d.Rs1], f[d.Rs2], ref fl) ? 1UL : 0; break;
            case Op.FleD: xr[d.Rd] = F64.Le(f[d.Rs1], f[d.Rs2], ref fl) ? 1UL : 0; break;
            case Op.FcvtDW: f[d.Rd] = F64.FromInt32((int)xr[d.Rs1], rm, ref fl); break;
            case Op.FcvtDWu: f[d.Rd] = F64.FromUInt32((uint)xr[d.Rs1], rm, ref fl); break;
            case Op.FcvtDL: f[d.Rd] = F64.FromInt64((long)xr[d.Rs1], rm, ref fl); break;
            case Op.FcvtDLu: f[d.Rd] = F64.FromUInt64(xr[d.Rs1], rm, ref fl); break;
            case Op.FmvDX: f[d.Rd] = xr[d.Rs1]; break;
            case Op.FcvtSD: SetS(d.Rd, F64.ToF32(f[d.Rs1], rm, ref fl)); break;
            case Op.FcvtDS: f[d.Rd] = F32.ToF64(S(d.Rs1), ref fl); break;
            default: return Fault(ExceptionCause.IllegalInstruction, d.Raw);
        }
        fflags |= (uint)fl;
        MarkFsDirty();
        return true;
    }

    /// <summary>Whether the instruction's rm field selects a rounding mode (so a reserved dynamic frm is illegal).</summary>
    private static bool RoundsResult(Op op) => op switch
    {
        Op.Flw or Op.Fld or Op.Fsw or Op.Fsd => false,
        Op.FsgnjS or Op.FsgnjnS or Op.FsgnjxS or Op.FminS or Op.FmaxS or Op.FmvXW or Op.FclassS => false,
        Op.FeqS or Op.FltS or Op.FleS or Op.FmvWX => false,
        Op.FsgnjD or Op.FsgnjnD or Op.FsgnjxD or Op.FminD or Op.FmaxD or Op.FmvXD or Op.FclassD => false,
        Op.FeqD or Op.FltD or Op.FleD or Op.FmvDX => false,
        _ => true,
    };
}
