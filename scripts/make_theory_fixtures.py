#!/usr/bin/python3
"""Reference values for the closed forms in lib/src/contrastive/theory.ts.

    /usr/bin/python3 scripts/make_theory_fixtures.py   (writes test/fixtures/contrastive/theory.json)

M_d(κ) = E e^{κ u·v} for u, v independent uniform on S^{d−1} = Γ(d/2) (2/κ)^{d/2−1} I_{d/2−1}(κ)
(mpmath, 40 digits), and from it the bound, the large-N limits and the uniformity. The cap cross
term is a nested integral (scipy.integrate.quad, epsabs 1e-13), the cap alignment its closed form
checked by a direct 2-D quadrature of u·Ru. Inputs are a fixed grid.
"""
import json
import math
import os

import mpmath as mp
from scipy import integrate, special

mp.mp.dps = 40
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "contrastive", "theory.json")


def logM(d, k):
    d, k = mp.mpf(d), mp.mpf(k)
    if k == 0:
        return mp.mpf(0)
    nu = d / 2 - 1
    return mp.log(mp.gamma(d / 2) * (2 / k) ** nu * mp.besseli(nu, k))


out = {"bound": [], "largeN": [], "subspace": [], "uniformity": [], "cap": []}
for d in [2, 3, 5, 16, 128]:
    for tau in [0.05, 0.2, 1, 5]:
        k = 1 / mp.mpf(tau)
        for n in [2, 10, 4096]:
            out["bound"].append([d, tau, n, float(-k + mp.log(mp.exp(k) + (n - 1) * mp.exp(logM(d, k))))])
        out["largeN"].append([d, tau, float(-k + logM(d, k))])
    for t in [0.5, 2, 7]:
        out["uniformity"].append([d, t, float(-2 * mp.mpf(t) + logM(d, 2 * mp.mpf(t)))])
for kdim in [1, 2, 3, 7]:
    for theta in [0, 0.3, 1.2, math.pi / 2]:
        for tau in [0.1, 0.5]:
            kc = max(0.0, math.cos(theta)) / tau
            out["subspace"].append([kdim, theta, tau, float(-mp.mpf(kc) + logM(kdim, kc))])


def cap(alpha, psi, tau):
    kappa, ca = 1 / tau, math.cos(alpha)
    area = 1 - ca
    sp, cp = math.sin(psi), math.cos(psi)

    def inner(t):
        s = math.sqrt(max(0.0, 1 - t * t))
        # e^{κ t cos γ} I0(κ s sin γ) = e^{κ t cos γ + x} i0e(x); factor out e^{κ} for range
        f = lambda g: math.exp(kappa * t * math.cos(g) + kappa * s * math.sin(g) - kappa) * special.i0e(kappa * s * math.sin(g)) * math.sin(g)
        v, _ = integrate.quad(f, 0, alpha, epsabs=0, epsrel=1e-13, limit=200)
        return kappa + math.log(v / area)

    def over_chi(b):
        g = lambda chi: inner(math.sin(b) * math.cos(chi) * sp + math.cos(b) * cp)
        v, _ = integrate.quad(g, 0, math.pi, epsabs=0, epsrel=1e-12, limit=200)  # symmetric in χ → −χ
        return v / math.pi

    cross, _ = integrate.quad(lambda b: over_chi(b) * math.sin(b), 0, alpha, epsabs=0, epsrel=1e-12, limit=200)
    cross /= area
    # alignment: E[u·Ru], R the rotation by ψ about e2; direct quadrature (not the closed form)
    def dotR(b, chi):
        x, y, z = math.sin(b) * math.cos(chi), math.sin(b) * math.sin(chi), math.cos(b)
        v = (x * cp + z * sp, y, -x * sp + z * cp)
        return x * v[0] + y * v[1] + z * v[2]
    mc, _ = integrate.dblquad(lambda chi, b: dotR(b, chi) * math.sin(b), 0, alpha, 0, 2 * math.pi, epsabs=0, epsrel=1e-13)
    mc /= 2 * math.pi * area
    return [alpha, psi, tau, mc, cross]


for alpha, psi, tau in [(0.3, 0.0, 0.5), (0.5, 0.8, 0.2), (1.0, 2.0, 1.0), (math.pi, 0.4, 0.5), (0.2, math.pi, 0.1)]:
    out["cap"].append(cap(alpha, psi, tau))
with open(OUT, "w") as f:
    json.dump({"_source": "scripts/make_theory_fixtures.py (mpmath 40 digits; scipy quad for the cap)", **out}, f)
print({k: len(v) for k, v in out.items()})
