#!/usr/bin/env python3
"""Generates the table-driven floating-point test programs of rv64uf and
rv64ud. Expected results and fflags come from the exact-arithmetic model
below (rationals rounded per IEEE 754 / the RISC-V F and D chapters:
canonical NaNs, tininess after rounding, saturating conversions, fmin/fmax
as minimumNumber/maximumNumber). Run from tests/programs:
    python3 tools/gen_fp.py
"""
import os
import random
import struct
from fractions import Fraction
from math import isqrt

NX, UF, OF, DZ, NV = 1, 2, 4, 8, 16
RNE, RTZ, RDN, RUP, RMM = 0, 1, 2, 3, 4
RM_NAMES = ["rne", "rtz", "rdn", "rup", "rmm"]


class Fmt:
    def __init__(self, name, ebits, mbits):
        self.name, self.ebits, self.mbits = name, ebits, mbits
        self.bias = (1 << (ebits - 1)) - 1
        self.emin = 1 - self.bias
        self.emax = self.bias
        self.width = 1 + ebits + mbits
        self.qnan = ((1 << ebits) - 1) << mbits | (1 << (mbits - 1))
        self.inf = ((1 << ebits) - 1) << mbits
        self.sign = 1 << (self.width - 1)
        self.maxfin = ((1 << ebits) - 2) << mbits | ((1 << mbits) - 1)


S = Fmt("s", 8, 23)
D = Fmt("d", 11, 52)


def decode(b, f):
    s = (b >> (f.width - 1)) & 1
    e = (b >> f.mbits) & ((1 << f.ebits) - 1)
    m = b & ((1 << f.mbits) - 1)
    if e == (1 << f.ebits) - 1:
        if m == 0:
            return ("inf", s, None)
        return ("snan" if not (m >> (f.mbits - 1)) else "qnan", s, None)
    if e == 0:
        if m == 0:
            return ("zero", s, Fraction(0))
        return ("num", s, Fraction(m) * Fraction(2) ** (f.emin - f.mbits))
    return ("num", s, Fraction((1 << f.mbits) | m) * Fraction(2) ** (e - f.bias - f.mbits))


def is_nan(k): return k in ("snan", "qnan")


def round_int(x, rm, neg):
    """round nonnegative rational x to an integer; neg tells the sign of the
    value it is the magnitude of"""
    fl = x.numerator // x.denominator
    rem = x - fl
    if rem == 0:
        return fl
    if rm == RTZ:
        return fl
    if rm == RDN:
        return fl + 1 if neg else fl
    if rm == RUP:
        return fl if neg else fl + 1
    half = Fraction(1, 2)
    if rem > half:
        return fl + 1
    if rem < half:
        return fl
    if rm == RMM:
        return fl + 1
    return fl + (fl & 1)


def ilog2(x):
    """floor(log2(x)) for rational x > 0"""
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2) ** e > x:
        e -= 1
    elif Fraction(2) ** (e + 1) <= x:
        e += 1
    return e


def round_to(f, sign, x, rm):
    """round sign*x (x > 0 rational) to format f; returns (bits, flags)"""
    flags = 0
    E = ilog2(x)
    # tininess after rounding: round with unbounded exponent range
    q0 = Fraction(2) ** (E - f.mbits)
    n0 = round_int(x / q0, rm, sign)
    r0 = n0 * q0
    tiny = r0 < Fraction(2) ** f.emin
    Eq = max(E, f.emin)
    q = Fraction(2) ** (Eq - f.mbits)
    n = round_int(x / q, rm, sign)
    inexact = n * q != x
    if n >= (1 << (f.mbits + 1)):
        n >>= 1
        Eq += 1
    if Eq > f.emax:
        flags |= OF | NX
        to_inf = rm in (RNE, RMM) or (rm == RUP and not sign) or (rm == RDN and sign)
        bits = f.inf if to_inf else f.maxfin
        return bits | (f.sign if sign else 0), flags
    if inexact:
        flags |= NX
        if tiny:
            flags |= UF
    if n < (1 << f.mbits):
        bits = n  # subnormal or zero
    else:
        bits = ((Eq + f.bias) << f.mbits) | (n - (1 << f.mbits))
    return bits | (f.sign if sign else 0), flags


def zero(f, sign):
    return f.sign if sign else 0


def nan_in(f, *bs):
    ks = [decode(b, f)[0] for b in bs]
    return any(is_nan(k) for k in ks), (NV if "snan" in ks else 0)


def fadd(f, a, b, rm, sub=False):
    anyn, fl = nan_in(f, a, b)
    if anyn:
        return f.qnan, fl
    ka, sa, va = decode(a, f)
    kb, sb, vb = decode(b, f)
    if sub:
        sb ^= 1
    if ka == "inf" and kb == "inf":
        return (f.qnan, NV) if sa != sb else (f.inf | (f.sign if sa else 0), 0)
    if ka == "inf":
        return f.inf | (f.sign if sa else 0), 0
    if kb == "inf":
        return f.inf | (f.sign if sb else 0), 0
    v = (-va if sa else va) + (-vb if sb else vb)
    if v == 0:
        if ka == "zero" and kb == "zero" and sa == sb:
            return zero(f, sa), 0
        return zero(f, rm == RDN), 0
    return round_to(f, v < 0, abs(v), rm)


def fmul(f, a, b, rm):
    anyn, fl = nan_in(f, a, b)
    if anyn:
        return f.qnan, fl
    ka, sa, va = decode(a, f)
    kb, sb, vb = decode(b, f)
    s = sa ^ sb
    if (ka == "inf" and kb == "zero") or (ka == "zero" and kb == "inf"):
        return f.qnan, NV
    if ka == "inf" or kb == "inf":
        return f.inf | (f.sign if s else 0), 0
    v = va * vb
    if v == 0:
        return zero(f, s), 0
    return round_to(f, s, v, rm)


def fdiv(f, a, b, rm):
    anyn, fl = nan_in(f, a, b)
    if anyn:
        return f.qnan, fl
    ka, sa, va = decode(a, f)
    kb, sb, vb = decode(b, f)
    s = sa ^ sb
    if (ka == "inf" and kb == "inf") or (ka == "zero" and kb == "zero"):
        return f.qnan, NV
    if ka == "inf":
        return f.inf | (f.sign if s else 0), 0
    if kb == "inf":
        return zero(f, s), 0
    if kb == "zero":
        return f.inf | (f.sign if s else 0), DZ
    if ka == "zero":
        return zero(f, s), 0
    return round_to(f, s, va / vb, rm)


def fsqrt(f, a, rm):
    anyn, fl = nan_in(f, a)
    if anyn:
        return f.qnan, fl
    k, s, v = decode(a, f)
    if k == "zero":
        return a, 0
    if s:
        return f.qnan, NV
    if k == "inf":
        return a, 0
    P = 1300
    X = v * Fraction(4) ** P
    r = isqrt(X.numerator // X.denominator)
    exact = (r * r == X)
    proxy = (Fraction(r) + (0 if exact else Fraction(1, 2))) / Fraction(2) ** P
    return round_to(f, 0, proxy, rm)


def ffma(f, a, b, c, rm, neg_prod=False, neg_add=False):
    ka, sa, va = decode(a, f)
    kb, sb, vb = decode(b, f)
    kc, sc, vc = decode(c, f)
    inv = (ka == "inf" and kb == "zero") or (ka == "zero" and kb == "inf")
    anyn, fl = nan_in(f, a, b, c)
    if inv:
        return f.qnan, NV
    if anyn:
        return f.qnan, fl
    sp = sa ^ sb ^ int(neg_prod)
    sc ^= int(neg_add)
    if ka == "inf" or kb == "inf":
        if kc == "inf" and sc != sp:
            return f.qnan, NV
        return f.inf | (f.sign if sp else 0), 0
    if kc == "inf":
        return f.inf | (f.sign if sc else 0), 0
    p = va * vb
    v = (-p if sp else p) + (-vc if sc else vc)
    if v == 0:
        if p == 0 and kc == "zero" and sp == sc:
            return zero(f, sp), 0
        return zero(f, rm == RDN), 0
    return round_to(f, v < 0, abs(v), rm)


def fminmax(f, a, b, is_max):
    ka, sa, va = decode(a, f)
    kb, sb, vb = decode(b, f)
    fl = NV if "snan" in (ka, kb) else 0
    if is_nan(ka) and is_nan(kb):
        return f.qnan, fl
    if is_nan(ka):
        return b, fl
    if is_nan(kb):
        return a, fl
    def key(k, s, v):
        if k == "inf":
            return (Fraction(-1 if s else 1) * 10 ** 400, 0)
        return ((-v if s else v), 0 if s else 1)  # -0 < +0
    ea, eb = key(ka, sa, va), key(kb, sb, vb)
    if is_max:
        return (a if ea >= eb else b), fl
    return (a if ea <= eb else b), fl


def fcmp(f, a, b, op):
    ka, sa, va = decode(a, f)
    kb, sb, vb = decode(b, f)
    if is_nan(ka) or is_nan(kb):
        if op == "eq":
            return 0, (NV if "snan" in (ka, kb) else 0)
        return 0, NV
    def val(k, s, v):
        if k == "inf":
            return Fraction(-1 if s else 1) * 10 ** 400
        return -v if s else v
    x, y = val(ka, sa, va), val(kb, sb, vb)
    return int({"eq": x == y, "lt": x < y, "le": x <= y}[op]), 0


def fclass(f, a):
    k, s, v = decode(a, f)
    if k == "inf":
        return 1 << (0 if s else 7)
    if k == "snan":
        return 1 << 8
    if k == "qnan":
        return 1 << 9
    if k == "zero":
        return 1 << (3 if s else 4)
    normal = v >= Fraction(2) ** f.emin
    if s:
        return 1 << (1 if normal else 2)
    return 1 << (6 if normal else 5)


INT_RANGE = {"w": (-(1 << 31), (1 << 31) - 1), "wu": (0, (1 << 32) - 1),
             "l": (-(1 << 63), (1 << 63) - 1), "lu": (0, (1 << 64) - 1)}


def to_int(f, a, ity, rm):
    lo, hi = INT_RANGE[ity]
    k, s, v = decode(a, f)
    if is_nan(k):
        r, fl = hi, NV
    elif k == "inf":
        r, fl = (lo if s else hi), NV
    else:
        n = round_int(v, rm, s)
        n = -n if s else n
        if n < lo:
            r, fl = lo, NV
        elif n > hi:
            r, fl = hi, NV
        else:
            r, fl = n, (NX if Fraction(n) != (-v if s else v) else 0)
    r &= (1 << 64) - 1
    if ity in ("w", "wu"):
        r &= 0xffffffff
        if r >> 31:
            r |= 0xffffffff00000000
    return r, fl


def from_int(f, x, ity, rm):
    if ity == "w":
        x &= 0xffffffff
        x = x - (1 << 32) if x >> 31 else x
    elif ity == "wu":
        x &= 0xffffffff
    elif ity == "l":
        x &= (1 << 64) - 1
        x = x - (1 << 64) if x >> 63 else x
    else:
        x &= (1 << 64) - 1
    if x == 0:
        return 0, 0
    return round_to(f, x < 0, Fraction(abs(x)), rm)


def convert(fsrc, fdst, a, rm):
    k, s, v = decode(a, fsrc)
    if is_nan(k):
        return fdst.qnan, (NV if k == "snan" else 0)
    if k == "inf":
        return fdst.inf | (fdst.sign if s else 0), 0
    if k == "zero":
        return zero(fdst, s), 0
    return round_to(fdst, s, v, rm)


# ---------------------------------------------------------------- values
def d(x): return struct.unpack("<Q", struct.pack("<d", x))[0]
def s_(x): return struct.unpack("<I", struct.pack("<f", x))[0]


SPECIAL = {
    "d": [0, D.sign, d(1.0), d(-1.0), d(1.5), d(2.5), d(-2.5), d(3.0), d(0.1), d(3.141592653589793),
          d(1e300), d(-1e300), D.maxfin, D.maxfin | D.sign, 0x0010000000000000,
          0x000fffffffffffff, 1, 1 | D.sign, D.inf, D.inf | D.sign, D.qnan,
          0x7ff8000000000123, 0xfff8000000000000, 0x7ff0000000000001, 0x7ff4000000000000,
          d(1.0000000000000002), d(0.9999999999999999), d(1e-310), d(-7.25), d(65536.5)],
    "s": [0, S.sign, s_(1.0), s_(-1.0), s_(1.5), s_(2.5), s_(-2.5), s_(3.0), s_(0.1),
          s_(3.1415927), s_(1e30), s_(-1e30), S.maxfin, S.maxfin | S.sign, 0x00800000,
          0x007fffff, 1, 1 | S.sign, S.inf, S.inf | S.sign, S.qnan, 0x7fc00123,
          0xffc00000, 0x7f800001, 0x7fa00000, s_(1.0000001), s_(0.99999994), s_(1e-40),
          s_(-7.25), s_(65536.5)],
}


def hx(x): return "0x%016x" % (x & ((1 << 64) - 1))


def reg_bits(f, bits):
    """value seen by fmv.x.w / fmv.x.d"""
    if f is S:
        bits &= 0xffffffff
        if bits >> 31:
            bits |= 0xffffffff00000000
    return bits


class Out:
    def __init__(self, f):
        self.f = f
        self.n = 2
        self.lines = []

    def load(self, reg, bits):
        mv = "fmv.w.x" if self.f is S else "fmv.d.x"
        return "li t3, %s; %s %s, t3" % (hx(bits), mv, reg)

    def case(self, body, res_reg, res, flags, fp_result=True):
        n = self.n
        self.n += 1
        mvx = "fmv.x.w" if self.f is S else "fmv.x.d"
        get = ("%s a2, %s; " % (mvx, res_reg)) if fp_result else ""
        expect = reg_bits(self.f, res) if fp_result else res
        self.lines.append("  TEST_ID(%d); %s; %sEXPECT(%d, a2, %s); EXPECT_FLAGS(%d, %s)"
                          % (n, body, get, n, hx(expect), n, hex(flags)))


def rm_setup(rm, dyn):
    """instruction suffix and frm setup for rounding mode rm"""
    if dyn:
        return "fsrmi %d; " % rm, "dyn"
    return "", RM_NAMES[rm]


def pairs_for(f, rng, count):
    sp = SPECIAL[f.name]
    pairs = []
    for _ in range(count):
        pairs.append((rng.choice(sp), rng.choice(sp)))
    return pairs


def rounding_pairs(f, rng):
    """operands whose sums/products/quotients need rounding"""
    out = []
    one = d(1.0) if f is D else s_(1.0)
    ulp_half = d(2.0 ** -53) if f is D else s_(2.0 ** -24)
    ulp_3q = d(3 * 2.0 ** -54) if f is D else s_(3 * 2.0 ** -25)
    out += [(one, ulp_half), (one | f.sign, ulp_half | f.sign), (one, ulp_3q),
            (one | f.sign, ulp_3q), (d(1.0 + 2.0 ** -52) if f is D else s_(1.0 + 2.0 ** -23), ulp_half)]
    for _ in range(10):
        m = rng.getrandbits(f.mbits)
        e = rng.randrange(f.bias - 20, f.bias + 20)
        m2 = rng.getrandbits(f.mbits)
        e2 = rng.randrange(f.bias - 20, f.bias + 20)
        a = (e << f.mbits) | m | (f.sign if rng.random() < 0.3 else 0)
        b = (e2 << f.mbits) | m2 | (f.sign if rng.random() < 0.3 else 0)
        out.append((a, b))
    # results near overflow and underflow
    out += [(f.maxfin, f.maxfin), (f.maxfin | f.sign, f.maxfin | f.sign),
            ((1 << f.mbits), (1 << f.mbits)), (1, 1 | f.sign), (0x3 << (f.mbits - 1), 1),
            (1 << f.mbits | 1, (f.bias - 1) << f.mbits)]
    return out


HEADER = """/* {suite} {name}: {what}
 * Generated by tools/gen_fp.py from the exact-arithmetic model there; do not
 * edit by hand. */
#include "env.h"
#include "test_macros.h"

CODE_BEGIN_U
"""


def write(suite, name, what, lines):
    dpath = os.path.join("isa", suite)
    os.makedirs(dpath, exist_ok=True)
    with open(os.path.join(dpath, name + ".S"), "w") as fp:
        fp.write(HEADER.format(suite=suite, name=name, what=what))
        fp.write("\n".join(lines))
        fp.write("\nCODE_END\n")


def gen_arith(f, rng):
    o = Out(f)
    x = f.name
    ops = [("fadd", lambda a, b, rm: fadd(f, a, b, rm)),
           ("fsub", lambda a, b, rm: fadd(f, a, b, rm, sub=True)),
           ("fmul", lambda a, b, rm: fmul(f, a, b, rm))]
    for name, fn in ops:
        for a, b in pairs_for(f, rng, 30):
            rm = rng.randrange(5)
            res, fl = fn(a, b, rm)
            o.case("%s; %s; fsflags zero; %s.%s fa2, fa0, fa1, %s"
                   % (o.load("fa0", a), o.load("fa1", b), name, x, RM_NAMES[rm]), "fa2", res, fl)
        for a, b in rounding_pairs(f, rng):
            for rm in range(5):
                for dyn in (False, True):
                    if dyn and rm not in (RTZ, RUP):
                        continue
                    res, fl = fn(a, b, rm)
                    pre, sfx = rm_setup(rm, dyn)
                    o.case("%s; %s; fsflags zero; %s%s.%s fa2, fa0, fa1, %s"
                           % (o.load("fa0", a), o.load("fa1", b), pre, name, x, sfx), "fa2", res, fl)
    # same register as both sources and destination
    a = SPECIAL[x][4]
    res, fl = fadd(f, a, a, RNE)
    o.case("%s; fsflags zero; fadd.%s fa0, fa0, fa0" % (o.load("fa0", a), x), "fa0", res, fl)
    o.lines.append("  fsrmi 0")
    return o.lines


def gen_div(f, rng):
    o = Out(f)
    x = f.name
    for a, b in pairs_for(f, rng, 40) + rounding_pairs(f, rng):
        for rm in (rng.randrange(5), RNE):
            res, fl = fdiv(f, a, b, rm)
            o.case("%s; %s; fsflags zero; fdiv.%s fa2, fa0, fa1, %s"
                   % (o.load("fa0", a), o.load("fa1", b), x, RM_NAMES[rm]), "fa2", res, fl)
    vals = SPECIAL[x] + [b for p in rounding_pairs(f, rng) for b in p]
    vals += [d(4.0) if f is D else s_(4.0), d(2.0) if f is D else s_(2.0),
             d(1e-300) if f is D else s_(1e-30)]
    for a in vals:
        for rm in sorted({RNE, rng.randrange(5)}):
            res, fl = fsqrt(f, a, rm)
            o.case("%s; fsflags zero; fsqrt.%s fa2, fa0, %s" % (o.load("fa0", a), x, RM_NAMES[rm]),
                   "fa2", res, fl)
    return o.lines


def gen_fma(f, rng):
    o = Out(f)
    x = f.name
    variants = [("fmadd", False, False), ("fmsub", False, True),
                ("fnmsub", True, False), ("fnmadd", True, True)]
    sp = SPECIAL[x]
    one = d(1.0) if f is D else s_(1.0)
    for name, np_, na in variants:
        triples = [(rng.choice(sp), rng.choice(sp), rng.choice(sp)) for _ in range(25)]
        rp = rounding_pairs(f, rng)
        triples += [(a, b, rng.choice(sp[:12])) for a, b in rp[:12]]
        # a*b exactly cancels c, zero-sign rules, inf*0 with NaN addend
        triples += [(one, one, one | f.sign), (one, one | f.sign, one), (0, one, 0),
                    (f.sign, one, 0), (f.sign, one, f.sign), (f.inf, 0, f.qnan),
                    (f.inf, one, f.inf | f.sign), (one, f.qnan, f.inf)]
        for a, b, c in triples:
            for rm in sorted({RNE, RDN, rng.randrange(5)}):
                res, fl = ffma(f, a, b, c, rm, np_, na)
                o.case("%s; %s; %s; fsflags zero; %s.%s fa2, fa0, fa1, fa3, %s"
                       % (o.load("fa0", a), o.load("fa1", b), o.load("fa3", c), name, x,
                          RM_NAMES[rm]), "fa2", res, fl)
    return o.lines


def gen_min(f, rng):
    o = Out(f)
    x = f.name
    sp = SPECIAL[x]
    pairs = pairs_for(f, rng, 40) + [(0, f.sign), (f.sign, 0), (f.qnan, f.qnan),
                                     (0x7ff0000000000001 if f is D else 0x7f800001, sp[2]),
                                     (sp[2], f.qnan), (f.qnan, sp[3]), (f.inf, f.inf | f.sign)]
    for a, b in pairs:
        for name, is_max in (("fmin", False), ("fmax", True)):
            res, fl = fminmax(f, a, b, is_max)
            o.case("%s; %s; fsflags zero; %s.%s fa2, fa0, fa1"
                   % (o.load("fa0", a), o.load("fa1", b), name, x), "fa2", res, fl)
    return o.lines


def gen_cmp(f, rng):
    o = Out(f)
    x = f.name
    sp = SPECIAL[x]
    pairs = pairs_for(f, rng, 40) + [(0, f.sign), (f.sign, 0), (sp[2], sp[2]), (f.qnan, f.qnan),
                                     (f.inf, f.inf), (sp[4], sp[5]), (sp[5], sp[4])]
    for a, b in pairs:
        for op in ("eq", "lt", "le"):
            res, fl = fcmp(f, a, b, op)
            o.case("%s; %s; fsflags zero; f%s.%s a2, fa0, fa1"
                   % (o.load("fa0", a), o.load("fa1", b), op, x), None, res, fl, fp_result=False)
    # destination x0
    o.case("%s; fsflags zero; feq.%s zero, fa0, fa0; mv a2, zero" % (o.load("fa0", sp[2]), x),
           None, 0, 0, fp_result=False)
    return o.lines


def gen_class(f, rng):
    o = Out(f)
    x = f.name
    for a in SPECIAL[x]:
        o.case("%s; fsflags zero; fclass.%s a2, fa0" % (o.load("fa0", a), x), None,
               fclass(f, a), 0, fp_result=False)
    return o.lines


def gen_fcvt_w(f, rng):
    o = Out(f)
    x = f.name
    def val(v): return d(v) if f is D else s_(v)
    vals = SPECIAL[x] + [val(v) for v in (0.5, -0.5, 1.5, -1.5, 2.5, -0.9, 0.9, 2147483647.0,
                                          2147483648.0, -2147483648.0, -2147483649.0,
                                          4294967295.0, 4294967296.0, 2.0 ** 63, -(2.0 ** 63),
                                          2.0 ** 64, 2.0 ** 62 + 2.0 ** 40, 123456.75, -1.0e10)]
    if f is D:
        vals += [d(2147483647.5), d(-2147483648.5), d(4294967295.5), d(-2147483648.75)]
    for ity in ("w", "wu", "l", "lu"):
        for a in vals:
            for rm in sorted({RNE, RTZ, rng.randrange(5)}):
                res, fl = to_int(f, a, ity, rm)
                o.case("%s; fsflags zero; fcvt.%s.%s a2, fa0, %s"
                       % (o.load("fa0", a), ity, x, RM_NAMES[rm]), None, res, fl, fp_result=False)
        # dynamic rounding
        for rm in range(5):
            a = val(-2.5)
            res, fl = to_int(f, a, ity, rm)
            o.case("%s; fsflags zero; fsrmi %d; fcvt.%s.%s a2, fa0, dyn"
                   % (o.load("fa0", a), rm, ity, x), None, res, fl, fp_result=False)
    o.lines.append("  fsrmi 0")
    return o.lines


def gen_fcvt(f, rng):
    """integer -> float, and float <-> float of the other width"""
    o = Out(f)
    x = f.name
    ints = [0, 1, (1 << 64) - 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xffffffff80000000,
            0x7fffffffffffffff, 0x8000000000000000, 0x123456789abcdef1, 0xfedcba9876543210,
            0x00000000ffffff01, 0x0000000001000001, 0x0020000000000001, 0x1234567800000003,
            (1 << 64) - 2, 16777217, 0xfffffffffeffffff]
    for ity in ("w", "wu", "l", "lu"):
        for v in ints:
            for rm in sorted({RNE, rng.randrange(5)}):
                res, fl = from_int(f, v, ity, rm)
                # 32-bit integers convert to double exactly: no rm operand
                rmop = "" if (f is D and ity in ("w", "wu")) else ", " + RM_NAMES[rm]
                o.case("li a0, %s; fsflags zero; fcvt.%s.%s fa2, a0%s"
                       % (hx(v), x, ity, rmop), "fa2", res, fl)
    if f is S:
        # double -> single rounding, overflow, underflow, NaNs
        dv = SPECIAL["d"] + [d(1.0 + 2.0 ** -24), d(1.0 + 2.0 ** -24 + 2.0 ** -40), d(3.5e38),
                             d(-3.5e38), d(1e-39), d(1e-46), d(2.0 ** -149), d(2.0 ** -150),
                             d(1.5 * 2.0 ** -149)]
        for a in dv:
            for rm in sorted({RNE, rng.randrange(5)}):
                res, fl = convert(D, S, a, rm)
                o.case("li t3, %s; fmv.d.x fa0, t3; fsflags zero; fcvt.s.d fa2, fa0, %s"
                       % (hx(a), RM_NAMES[rm]), "fa2", res, fl)
    else:
        for a in SPECIAL["s"]:
            res, fl = convert(S, D, a, RNE)
            o.case("li t3, %s; fmv.w.x fa0, t3; fsflags zero; fcvt.d.s fa2, fa0"
                   % hx(a), "fa2", res, fl)
    return o.lines


def main():
    rng = random.Random(7)
    for f, suite in ((S, "rv64uf"), (D, "rv64ud")):
        p = "single" if f is S else "double"
        write(suite, "fadd", "fadd/fsub/fmul.%s: special values, every rounding mode "
              "(static and dynamic), overflow, underflow, fflags" % f.name, gen_arith(f, rng))
        write(suite, "fdiv", "fdiv/fsqrt.%s incl. division by zero, invalid, rounding" % f.name,
              gen_div(f, rng))
        write(suite, "fmadd", "fmadd/fmsub/fnmsub/fnmadd.%s incl. inf*0 with a NaN addend "
              "and signed-zero results" % f.name, gen_fma(f, rng))
        write(suite, "fmin", "fmin/fmax.%s: NaN operands, signed zeros, sNaN flag" % f.name,
              gen_min(f, rng))
        write(suite, "fcmp", "feq/flt/fle.%s: quiet vs signaling NaN behaviour" % f.name,
              gen_cmp(f, rng))
        write(suite, "fclass", "fclass.%s of every class" % f.name, gen_class(f, rng))
        write(suite, "fcvt_w", "%s to integer conversions: rounding, saturation, NV vs NX" % p,
              gen_fcvt_w(f, rng))
        write(suite, "fcvt", "integer to %s conversions and conversions between widths" % p,
              gen_fcvt(f, rng))


if __name__ == "__main__":
    main()
