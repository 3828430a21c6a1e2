#!/usr/bin/python3
"""Reference values for lib/src/stats' special functions, from mpmath at 40 digits.

    /usr/bin/python3 scripts/make_stats_fixtures.py     (writes test/fixtures/stats/grid.json)

Inputs: a fixed grid that reaches every branch (incompleteBeta on both sides of its symmetry
switch, tiny and large a, b; Student t from df 0.5 to 1e4, bodies and far tails; the normal
quantile from 1e-300 to 1 - 1e-16; erfc through the series / continued-fraction seam at 0.5,
the reflection below 0 and the underflow near 27), plus seeded random points. Each value is
rounded once to the nearest double (Python repr round-trips).
"""
import json
import os
import random

import mpmath as mp

mp.mp.dps = 40
rnd = random.Random(20261130)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "stats", "grid.json")


def betainc(x, a, b):
    return float(mp.betainc(mp.mpf(a), mp.mpf(b), 0, mp.mpf(x), regularized=True))


def tcdf(t, df):
    t, df = mp.mpf(t), mp.mpf(df)
    tail = mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2
    return float(1 - tail if t >= 0 else tail)


def tppf(p, df):
    p, df = mp.mpf(p), mp.mpf(df)
    def cdf(t):
        tail = mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2
        return (1 - tail if t >= 0 else tail) - p
    # bracket, then bisect at 40 digits (160 halvings: far below a double's spacing)
    lo, hi = mp.mpf(-1), mp.mpf(1)
    while cdf(lo) > 0: lo *= 2
    while cdf(hi) < 0: hi *= 2
    for _ in range(160):
        mid = (lo + hi) / 2
        if cdf(mid) < 0: lo = mid
        else: hi = mid
    return float((lo + hi) / 2)


def nppf(p):
    # bisection on Phi(z) = erfc(-z/sqrt 2)/2 at 40 digits (erfinv(2p - 1) would lose the far tail)
    p, lo, hi = mp.mpf(p), mp.mpf(-40), mp.mpf(40)
    for _ in range(200):
        mid = (lo + hi) / 2
        if mp.erfc(-mid / mp.sqrt(2)) / 2 < p: lo = mid
        else: hi = mid
    return float((lo + hi) / 2)


beta = []
for a in [0.05, 0.5, 1, 2.5, 10, 60, 300]:
    for b in [0.05, 0.5, 1, 3.5, 20, 150]:
        for x in [1e-8, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1 - 1e-8]:
            beta.append([x, a, b, betainc(x, a, b)])
for _ in range(60):
    a, b, x = 10 ** rnd.uniform(-1.5, 2.5), 10 ** rnd.uniform(-1.5, 2.5), rnd.random()
    beta.append([x, a, b, betainc(x, a, b)])

tc = []
for df in [0.5, 1, 2, 3, 4.5, 10, 30, 200, 1e4]:
    for t in [-40, -6, -2.5, -1, -0.3, -1e-6, 1e-6, 0.3, 1, 2.5, 6, 40, 1e3]:
        tc.append([t, df, tcdf(t, df)])

tq = []
for df in [0.5, 1, 2, 3, 5, 10, 30, 100, 1e4]:
    for p in [1e-6, 0.001, 0.025, 0.1, 0.4, 0.5000001, 0.6, 0.9, 0.975, 0.999, 1 - 1e-6]:
        tq.append([p, df, tppf(p, df)])

nq = [[p, nppf(p)] for p in [1e-300, 1e-100, 1e-20, 1e-8, 1e-3, 0.02, 0.2, 0.45, 0.4999, 0.5001, 0.55, 0.8, 0.975, 0.999999, 1 - 1e-12, 1 - 2 ** -50]]
nq += [[p, nppf(p)] for p in (rnd.random() for _ in range(30))]

ec = [[x, float(mp.erfc(mp.mpf(x)))] for x in [-5, -0.7, -0.49999, -1e-9, 1e-300, 1e-9, 0.1, 0.25, 0.4, 0.4999999, 0.5, 0.5000001, 0.7, 1, 2, 3.5, 8, 15, 26.5, 26.99]]
ec += [[x, float(mp.erfc(mp.mpf(x)))] for x in (rnd.uniform(-6, 27) for _ in range(40))]

with open(OUT, "w") as f:
    json.dump({"_source": "scripts/make_stats_fixtures.py (mpmath 40 digits)", "incompleteBeta": beta,
               "studentTCdf": tc, "studentTQuantile": tq, "normalQuantile": nq, "erfc": ec}, f)
print(len(beta), len(tc), len(tq), len(nq), len(ec))
