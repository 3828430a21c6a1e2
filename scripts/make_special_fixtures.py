#!/usr/bin/python3
"""Reference tables for lib/src/special, computed by an independent implementation.

Run with Debian's interpreter (pyenv's python3 shadows it):
    /usr/bin/python3 scripts/make_special_fixtures.py
Writes test/fixtures/special/{jy,ik,misc,sweep}.json (`--sweep-only`: only sweep.json, the random
off-grid points behind the accuracy claim in README.md / environment.md), and lib/src/special/tables.ts (the node values
J0, J1, Y0, Y1, e^-x I0, e^-x I1 on x = 2, 2.25, ..., 50 used by the Taylor-table fast path for
orders 0 and 1; the fixtures never sample those nodes).

The reference values come from mpmath at 40 significant digits (python3-mpmath, installed with
python3-scipy), rounded once to the nearest double and printed with Python's repr (shortest
string that round-trips). mpmath is used rather than scipy.special because scipy's own error
(AMOS/Cephes, ~1e-15..1e-14 and worse in places) is the same order as the 1e-13 bar we test;
the script prints scipy's error against mpmath on the same grid for comparison.
Inputs are doubles chosen here; a fixed seed makes the files reproducible.
"""
import json
import math
import os
import random
import sys

import mpmath as mp

mp.mp.dps = 40
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "special")
rnd = random.Random(20261129)


def f(v):
    """mpf -> float, or None when it overflows a double (JSON has no Infinity)."""
    v = float(v)
    return None if math.isinf(v) or math.isnan(v) else v


ORDERS = [0, 1, 2, 3, 4, 5, 7, 10, 13, 17, 20, 25, 30, 40, 50,
          0.25, 1 / 3, 0.5, 1.5, 2.7, 7.3, 12.5, 25.75, 37.1, 49.9]
XS = [1e-10, 1e-6, 1e-3, 0.05, 0.3, 0.9, 1.7, 1.99, 2.01, 3.3, 5.0, 7.7, 9.9, 12.2, 17.5,
      24.9, 25.1, 31.4, 44.0, 49.5, 50.5, 60.0, 80.0, 99.0, 150.0, 250.0, 400.0, 600.0,
      799.0, 1000.0]
XS += sorted(round(rnd.uniform(0, 60), 6) for _ in range(15))
XS += sorted(round(rnd.uniform(60, 1000), 4) for _ in range(15))
XS = sorted(set(XS))


def grid(fn):
    return [[f(fn(mp.mpf(nu), mp.mpf(x))) for x in XS] for nu in ORDERS]


def make_jy():
    J = grid(mp.besselj)
    Y = grid(mp.bessely)
    Jp = grid(lambda nu, x: mp.besselj(nu, x, derivative=1))
    Yp = grid(lambda nu, x: mp.bessely(nu, x, derivative=1))
    return {"about": "J_nu(x), Y_nu(x), J'_nu(x), Y'_nu(x) on the grid nu x x; row i = ORDERS[i]",
            "nu": ORDERS, "x": XS, "J": J, "Y": Y, "Jp": Jp, "Yp": Yp}


def make_ik():
    I = grid(mp.besseli)
    K = grid(mp.besselk)
    Ie = grid(lambda nu, x: mp.besseli(nu, x) * mp.exp(-x))
    Ke = grid(lambda nu, x: mp.besselk(nu, x) * mp.exp(x))
    return {"about": "I_nu, K_nu (null where a double overflows), e^-x I_nu, e^x K_nu",
            "nu": ORDERS, "x": XS, "I": I, "K": K, "Ie": Ie, "Ke": Ke}


def make_misc():
    out = {}
    ells = [0, 1, 2, 3, 5, 8, 13, 21, 34, 50]
    sx = [1e-8, 1e-3, 0.1, 0.7, 1.0, 2.5, 5.0, 9.0, 15.0, 30.0, 55.0, 100.0, 333.3, 1000.0]
    sx += sorted(round(rnd.uniform(0, 100), 5) for _ in range(10))
    sx = sorted(set(sx))
    out["spherical"] = {
        "l": ells, "x": sx,
        "j": [[f(mp.sqrt(mp.pi / (2 * x)) * mp.besselj(l + mp.mpf(1) / 2, x)) for x in map(mp.mpf, sx)] for l in ells],
        "y": [[f(mp.sqrt(mp.pi / (2 * x)) * mp.bessely(l + mp.mpf(1) / 2, x)) for x in map(mp.mpf, sx)] for l in ells],
    }
    lnu = [0, 0.5, 1, 3.7, 10, 50, 100, 255, 511, 1000]
    lx = [1e-3, 0.1, 1.0, 10.0, 100.0, 1000.0, 1e4]
    out["logI"] = {"nu": lnu, "x": lx,
                   "logI": [[f(mp.log(mp.besseli(nu, x))) for x in map(mp.mpf, lx)] for nu in map(mp.mpf, lnu)],
                   "ratio": [[f(mp.besseli(nu + 1, x) / mp.besseli(nu, x)) for x in map(mp.mpf, lx)] for nu in map(mp.mpf, lnu)]}
    ds = [2, 3, 4, 8, 16, 64, 128, 512, 1024]
    ks = [1e-3, 0.1, 1.0, 10.0, 100.0, 1000.0]

    def log_eed(d, k):
        nu = mp.mpf(d) / 2 - 1
        return nu * mp.log(2) + mp.loggamma(nu + 1) - nu * mp.log(k) + mp.log(mp.besseli(nu, k))

    def log_c(d, k):
        nu = mp.mpf(d) / 2 - 1
        return nu * mp.log(k) - (mp.mpf(d) / 2) * mp.log(2 * mp.pi) - mp.log(mp.besseli(nu, k))

    out["vmf"] = {"d": ds, "kappa": ks,
                  "logExpectedExpDot": [[f(log_eed(d, mp.mpf(k))) for k in ks] for d in ds],
                  "logNormaliser": [[f(log_c(d, mp.mpf(k))) for k in ks] for d in ds]}
    znu = [0, 0.5, 1, 2, 2.5, 5, 7.3, 10, 20, 50]
    nz = 30
    out["zeros"] = {"nu": znu, "n": nz,
                    "J": [[f(mp.besseljzero(nu, k)) for k in range(1, nz + 1)] for nu in map(mp.mpf, znu)],
                    "Jp": [[f(mp.besseljzero(nu, k, derivative=1)) for k in range(1, nz + 1)] for nu in map(mp.mpf, znu)]}
    gx = [-30.5, -10.3, -2.5, -1.5, -0.5, -1e-8, 1e-300, 1e-8, 1e-3, 0.1, 0.5, 0.9999, 1.0, 1.0001, 1.5, 1.9999, 2.0,
          2.0001, 2.5, 3.0, 4.75, 9.99, 10.01, 20.0, 33.3, 50.5, 100.0, 170.5, 171.6]
    gx += sorted(round(rnd.uniform(0, 30), 6) for _ in range(10))
    lgx = [x for x in gx if x > 0] + [300.0, 1e4, 1e10, 1e100]
    # Dense random points for orders 0..3 (the table/Taylor fast path and integer recurrences).
    dx = sorted(round(rnd.uniform(0, 60), 9) for _ in range(250))
    out["dense"] = {"x": dx, "nu": [0, 1, 2, 3],
                    "J": [[f(mp.besselj(n, mp.mpf(x))) for x in dx] for n in range(4)],
                    "Y": [[f(mp.bessely(n, mp.mpf(x))) for x in dx] for n in range(4)],
                    "Ie": [[f(mp.besseli(n, mp.mpf(x)) * mp.exp(-mp.mpf(x))) for x in dx] for n in range(4)]}
    out["gamma"] = {"x": gx, "gamma": [f(mp.gamma(mp.mpf(x))) for x in gx]}
    out["logGamma"] = {"x": lgx, "logGamma": [f(mp.loggamma(mp.mpf(x))) for x in lgx]}
    return out


def scipy_error(jy, ik):
    """Max error of scipy.special against the same reference (for the report)."""
    try:
        import numpy as np
        import scipy.special as sc
    except ImportError:
        return
    for name, fn, tab, key in [("jv", sc.jv, jy, "J"), ("yv", sc.yv, jy, "Y"), ("ive", sc.ive, ik, "Ie"), ("kve", sc.kve, ik, "Ke")]:
        worst = 0.0
        for i, nu in enumerate(tab["nu"]):
            for j, x in enumerate(tab["x"]):
                e = tab[key][i][j]
                if e is None:
                    continue
                env = math.hypot(jy["J"][i][j] or 0, jy["Y"][i][j] or 0) if key in "JY" and jy["Y"][i][j] is not None else abs(e)
                a = float(fn(nu, x))
                if math.isinf(a) or math.isnan(a):
                    continue
                worst = max(worst, abs(a - e) / max(abs(e), 1e-300) if key not in "JY" else abs(a - e) / max(abs(e), env, 1e-300))
        print(f"scipy {name}: max error vs mpmath {worst:.2e}", file=sys.stderr)


TABLE_X0, TABLE_X1, TABLE_H = 2, 50, 0.25


def make_tables():
    n = int(round((TABLE_X1 - TABLE_X0) / TABLE_H)) + 1
    xs = [mp.mpf(TABLE_X0) + i * mp.mpf(TABLE_H) for i in range(n)]
    cols = {
        "J0": [mp.besselj(0, x) for x in xs], "J1": [mp.besselj(1, x) for x in xs],
        "Y0": [mp.bessely(0, x) for x in xs], "Y1": [mp.bessely(1, x) for x in xs],
        "I0e": [mp.besseli(0, x) * mp.exp(-x) for x in xs], "I1e": [mp.besseli(1, x) * mp.exp(-x) for x in xs],
    }
    lines = ["// Generated by scripts/make_special_fixtures.py (mpmath, 40 digits, rounded once). Do not edit.",
             "// Node values on x_i = %g + %g i, i = 0..%d, for the Taylor-table path of orders 0 and 1." % (TABLE_X0, TABLE_H, n - 1),
             "export const TABLE_X0 = %r;" % float(TABLE_X0), "export const TABLE_H = %r;" % float(TABLE_H),
             "export const TABLE_N = %d;" % n]
    for k, v in cols.items():
        lines.append("export const %s = new Float64Array([%s]);" % (k, ", ".join(repr(float(t)) for t in v)))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "src", "special", "tables.ts")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"wrote {path}", file=sys.stderr)


def make_sweep(parts=("jy", "jyLarge", "ik", "misc")):
    """Random off-grid points (issue #16): the accuracy claim in README/environment.md is what the
    test computes on these. mpmath at 35 digits; a separate seed so the other fixtures keep theirs.
    Orders: a quarter integers, the rest uniform reals; arguments: log-uniform, uniform and near the
    turning point x ≈ ν, where the library switches methods."""
    mp.mp.dps = 35
    r = random.Random(16)  # reseeded per part below, so parts can run as separate processes

    def order(lo, hi):
        return float(r.randint(int(lo), int(hi))) if r.random() < 0.25 else r.uniform(lo, hi)

    def arg(nu, xmax):
        u = r.random()
        if u < 0.4:
            return 10 ** r.uniform(-6, math.log10(xmax))
        if u < 0.8:
            return r.uniform(0, xmax) + 1e-9
        return max(1e-6, nu * r.uniform(0.7, 1.3))

    def pts(n, lo, hi, xmax):
        out = []
        for _ in range(n):
            nu = order(lo, hi)
            out.append((nu, arg(nu, xmax)))
        return out

    def safe(fn):
        """mpmath can refuse huge-order K (cancellation beyond its maxprec) or a slowly converging
        series for I at large x: retry with more precision and terms, else give up on the point
        (it is then left out of the fixture)."""
        try:
            return fn()
        except (ValueError, mp.libmp.NoConvergence):
            try:
                return fn(maxprec=40000, maxterms=10**6)
            except (ValueError, mp.libmp.NoConvergence):
                return None

    def jy(points):
        rows = {"nu": [], "x": [], "J": [], "Y": [], "Jp": [], "Yp": []}
        for nu, x in points:
            a, b = mp.mpf(nu), mp.mpf(x)
            rows["nu"].append(nu)
            rows["x"].append(x)
            rows["J"].append(f(mp.besselj(a, b)))
            rows["Y"].append(f(mp.bessely(a, b)))
            rows["Jp"].append(f(mp.besselj(a, b, derivative=1)))
            rows["Yp"].append(f(mp.bessely(a, b, derivative=1)))
        return rows

    def ik(points):
        rows = {"nu": [], "x": [], "I": [], "K": [], "Ie": [], "Ke": []}
        for nu, x in points:
            a, b = mp.mpf(nu), mp.mpf(x)
            i = safe(lambda **kw: mp.besseli(a, b, **kw))
            k = safe(lambda **kw: mp.besselk(a, b, **kw))
            if i is None or k is None or not (i > 0 and k > 0):
                continue  # I, K > 0 for x > 0: a non-positive value is mpmath failing silently
            if nu > 100:
                # mpmath's K can be silently wrong at large order (measured: K_503(434.4) off by
                # 1e145): keep the point only if the Wronskian I_ν K_{ν+1} + I_{ν+1} K_ν = 1/x holds
                i1 = safe(lambda **kw: mp.besseli(a + 1, b, **kw))
                k1 = safe(lambda **kw: mp.besselk(a + 1, b, **kw))
                if i1 is None or k1 is None or abs(b * (i * k1 + i1 * k) - 1) > mp.mpf(10) ** -25:
                    continue
            rows["nu"].append(nu)
            rows["x"].append(x)
            rows["I"].append(f(i))
            rows["K"].append(f(k))
            rows["Ie"].append(f(i * mp.exp(-b)))
            rows["Ke"].append(f(k * mp.exp(b)))
        return rows

    def ik_all(points):
        """I, K, e^{-x} I, e^{x} K at every point (no filtering: negative orders and tiny x have
        I of either sign and K beyond a double; null = overflows)."""
        rows = {"nu": [], "x": [], "I": [], "K": [], "Ie": [], "Ke": []}
        for nu, x in points:
            a, b = mp.mpf(nu), mp.mpf(x)
            # I_{-n} = I_n and K_{-nu} = K_nu (DLMF 10.27.1, 10.27.3): mpmath's hypercomb can fail
            # to converge at a negative integer order, where 1/Gamma has its poles
            i = safe(lambda **kw: mp.besseli(abs(a) if nu == int(nu) else a, b, **kw))
            k = safe(lambda **kw: mp.besselk(abs(a), b, **kw))
            if i is None or k is None:
                continue
            rows["nu"].append(nu)
            rows["x"].append(x)
            rows["I"].append(f(i))
            rows["K"].append(f(k))
            rows["Ie"].append(f(i * mp.exp(-b)))
            rows["Ke"].append(f(k * mp.exp(b)))
        return rows

    out = {"about": "random (nu, x) with mpmath values at 35 digits; null = overflows a double"}
    if "jy" in parts:
        r.seed(16)
        out["jy"] = jy(pts(2000, 0, 100, 1000))
    if "jyLarge" in parts:
        r.seed(17)
        out["jyLarge"] = jy(pts(40, 100, 1000, 3000))
    if "ik" in parts:
        r.seed(18)
        out["ik"] = ik(pts(1500, 0, 100, 1e4))
        out["ikLarge"] = ik(pts(40, 100, 1000, 3000))
    if "misc" in parts:
        r.seed(19)
        sph = {"l": [], "x": [], "j": [], "y": []}
        for _ in range(400):
            l = r.randint(0, 100)
            x = arg(l + 0.5, 1000)
            b = mp.mpf(x)
            h = mp.sqrt(mp.pi / (2 * b))
            sph["l"].append(l)
            sph["x"].append(x)
            sph["j"].append(f(h * mp.besselj(l + mp.mpf(1) / 2, b)))
            sph["y"].append(f(h * mp.bessely(l + mp.mpf(1) / 2, b)))
        out["spherical"] = sph
        li = {"nu": [], "x": [], "logI": [], "ratio": []}
        for _ in range(300):
            nu = order(0, 1000)
            x = 10 ** r.uniform(-3, 5)
            a, b = mp.mpf(nu), mp.mpf(x)
            i0 = safe(lambda **kw: mp.besseli(a, b, **kw))
            i1 = safe(lambda **kw: mp.besseli(a + 1, b, **kw))
            if i0 is None or i1 is None:
                continue
            li["nu"].append(nu)
            li["x"].append(x)
            li["logI"].append(f(mp.log(i0)))
            li["ratio"].append(f(i1 / i0))
        out["logI"] = li
        print("sweep: spherical, log I done", file=sys.stderr)
        znu = sorted([0.0, 12.0] + [round(r.uniform(0, 100), 6) for _ in range(2)])
        out["zeros"] = {"nu": znu, "n": 100,
                        "J": [[f(mp.besseljzero(mp.mpf(nu), k)) for k in range(1, 101)] for nu in znu],
                        "Jp": [[f(mp.besseljzero(mp.mpf(nu), k, derivative=1)) for k in range(1, 101)] for nu in znu]}

    if "neg" in parts:
        # negative orders (review of #16: the sweep never sampled one), a third of them integers
        r.seed(20)
        pts_neg = []
        for _ in range(300):
            nu = -float(r.randint(1, 60)) if r.random() < 1 / 3 else -r.uniform(0, 60)
            pts_neg.append((nu, 10 ** r.uniform(-3, 2.5)))
        out["neg"] = jy(pts_neg)
        out["negIK"] = ik_all(pts_neg)
    if "tiny" in parts:
        # x from 1e-320 to 1e-6 (subnormal included), orders 0…5 (a third integers) and spherical ℓ ≤ 10
        r.seed(21)
        pts_tiny = []
        for _ in range(300):
            nu = float(r.randint(0, 5)) if r.random() < 1 / 3 else r.uniform(0, 5)
            pts_tiny.append((nu, 10 ** r.uniform(-320, -6)))
        out["tiny"] = jy(pts_tiny)
        out["tinyIK"] = ik_all(pts_tiny)
        sph = {"l": [], "x": [], "j": []}
        for _ in range(200):
            l = r.randint(0, 10)
            x = 10 ** r.uniform(-320, -6)
            b = mp.mpf(x)
            sph["l"].append(l)
            sph["x"].append(x)
            sph["j"].append(f(mp.sqrt(mp.pi / (2 * b)) * mp.besselj(l + mp.mpf(1) / 2, b)))
        out["tinySpherical"] = sph
    if "ratio" in parts:
        # log I and the ratio for small orders and small x (the misc part has ν up to 1000, x ≥ 1e-3);
        # the order ν + 1 is formed in mpmath (a double ν + 1 would be rounded: a 3e-14 error at ν ≈ 15)
        r.seed(22)
        li = {"nu": [], "x": [], "logI": [], "ratio": []}
        for _ in range(400):
            nu = float(r.randint(0, 20)) if r.random() < 0.25 else r.uniform(0, 20)
            x = 10 ** r.uniform(-6, 1.5)
            a, b = mp.mpf(nu), mp.mpf(x)
            i0 = mp.besseli(a, b)
            li["nu"].append(nu)
            li["x"].append(x)
            li["logI"].append(f(mp.log(i0)))
            li["ratio"].append(f(mp.besseli(a + 1, b) / i0))
        out["ratioSmall"] = li

    mp.mp.dps = 40
    return out


def main():
    if "--sweep-only" in sys.argv:
        # --sweep-only [part ...]: parts jy, jyLarge, ik, misc, neg, tiny, ratio (default all), merged into sweep.json,
        # so the slow parts can run as separate processes
        parts = [a for a in sys.argv[1:] if not a.startswith("--")] or ["jy", "jyLarge", "ik", "misc", "neg", "tiny", "ratio"]
        os.makedirs(OUT, exist_ok=True)
        path = os.path.join(OUT, "sweep.json")
        result = make_sweep(parts)
        lock = path + ".lock"  # parts running in parallel merge one at a time
        while True:
            try:
                os.close(os.open(lock, os.O_CREAT | os.O_EXCL))
                break
            except FileExistsError:
                import time
                time.sleep(1)
        old = {}
        if os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path) as fh:
                old = json.load(fh)
        old.update(result)
        with open(path, "w") as fh:
            json.dump(old, fh, separators=(",", ":"))
            fh.write("\n")
        os.remove(lock)
        print(f"wrote {path} ({os.path.getsize(path)} bytes)", file=sys.stderr)
        return
    make_tables()
    if "--tables-only" in sys.argv:
        return
    os.makedirs(OUT, exist_ok=True)
    jy = make_jy()
    ik = make_ik()
    misc = make_misc()
    for name, obj in [("jy", jy), ("ik", ik), ("misc", misc), ("sweep", make_sweep())]:
        path = os.path.join(OUT, name + ".json")
        with open(path, "w") as fh:
            json.dump(obj, fh, separators=(",", ":"))
            fh.write("\n")
        print(f"wrote {path} ({os.path.getsize(path)} bytes)", file=sys.stderr)
    scipy_error(jy, ik)


if __name__ == "__main__":
    main()
