#!/usr/bin/env python3
"""Generates the table-driven integer test programs (rv64ui ALU/branch/load/
store, rv64um, rv64uzba, rv64uzbb, rv64uzbs, rv64ua AMOs).

Expected values come from the reference semantics below, written from the
RISC-V unprivileged specification. Run from tests/programs:
    python3 tools/gen_int.py
The generated .S files are committed; rerun after changing this script.
"""
import os
import random

M64 = (1 << 64) - 1
M32 = (1 << 32) - 1


def u64(x): return x & M64
def s64(x):
    x &= M64
    return x - (1 << 64) if x >> 63 else x
def u32(x): return x & M32
def s32(x):
    x &= M32
    return x - (1 << 32) if x >> 31 else x
def sext32(x): return u64(s32(x))
def h(x): return "0x%016x" % u64(x)


def tdiv(a, b):  # signed division truncating toward zero
    q = abs(a) // abs(b)
    return -q if (a < 0) != (b < 0) else q


def div(a, b):
    a, b = s64(a), s64(b)
    if b == 0: return M64
    if a == -(1 << 63) and b == -1: return u64(a)
    return u64(tdiv(a, b))
def divu(a, b):
    a, b = u64(a), u64(b)
    return M64 if b == 0 else a // b
def rem(a, b):
    a, b = s64(a), s64(b)
    if b == 0: return u64(a)
    if a == -(1 << 63) and b == -1: return 0
    return u64(a - b * tdiv(a, b))
def remu(a, b):
    a, b = u64(a), u64(b)
    return a if b == 0 else a % b
def divw(a, b):
    a, b = s32(a), s32(b)
    if b == 0: return M64
    if a == -(1 << 31) and b == -1: return sext32(a)
    return sext32(tdiv(a, b))
def divuw(a, b):
    a, b = u32(a), u32(b)
    return M64 if b == 0 else sext32(a // b)
def remw(a, b):
    a, b = s32(a), s32(b)
    if b == 0: return sext32(a)
    if a == -(1 << 31) and b == -1: return 0
    return sext32(a - b * tdiv(a, b))
def remuw(a, b):
    a, b = u32(a), u32(b)
    return sext32(a) if b == 0 else sext32(a % b)


def clz64(x):
    x = u64(x)
    return 64 - x.bit_length()
def ctz64(x):
    x = u64(x)
    return 64 if x == 0 else (x & -x).bit_length() - 1
def clz32(x):
    x = u32(x)
    return 32 - x.bit_length()
def ctz32(x):
    x = u32(x)
    return 32 if x == 0 else (x & -x).bit_length() - 1
def rol64(a, n):
    n &= 63; a = u64(a)
    return u64((a << n) | (a >> (64 - n))) if n else a
def ror64(a, n):
    n &= 63; a = u64(a)
    return u64((a >> n) | (a << (64 - n))) if n else a
def rol32(a, n):
    n &= 31; a = u32(a)
    return sext32((a << n) | (a >> (32 - n))) if n else sext32(a)
def ror32(a, n):
    n &= 31; a = u32(a)
    return sext32((a >> n) | (a << (32 - n))) if n else sext32(a)
def orcb(a):
    r = 0
    for i in range(8):
        if (a >> (8 * i)) & 0xff: r |= 0xff << (8 * i)
    return r
def rev8(a):
    a = u64(a)
    return int.from_bytes(a.to_bytes(8, "little"), "big")


RR = {
    # rv64ui
    "add": lambda a, b: u64(a + b),
    "sub": lambda a, b: u64(a - b),
    "sll": lambda a, b: u64(a << (b & 63)),
    "srl": lambda a, b: u64(a) >> (b & 63),
    "sra": lambda a, b: u64(s64(a) >> (b & 63)),
    "slt": lambda a, b: int(s64(a) < s64(b)),
    "sltu": lambda a, b: int(u64(a) < u64(b)),
    "xor": lambda a, b: u64(a ^ b),
    "or": lambda a, b: u64(a | b),
    "and": lambda a, b: u64(a & b),
    "addw": lambda a, b: sext32(a + b),
    "subw": lambda a, b: sext32(a - b),
    "sllw": lambda a, b: sext32(u32(a) << (b & 31)),
    "srlw": lambda a, b: sext32(u32(a) >> (b & 31)),
    "sraw": lambda a, b: sext32(s32(a) >> (b & 31)),
    # rv64um
    "mul": lambda a, b: u64(a * b),
    "mulh": lambda a, b: u64((s64(a) * s64(b)) >> 64),
    "mulhsu": lambda a, b: u64((s64(a) * u64(b)) >> 64),
    "mulhu": lambda a, b: u64((u64(a) * u64(b)) >> 64),
    "mulw": lambda a, b: sext32(a * b),
    "div": div, "divu": divu, "rem": rem, "remu": remu,
    "divw": divw, "divuw": divuw, "remw": remw, "remuw": remuw,
    # zba
    "add.uw": lambda a, b: u64(u32(a) + b),
    "sh1add": lambda a, b: u64((a << 1) + b),
    "sh2add": lambda a, b: u64((a << 2) + b),
    "sh3add": lambda a, b: u64((a << 3) + b),
    "sh1add.uw": lambda a, b: u64((u32(a) << 1) + b),
    "sh2add.uw": lambda a, b: u64((u32(a) << 2) + b),
    "sh3add.uw": lambda a, b: u64((u32(a) << 3) + b),
    # zbb
    "andn": lambda a, b: u64(a & ~b),
    "orn": lambda a, b: u64(a | ~b),
    "xnor": lambda a, b: u64(~(a ^ b)),
    "max": lambda a, b: u64(max(s64(a), s64(b))),
    "min": lambda a, b: u64(min(s64(a), s64(b))),
    "maxu": lambda a, b: max(u64(a), u64(b)),
    "minu": lambda a, b: min(u64(a), u64(b)),
    "rol": rol64, "ror": ror64, "rolw": rol32, "rorw": ror32,
    # zbs
    "bclr": lambda a, b: u64(a & ~(1 << (b & 63))),
    "bset": lambda a, b: u64(a | (1 << (b & 63))),
    "binv": lambda a, b: u64(a ^ (1 << (b & 63))),
    "bext": lambda a, b: (u64(a) >> (b & 63)) & 1,
}

RI = {
    "addi": lambda a, i: u64(a + i),
    "slti": lambda a, i: int(s64(a) < i),
    "sltiu": lambda a, i: int(u64(a) < u64(i)),
    "xori": lambda a, i: u64(a ^ i),
    "ori": lambda a, i: u64(a | i),
    "andi": lambda a, i: u64(a & i),
    "slli": lambda a, i: u64(a << i),
    "srli": lambda a, i: u64(a) >> i,
    "srai": lambda a, i: u64(s64(a) >> i),
    "addiw": lambda a, i: sext32(a + i),
    "slliw": lambda a, i: sext32(u32(a) << i),
    "srliw": lambda a, i: sext32(u32(a) >> i),
    "sraiw": lambda a, i: sext32(s32(a) >> i),
    "slli.uw": lambda a, i: u64(u32(a) << i),
    "rori": lambda a, i: ror64(a, i),
    "roriw": lambda a, i: ror32(a, i),
    "bclri": lambda a, i: u64(a & ~(1 << i)),
    "bseti": lambda a, i: u64(a | (1 << i)),
    "binvi": lambda a, i: u64(a ^ (1 << i)),
    "bexti": lambda a, i: (u64(a) >> i) & 1,
}

UN = {
    "clz": clz64, "ctz": ctz64,
    "clzw": clz32, "ctzw": ctz32,
    "cpop": lambda a: bin(u64(a)).count("1"),
    "cpopw": lambda a: bin(u32(a)).count("1"),
    "sext.b": lambda a: u64(((a & 0xff) ^ 0x80) - 0x80),
    "sext.h": lambda a: u64(((a & 0xffff) ^ 0x8000) - 0x8000),
    "zext.h": lambda a: a & 0xffff,
    "orc.b": orcb, "rev8": rev8,
}

# operand values: boundaries of the 64- and 32-bit ranges plus mixed patterns
CORE = [0, 1, 2, 3, M64, u64(-2), 0x7fffffffffffffff, 0x8000000000000000,
        0x7fffffff, 0x80000000, 0xffffffff, 0xffffffff80000000, 0x100000000,
        0x0123456789abcdef, 0xfedcba9876543210, 0x5555555555555555,
        0xaaaaaaaaaaaaaaaa, 0x00000000ffff8000, 0x8000000000000001,
        0xffffffff7fffffff]
SMALL = [0, 1, u64(-1), 0x7fffffffffffffff, 0x8000000000000000, 0x80000000,
         0xffffffff, 0x0123456789abcdef, 0xfedcba9876543210, 0xffffffff80000000]
DIV_EXTRA = [(20, 6), (u64(-20), 6), (20, u64(-6)), (u64(-20), u64(-6)),
             (7, 2), (u64(-7), 2), (7, u64(-2)), (u64(-7), u64(-2)),
             (0x8000000000000000, u64(-1)), (0x8000000000000000, 1),
             (0x8000000000000000, 0), (1, 0), (0, 0), (M64, 0),
             (0x80000000, 0xffffffff), (0xffffffff80000000, u64(-1)),
             (0x123480000000, 0xffffffffffffffff), (0x0000000180000000, 0xffffffff),
             (0xffffffff00000007, 0x100000002), (0x00000001fffffff9, 2),
             (0x7fffffffffffffff, 0x7fffffffffffffff), (M64, M64),
             (1 << 63, 1 << 63), (0x0123456789abcdef, 0x10), (3, 7)]
SHIFT_AMTS = [0, 1, 2, 7, 15, 31, 32, 33, 62, 63, 64, 65, 0xffffffffffffffe1,
              0xffffffffffffffff, 0xffffffffffffffc0]
SHIFT_VALS = [1, M64, 0x8000000000000000, 0x0123456789abcdef,
              0xfedcba9876543210, 0x80000000, 0xffffffff, 0x7fffffff,
              0xffffffff80000000, 0x2108421084210842]
IMM12 = [0, 1, u64(-1), 2047, u64(-2048), 0x555, u64(-0x556), 100, u64(-100), 0x7f0]


def imm_str(i):
    return str(s64(i))


def rr_pairs(op, rng):
    pairs = []
    if op in ("sll", "srl", "sra", "sllw", "srlw", "sraw", "rol", "ror", "rolw",
              "rorw", "bclr", "bset", "binv", "bext"):
        for v in SHIFT_VALS:
            for amt in SHIFT_AMTS:
                pairs.append((v, amt))
        rng.shuffle(pairs)
        pairs = pairs[:60]
    else:
        for a in SMALL:
            for b in SMALL:
                pairs.append((a, b))
        for _ in range(12):
            pairs.append((rng.choice(CORE), rng.choice(CORE)))
        for _ in range(6):
            pairs.append((rng.getrandbits(64), rng.getrandbits(64)))
        if op in ("div", "divu", "rem", "remu", "divw", "divuw", "remw", "remuw",
                  "mul", "mulh", "mulhsu", "mulhu", "mulw"):
            pairs += DIV_EXTRA
    seen, out = set(), []
    for p in pairs:
        if p not in seen:
            seen.add(p); out.append(p)
    return out


def ri_imms(op):
    if op in ("slli", "srli", "srai", "slli.uw", "rori", "bclri", "bseti",
              "binvi", "bexti"):
        return [0, 1, 2, 7, 31, 32, 33, 48, 62, 63]
    if op in ("slliw", "srliw", "sraiw", "roriw"):
        return [0, 1, 2, 7, 15, 16, 30, 31]
    return IMM12


HEADER = """/* {suite} {name}: {what}
 * Generated by tools/gen_int.py from the reference semantics there; do not
 * edit by hand. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_U
"""


def fname(op):
    return op.replace(".", "_")


class Emitter:
    def __init__(self):
        self.lines = []
        self.n = 2

    def add(self, fmt, *args):
        self.lines.append("  " + fmt.format(self.n, *args))
        self.n += 1


def gen_rr(op, rng):
    f = RR[op]
    e = Emitter()
    for a, b in rr_pairs(op, rng):
        e.add("TEST_RR({}, {}, {}, {}, {})", op, h(f(a, b)), h(a), h(b))
    a, b = 0x0123456789abcdef, 0x35
    if op in ("div", "divu", "rem", "remu", "divw", "divuw", "remw", "remuw"):
        a, b = 0x0123456789abcdef, 0x1234567
    e.add("TEST_RR_DEST_SRC1({}, {}, {}, {}, {})", op, h(f(a, b)), h(a), h(b))
    e.add("TEST_RR_DEST_SRC2({}, {}, {}, {}, {})", op, h(f(a, b)), h(a), h(b))
    e.add("TEST_RR_SAME({}, {}, {}, {})", op, h(f(a, a)), h(a))
    e.add("TEST_RR_ALL_SAME({}, {}, {}, {})", op, h(f(b, b)), h(b))
    e.add("TEST_RR_ZERO1({}, {}, {}, {})", op, h(f(0, b)), h(b))
    e.add("TEST_RR_ZERO2({}, {}, {}, {})", op, h(f(a, 0)), h(a))
    e.add("TEST_RR_CHAIN({}, {}, {}, {}, {})", op, h(f(a, b)), h(a), h(b))
    e.add("TEST_RR_ZERO_DEST({}, {}, {}, {})", op, h(a), h(b))
    return e.lines


def gen_ri(op, rng):
    f = RI[op]
    e = Emitter()
    vals = CORE[:]
    for imm in ri_imms(op):
        for a in rng.sample(vals, 6) + [0, M64]:
            e.add("TEST_RI({}, {}, {}, {}, {})", op, h(f(a, s64(imm))), h(a), imm_str(imm))
    imm = ri_imms(op)[3]
    a = 0x0123456789abcdef
    e.add("TEST_RI_SAME({}, {}, {}, {}, {})", op, h(f(a, s64(imm))), h(a), imm_str(imm))
    e.add("TEST_RI_ZERO({}, {}, {}, {})", op, h(f(0, s64(imm))), imm_str(imm))
    e.add("TEST_RI_ZERO_DEST({}, {}, {}, {})", op, h(a), imm_str(imm))
    return e.lines


def gen_un(op, rng):
    f = UN[op]
    e = Emitter()
    vals = CORE + [0x80, 0x7f, 0x8000, 0x7fff, 0xff00, 0x00ff00ff00ff00ff,
                   0x0000010000000000, 0x1000, 0x0000000080000000, 0x40000000,
                   0xffff_ffff_0000_0000, 0x0000_0001_0000_0000, 0x00800000]
    for _ in range(10):
        vals.append(rng.getrandbits(64))
    for _ in range(4):
        vals.append(1 << rng.randrange(64))
    for a in vals:
        if op == "ctzw" and u32(a) == 0 and a != 0:
            continue  # kept apart in ctzw_upper (QEMU before 8.0 gets these wrong)
        e.add("TEST_R({}, {}, {}, {})", op, h(f(a)), h(a))
    a = 0x0000f0f0_00ff0080
    e.add("TEST_R_SAME({}, {}, {}, {})", op, h(f(a)), h(a))
    e.add("TEST_R_ZERO({}, {}, {})", op, h(f(0)))
    return e.lines


BR = {
    "beq": lambda a, b: a == b,
    "bne": lambda a, b: a != b,
    "blt": lambda a, b: s64(a) < s64(b),
    "bge": lambda a, b: s64(a) >= s64(b),
    "bltu": lambda a, b: a < b,
    "bgeu": lambda a, b: a >= b,
}


def gen_br(op, rng):
    f = BR[op]
    e = Emitter()
    vals = [0, 1, M64, u64(-2), 0x7fffffffffffffff, 0x8000000000000000,
            0x80000000, 0xffffffff, 0x100000000, 0xffffffff00000000]
    for a in vals:
        for b in rng.sample(vals, 5) + [a]:
            macro = "TEST_BR_TAKEN" if f(a, b) else "TEST_BR_NOT_TAKEN"
            e.add(macro + "({}, {}, {}, {})", op, h(a), h(b))
    return e.lines


def write(suite, name, what, lines, tail=""):
    write_mode(suite, name, what, lines, tail, "U")


def write_mode(suite, name, what, lines, tail, mode):
    d = os.path.join("isa", suite)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, fname(name) + ".S"), "w") as fp:
        fp.write(HEADER.format(suite=suite, name=name, what=what).replace(
            "CODE_BEGIN_U", "CODE_BEGIN_" + mode))
        fp.write("\n".join(lines))
        fp.write("\nCODE_END\n")
        if tail:
            fp.write(tail)


# ---------------------------------------------------------------- loads/stores
DATA = bytes([0x01, 0x82, 0x73, 0xf4, 0x85, 0x06, 0xf7, 0x78,
              0x89, 0x9a, 0x2b, 0xfc, 0x0d, 0xee, 0x7f, 0x80,
              0xff, 0x00, 0x80, 0x7f, 0xff, 0xff, 0xff, 0x7f,
              0x00, 0x00, 0x00, 0x80, 0xfe, 0xca, 0xbe, 0xba])

LOADS = {"lb": (1, True), "lbu": (1, False), "lh": (2, True), "lhu": (2, False),
         "lw": (4, True), "lwu": (4, False), "ld": (8, True)}
STORES = {"sb": 1, "sh": 2, "sw": 4, "sd": 8}


def ldval(width, signed, off):
    v = int.from_bytes(DATA[off:off + width], "little")
    if signed and v >> (8 * width - 1):
        v -= 1 << (8 * width)
    return u64(v)


def data_block(label):
    out = ["  .data", "  .align 4", label + ":"]
    for i in range(0, len(DATA), 8):
        out.append("  .byte " + ", ".join("0x%02x" % b for b in DATA[i:i + 8]))
    return "\n".join(out) + "\n"


def gen_load(op):
    width, signed = LOADS[op]
    e = Emitter()
    for off in range(0, len(DATA), width):
        e.add("TEST_LD({}, {}, {}, {}, tdat)", op, h(ldval(width, signed, off)), off)
    # negative offsets from a base past the data
    for off in range(0, len(DATA), width * 2):
        e.add("TEST_LD({}, {}, {}, {}, tdat_end)", op,
              h(ldval(width, signed, off)), off - len(DATA))
    # base register is also the destination
    e.add("TEST_LD_SAME({}, {}, {}, {}, tdat)", op, h(ldval(width, signed, width)), width)
    # large positive and negative displacements
    e.add("TEST_CASE({}, a2, {}, la a1, tdat; addi a1, a1, -2040; " + op + " a2, 2040(a1))",
          h(ldval(width, signed, 0)))
    e.add("TEST_CASE({}, a2, {}, la a1, tdat; addi a1, a1, 2047; addi a1, a1, 1; "
          + op + " a2, -2048(a1))", h(ldval(width, signed, 0)))
    # load into x0 must not change x0
    e.add("TEST_CASE({}, zero, 0, la a1, tdat; " + op + " zero, 4(a1))")
    tail = data_block("tdat") + "tdat_end:\n  .dword 0\n"
    return e.lines, tail


def gen_store(op):
    width = STORES[op]
    ld = {1: "lb", 2: "lh", 4: "lw", 8: "ld"}[width]
    ldu = {1: "lbu", 2: "lhu", 4: "lwu", 8: "ld"}[width]
    e = Emitter()
    rng = random.Random(op)
    vals = [0, M64, 0x8000000000000000, 0x0123456789abcdef, 0xfedcba9876543210,
            0x80, 0x7f, 0x8000, 0x7fff, 0x80000000, 0x7fffffff] + \
        [rng.getrandbits(64) for _ in range(5)]
    for i, v in enumerate(vals):
        off = (i * width) % 32
        m = (1 << (8 * width)) - 1
        sv = v & m
        sres = sv - (1 << 8 * width) if sv >> (8 * width - 1) else sv
        e.add("TEST_ST({}, " + ld + ", " + op + ", {}, {}, {}, tbuf)", h(sres), h(v), off)
        e.add("TEST_ST({}, " + ldu + ", " + op + ", {}, {}, {}, tbuf)", h(sv), h(v), off)
    # negative offset from a base past the buffer
    e.add("TEST_ST({}, " + ldu + ", " + op + ", {}, {}, -8, tbuf_end)", h(0x5a5a5a5a5a5a5a5a & ((1 << 8 * width) - 1)), h(0x5a5a5a5a5a5a5a5a))
    # a store must not touch neighbouring bytes
    lines_neighbour = (
        "la a1, tbuf; li a0, -1; sd a0, 32(a1); sd a0, 40(a1); sd a0, 48(a1); "
        "li a0, 0x1122334455667788; " + op + " a0, 40(a1); "
        "ld a2, 32(a1); ld a3, 48(a1); and a2, a2, a3; ld a3, 40(a1); xor a2, a2, a3")
    m = (1 << (8 * width)) - 1
    stored40 = (M64 & ~m) | (0x1122334455667788 & m)
    e.add("TEST_CASE({}, a2, {}, " + lines_neighbour + ")", h(M64 ^ stored40))
    # store with base register equal to the source
    e.add("TEST_CASE({}, a2, 0, la a1, tbuf; sd zero, 56(a1); " + op +
          " a1, 56(a1); " + ldu + " a2, 56(a1); la a3, tbuf; li a4, {}; and a3, a3, a4; xor a2, a2, a3)",
          h(m))
    # storing x0 writes zeros
    e.add("TEST_CASE({}, a2, 0, la a1, tbuf; li a0, -1; sd a0, 0(a1); " + op +
          " zero, 0(a1); " + ldu + " a2, 0(a1))")
    tail = "  .data\n  .align 4\ntbuf: .zero 64\ntbuf_end: .dword 0\n"
    return e.lines, tail


# ---------------------------------------------------------------- AMOs
def amo_op(name, width, m, v):
    if width == 4:
        ms, vs, mu, vu = s32(m), s32(v), u32(m), u32(v)
    else:
        ms, vs, mu, vu = s64(m), s64(v), u64(m), u64(v)
    r = {"amoswap": v, "amoadd": m + v, "amoxor": m ^ v, "amoand": m & v,
         "amoor": m | v, "amomin": min(ms, vs), "amomax": max(ms, vs),
         "amominu": min(mu, vu), "amomaxu": max(mu, vu)}[name]
    return r & ((1 << (8 * width)) - 1)


def amo_case(n, name, width, m, v, o):
    sfx = ".w" if width == 4 else ".d"
    op = name + sfx + o
    mask = (1 << (8 * width)) - 1
    mem = m & mask
    old = u64(s32(mem)) if width == 4 else mem
    new = amo_op(name, width, mem, v & mask)
    newx = u64(s32(new)) if width == 4 else new
    ld = "lw" if width == 4 else "ld"
    st = "sw" if width == 4 else "sd"
    s = ("TEST_ID(%d); la a1, amo_dat; li a0, -1; sd a0, 0(a1); li a0, %s; %s a0, 0(a1); "
         "li a3, %s; %s a2, a3, (a1); EXPECT2(%d, old, a2, %s); %s a4, 0(a1); "
         "EXPECT2(%d, new, a4, %s)" % (n, h(m), st, h(v), op, n, h(old), ld, n, h(newx)))
    if width == 4:
        s += "; lw a5, 4(a1); EXPECT2(%d, hi, a5, -1)" % n
    return "  " + s


def gen_amo_file(name, width):
    rng = random.Random(name + str(width))
    vals = [0, 1, M64, 0x8000000000000000, 0x7fffffffffffffff, 0x80000000,
            0x7fffffff, 0xffffffff, 0x00000000fffff800, 0xfffffffffffff800,
            0x0123456789abcdef] + [rng.getrandbits(64) for _ in range(3)]
    pairs = [(rng.choice(vals), rng.choice(vals)) for _ in range(24)]
    pairs += [(0x80000000, 0x7fffffff), (0x7fffffff, 0x80000000),
              (0xffffffff, 1), (1, 0xffffffff), (0x8000000000000000, 1),
              (1, 0x8000000000000000), (5, 5)]
    ordering = ["", ".aq", ".rl", ".aqrl"]
    lines = []
    n = 2
    for i, (m, v) in enumerate(pairs):
        lines.append(amo_case(n, name, width, m, v, ordering[i % 4]))
        n += 1
    sfx = ".w" if width == 4 else ".d"
    ld = "lw" if width == 4 else "ld"
    mask = (1 << (8 * width)) - 1
    # rd = x0: memory still updated
    m, v = 0x0123456789abcdef, 0x00000000fedcba98
    new = amo_op(name, width, m & mask, v & mask)
    newx = u64(s32(new)) if width == 4 else new
    lines.append("  TEST_ID(%d); la a1, amo_dat; li a0, %s; sd a0, 0(a1); li a3, %s; "
                 "%s%s zero, a3, (a1); %s a4, 0(a1); EXPECT(%d, a4, %s)"
                 % (n, h(m), h(v), name, sfx, ld, n, h(newx)))
    n += 1
    # rd == rs2: the old value wins in rd
    old = u64(s32(m & mask)) if width == 4 else m
    lines.append("  TEST_ID(%d); la a1, amo_dat; li a0, %s; sd a0, 0(a1); li a3, %s; "
                 "%s%s a3, a3, (a1); EXPECT2(%d, old, a3, %s); %s a4, 0(a1); EXPECT2(%d, new, a4, %s)"
                 % (n, h(m), h(v), name, sfx, n, h(old), ld, n, h(newx)))
    n += 1
    # a second AMO sees the first one's result (and works at a nonzero offset)
    lines.append("  TEST_ID(%d); la a1, amo_dat; li a0, %s; sd a0, 8(a1); addi a1, a1, 8; li a3, %s; "
                 "%s%s a2, a3, (a1); %s%s a2, a3, (a1); EXPECT(%d, a2, %s)"
                 % (n, h(m), h(v), name, sfx, name, sfx, n, h(newx)))
    n += 1
    tail = "  .data\n  .align 4\namo_dat: .dword 0, 0\n"
    return lines, tail



# ---------------------------------------------------------------- misaligned data
def ma_load_case(n, op, off, base, expected):
    """A misaligned load either gives the right value or traps with a
    load address-misaligned / access-fault exception whose tval is the
    address and whose epc is the load."""
    return "\n".join([
        "  TEST_ID(%d); la a1, %s; addi a5, a1, %d" % (n, base, off),
        "  TRAP_ARM_SKIP; .Li_%d: %s a2, %d(a1); TRAP_DISARM" % (n, op, off),
        "  TRAP_GET(t5, CTL_CAUSE); li t4, -1; bne t5, t4, .Ltrap_%d" % n,
        "  EXPECT2(%d, val, a2, %s); j .Ldone_%d" % (n, h(expected), n),
        ".Ltrap_%d:" % n,
        "  li t4, EXC_LOAD_MISALIGNED; beq t5, t4, .Lcause_%d" % n,
        "  EXPECT2(%d, cause, t5, EXC_LOAD_ACCESS)" % n,
        ".Lcause_%d:" % n,
        "  TRAP_GET(t5, CTL_TVAL); EXPECT_EQ(%d, tval, t5, a5)" % n,
        "  TRAP_GET(t5, CTL_EPC); la a4, .Li_%d; EXPECT_EQ(%d, epc, t5, a4)" % (n, n),
        ".Ldone_%d:" % n,
    ])


def ma_store_case(n, op, width, off, base, init, value):
    """A misaligned store either lands in memory (checked through aligned
    loads of the surrounding dwords) or traps with a store/AMO misaligned or
    access-fault exception whose tval is the address."""
    buf = bytearray(b"".join(x.to_bytes(8, "little") for x in init))
    buf[off:off + width] = (value & ((1 << 8 * width) - 1)).to_bytes(width, "little")
    exp = [int.from_bytes(buf[i:i + 8], "little") for i in range(0, len(buf), 8)]
    lines = ["  TEST_ID(%d); la a1, %s; addi a5, a1, %d" % (n, base, off)]
    for i, v in enumerate(init):
        lines.append("  li a0, %s; sd a0, %d(a1)" % (h(v), 8 * i))
    lines += [
        "  li a0, %s" % h(value),
        "  TRAP_ARM_SKIP; .Li_%d: %s a0, %d(a1); TRAP_DISARM" % (n, op, off),
        "  TRAP_GET(t5, CTL_CAUSE); li t4, -1; bne t5, t4, .Ltrap_%d" % n,
    ]
    for i, v in enumerate(exp):
        lines.append("  ld a2, %d(a1); EXPECT2(%d, m%d, a2, %s)" % (8 * i, n, i, h(v)))
    lines += [
        "  j .Ldone_%d" % n,
        ".Ltrap_%d:" % n,
        "  li t4, EXC_STORE_MISALIGNED; beq t5, t4, .Lcause_%d" % n,
        "  EXPECT2(%d, cause, t5, EXC_STORE_ACCESS)" % n,
        ".Lcause_%d:" % n,
        "  TRAP_GET(t5, CTL_TVAL); EXPECT_EQ(%d, tval, t5, a5)" % n,
        "  TRAP_GET(t5, CTL_EPC); la a4, .Li_%d; EXPECT_EQ(%d, epc, t5, a4)" % (n, n),
        ".Ldone_%d:" % n,
    ]
    return "\n".join(lines)


def gen_ma_data(only=None):
    lines = []
    n = 2
    for op, (width, signed) in LOADS.items():
        if width == 1 or (only is not None and op not in only):
            continue
        for off in range(1, 16):
            if off % width == 0:
                continue
            lines.append(ma_load_case(n, op, off, "tdat", ldval(width, signed, off)))
            n += 1
    # loads that straddle a page boundary
    page = bytes(range(0xa0, 0xb0))   # 8 bytes before and 8 after the boundary
    for op, (width, signed) in LOADS.items():
        if width == 1 or (only is not None and op not in only):
            continue
        for off in range(-width + 1, 0):
            v = int.from_bytes(page[8 + off:8 + off + width], "little")
            if signed and v >> (8 * width - 1):
                v -= 1 << (8 * width)
            lines.append(ma_load_case(n, op, off, "pgb", u64(v)))
            n += 1
    init = [0x0706050403020100, 0x0f0e0d0c0b0a0908, 0x1716151413121110]
    for op, width in STORES.items():
        if width == 1 or (only is not None and op not in only):
            continue
        for off in range(1, 16):
            if off % width == 0:
                continue
            lines.append(ma_store_case(n, op, width, off, "sbuf", init, 0xf1e2d3c4b5a69788))
            n += 1
    tail = data_block("tdat") + "  .dword 0x8877665544332211, 0\n"
    tail += "  .align 4\nsbuf: .zero 32\n"
    tail += ("  .balign 4096\n  .skip 4096 - 8\n  .byte " +
             ", ".join("0x%02x" % b for b in page[:8]) +
             "\npgb:\n  .byte " + ", ".join("0x%02x" % b for b in page[8:]) + "\n")
    return lines, tail


def gen_ld_st():
    """Stores of one width read back with loads of every other width."""
    lines = []
    n = 2
    pattern = 0x8182838485868788
    # sd, then every narrower load at every aligned offset
    for op, (width, signed) in LOADS.items():
        for off in range(0, 8, width):
            v = (pattern >> (8 * off)) & ((1 << 8 * width) - 1)
            if signed and v >> (8 * width - 1):
                v -= 1 << (8 * width)
            lines.append("  TEST_CASE(%d, a2, %s, la a1, buf; li a0, %s; sd a0, 0(a1); %s a2, %d(a1))"
                         % (n, h(v), h(pattern), op, off))
            n += 1
    # narrow stores assembled into one dword
    seq = [("sb", 0, 0x11), ("sb", 1, 0x22), ("sh", 2, 0x4433), ("sw", 4, 0x88776655)]
    code = "la a1, buf; sd zero, 0(a1); " + "; ".join(
        "li a0, %s; %s a0, %d(a1)" % (h(v), op, off) for op, off, v in seq) + "; ld a2, 0(a1)"
    lines.append("  TEST_CASE(%d, a2, 0x8877665544332211, %s)" % (n, code)); n += 1
    # overwriting the middle of a dword
    for op, width in STORES.items():
        if width == 8:
            continue
        for off in range(0, 8, width):
            m = ((1 << 8 * width) - 1) << (8 * off)
            exp = (M64 & ~m) | (0 << (8 * off))
            lines.append("  TEST_CASE(%d, a2, %s, la a1, buf; li a0, -1; sd a0, 0(a1); %s zero, %d(a1); ld a2, 0(a1))"
                         % (n, h(exp), op, off)); n += 1
    # load after store to the same address through a different base register
    lines.append("  TEST_CASE(%d, a2, 0x1234, la a1, buf; addi a3, a1, 16; li a0, 0x1234; "
                 "sh a0, 16(a1); lhu a2, 0(a3))" % n); n += 1
    # back-to-back store/load pairs with dependent addresses
    lines.append("  TEST_CASE(%d, a2, %s, la a1, buf; sd a1, 24(a1); ld a3, 24(a1); ld a2, 24(a3); "
                 "sub a2, a2, a1)" % (n, h(0))); n += 1
    tail = "  .data\n  .align 4\nbuf: .zero 64\n"
    return lines, tail


def main():
    rng = random.Random(20240611)
    desc_rr = "register-register %s on edge and random operands"
    ui_rr = ["add", "sub", "sll", "srl", "sra", "slt", "sltu", "xor", "or", "and",
             "addw", "subw", "sllw", "srlw", "sraw"]
    ui_ri = ["addi", "slti", "sltiu", "xori", "ori", "andi", "slli", "srli", "srai",
             "addiw", "slliw", "srliw", "sraiw"]
    for op in ui_rr:
        write("rv64ui", op, desc_rr % op, gen_rr(op, rng))
    for op in ui_ri:
        write("rv64ui", op, "register-immediate %s" % op, gen_ri(op, rng))
    for op in BR:
        write("rv64ui", op, "%s taken and not taken, forward and backward" % op,
              gen_br(op, rng))
    for op in LOADS:
        lines, tail = gen_load(op)
        write("rv64ui", op, "%s from every aligned offset, extension, displacements" % op,
              lines, tail)
    for op in STORES:
        lines, tail = gen_store(op)
        write("rv64ui", op, "%s of edge values, read back, neighbours untouched" % op,
              lines, tail)
    lines, tail = gen_ma_data()
    write("rv64ui", "ma_data", "misaligned loads and stores: either performed correctly "
          "or trapping with an address-misaligned/access fault that reports the address",
          lines, tail)
    for name, ops in (("ma_addr", None), ("ld-misaligned", ["ld"]),
                      ("lw-misaligned", ["lw", "lwu"]), ("lh-misaligned", ["lh", "lhu"]),
                      ("sd-misaligned", ["sd"]), ("sw-misaligned", ["sw"]),
                      ("sh-misaligned", ["sh"])):
        lines, tail = gen_ma_data(ops)
        write_mode("rv64mi", name, "misaligned %s in M mode: performed correctly, or an "
                   "address-misaligned/access fault with mtval = address and mepc = the "
                   "instruction" % ("loads and stores" if ops is None else "/".join(ops)),
                   lines, tail, "M")
    lines, tail = gen_ld_st()
    write("rv64ui", "ld_st", "stores of one width read back with loads of others", lines, tail)
    for op in ["mul", "mulh", "mulhsu", "mulhu", "mulw", "div", "divu", "rem", "remu",
               "divw", "divuw", "remw", "remuw"]:
        write("rv64um", op, desc_rr % op + ", incl. division by zero and overflow", gen_rr(op, rng))
    for op in ["add.uw", "sh1add", "sh2add", "sh3add", "sh1add.uw", "sh2add.uw", "sh3add.uw"]:
        write("rv64uzba", op, desc_rr % op, gen_rr(op, rng))
    write("rv64uzba", "slli.uw", "slli.uw", gen_ri("slli.uw", rng))
    for op in ["andn", "orn", "xnor", "max", "maxu", "min", "minu", "rol", "ror", "rolw", "rorw"]:
        write("rv64uzbb", op, desc_rr % op, gen_rr(op, rng))
    for op in ["rori", "roriw"]:
        write("rv64uzbb", op, op, gen_ri(op, rng))
    for op in UN:
        write("rv64uzbb", op, "%s on edge and random operands" % op, gen_un(op, rng))
    e = Emitter()
    for a in [0x8000000000000000, 0x0000000200000000, 0xffffffff00000000,
              0x0000000100000000, 0x1234567800000000]:
        e.add("TEST_R({}, {}, {}, {})", "ctzw", h(ctz32(a)), h(a))
    write("rv64uzbb", "ctzw_upper", "ctzw must ignore the upper word: a zero lower word "
          "gives 32 (qemu-system-riscv64 < 8.0 returns the 64-bit count; fixed upstream "
          "by 'target/riscv: Fix ctzw behavior')", e.lines)
    for op in ["bclr", "bset", "binv", "bext"]:
        write("rv64uzbs", op, desc_rr % op, gen_rr(op, rng))
    for op in ["bclri", "bseti", "binvi", "bexti"]:
        write("rv64uzbs", op, op, gen_ri(op, rng))
    for name in ["amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax",
                 "amominu", "amomaxu"]:
        for width in (4, 8):
            lines, tail = gen_amo_file(name, width)
            sfx = "_w" if width == 4 else "_d"
            write("rv64ua", name + sfx, "%s%s: old value, memory update, orderings"
                  % (name, ".w" if width == 4 else ".d"), lines, tail)


if __name__ == "__main__":
    main()
