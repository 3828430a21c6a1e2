#!/usr/bin/python3
"""Reference values for test/special-mutants.test.ts, from mpmath at 40 digits.

    /usr/bin/python3 scripts/make_special_mutant_fixtures.py
        (writes test/fixtures/special/mutants.json)

The points are chosen to reach the branches that a StrykerJS run on lib/src/special showed
untested (environment.md, "Mutation testing"): log|Γ(x)| for negative non-integer x (reflection),
1/Γ and its 1 + ν forms on both sides of their switches, Temme's Γ₁, Γ₂ on |μ| ≤ ½, sin πx and
cos πx in every octant, the exact power-of-two scaling (ldexp) and the Cody–Waite reduced
v·e^e·2^n at exponents far outside the double range, and the vMF log-MGF on both sides of its
series / asymptotic switch. Each value is rounded once to the nearest double (Python repr
round-trips); ±inf and nan are written as strings.
"""
import json
import math

import mpmath as mp

from special_fixtures_common import f, fixture_path

OUT = fixture_path("mutants.json")


def main():
    out = {}
    # log|Γ(x)| for x < 0: both sides of the |x| ≤ ½ switch, half-integers, near poles, far out.
    lgx = [-1e-8, -0.1, -0.3, -0.5, -0.75, -1.5, -1.999, -2.001, -2.7, -5.5, -10.3, -30.5,
           -100.25, -170.3, -1000.5, -12345.678]
    out["logGammaNeg"] = {"x": lgx, "y": [f(mp.log(abs(mp.gamma(mp.mpf(x))))) for x in lgx]}
    # Γ(x) around the switches at |x| = ½, 1.5, 10, 171.7 and for x < −½ (reflection).
    gx = [-0.50001, -0.75, -1.25, -3.3, -5.5, -9.9, -20.2, -50.5, -0.49999, 0.49999, 0.50001,
          1.49999, 1.50001, 2.2, 5.5, 9.999, 10.0, 10.001, 60.6, 171.0, 171.6]
    out["gamma"] = {"x": gx, "y": [f(mp.gamma(mp.mpf(x))) for x in gx]}
    # 1/Γ(x): poles → 0, negative, small, large (x > 171.7 underflows to 0 in float64 anyway).
    rx = [-3.0, -0.0, -2.5, -0.7, -0.3, 0.25, 0.5, 0.6, 3.5, 12.5, 150.5, 171.5]
    out["rgamma"] = {"x": rx, "y": [f(mp.rgamma(mp.mpf(x))) for x in rx]}
    # 1/Γ(1+ν) and log Γ(1+ν) without forming 1 + ν, both sides of the (−1, 1] switch.
    nx = [-0.999, -0.5, -1e-10, 0.3, 1.0, 1.0000001, 1.5, 2.5, 7.25, 31.9, -1.5, -2.25]
    out["rgammaP1"] = {"nu": nx, "y": [f(mp.rgamma(1 + mp.mpf(x))) for x in nx]}
    lnx = [x for x in nx if x > -1]
    out["logGammaP1"] = {"nu": lnx, "y": [f(mp.loggamma(1 + mp.mpf(x))) for x in lnx]}
    # Temme: Γ₁(μ) = [1/Γ(1−μ) − 1/Γ(1+μ)]/(2μ) (−γ at μ = 0), Γ₂(μ) = [1/Γ(1−μ) + 1/Γ(1+μ)]/2.
    mus = [-0.5, -0.31, -0.1, -1e-6, 0.0, 1e-6, 0.1, 0.25, 0.42, 0.5]
    g1, g2, gp, gm = [], [], [], []
    for mu in mus:
        m = mp.mpf(mu)
        rp, rm = mp.rgamma(1 + m), mp.rgamma(1 - m)
        g1.append(f(-mp.euler if mu == 0 else (rm - rp) / (2 * m)))
        g2.append(f((rm + rp) / 2))
        gp.append(f(rp))
        gm.append(f(rm))
    out["temme"] = {"mu": mus, "g1": g1, "g2": g2, "gp": gp, "gm": gm}
    # sin πx, cos πx in every octant, negative x, beyond one period, and large x.
    tx = [0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 0.95, 1.1, 1.3, 1.7, 1.9, 2.3, -0.1, -0.3, -0.7, -1.2,
          -1.8, -2.6, 3.75, 7.125, 1e6 + 0.375, -12345.6875]
    out["trig"] = {"x": tx, "sin": [f(mp.sinpi(mp.mpf(x))) for x in tx],
                   "cos": [f(mp.cospi(mp.mpf(x))) for x in tx]}
    # v · e^e · 2^n2 with |e| ≥ 700 or n2 ≠ 0, results inside the double range.
    es = [(1.5, 800.0, -1200), (1.5, -800.0, 1100), (0.75, 700.5, 0), (-2.0, -705.25, 0),
          (1.0, 699.0, 5), (3.0, 1500.0, -2100), (1.0, -1e5, 144270), (1.0, 10.0, -3),
          (2.0, -1000.0, 1500)]
    out["expScaled"] = {"args": [list(a) for a in es],
                        "y": [f(mp.mpf(v) * mp.exp(mp.mpf(e)) * mp.mpf(2) ** n) for v, e, n in es]}
    # log E_u e^{κ u·v} for several d on both sides of the series switch κ²/4 ≤ 25(ν+1) + 100.
    cases = [(1, 0.5), (1, 30.0), (1, 400.0), (2, 0.7), (2, 22.0), (2, 23.0), (3, 1e-4), (3, 5.0),
             (3, 22.9), (3, 23.1), (3, 80.0), (10, 40.0), (64, 3.0), (64, 90.0), (512, 100.0),
             (512, 300.0)]
    lee, lvmf = [], []
    for d, k in cases:
        nu = mp.mpf(d) / 2 - 1
        kk = mp.mpf(k)
        if d == 1:
            e = mp.log(mp.cosh(kk))
        else:
            e = mp.log(2 ** nu * mp.gamma(nu + 1) * kk ** (-nu) * mp.besseli(nu, kk))
        lee.append(f(e))
        area = mp.log(2 * mp.pi ** (mp.mpf(d) / 2) / mp.gamma(mp.mpf(d) / 2))
        lvmf.append(f(-e - area))
    out["vmf"] = {"cases": [list(c) for c in cases], "logExpectedExpDot": lee, "logVmfNormaliser": lvmf}
    ds = [1, 2, 3, 4, 7, 100, 1024]
    out["sphereArea"] = {"d": ds, "y": [f(mp.log(2 * mp.pi ** (mp.mpf(d) / 2) / mp.gamma(mp.mpf(d) / 2)))
                                        for d in ds]}
    # Zeros of J_ν and J′_ν (the docs promise ~2e-16 relative; the older test allows 1e-12).
    znu = [0, 0.5, 1, 2.5, 7, 20.25]
    out["zeros"] = {"nu": znu, "n": 8,
                    "J": [[f(mp.besseljzero(mp.mpf(nu), k)) for k in range(1, 9)] for nu in znu],
                    # mpmath counts x = 0 as the first zero of J′₀; ours starts after it
                    "Jp": [[f(mp.besseljzero(mp.mpf(nu), k + (nu == 0), derivative=1))
                            for k in range(1, 9)] for nu in znu]}
    # disk.ts: 2π ∫₀¹ J_a(k_a ρ) J_b(k_b ρ) ρ dρ by mpmath.quad (‖ψ‖² and a Gram entry), and the
    # d = 2 moments of e^{κ u·v}: E = I₀(κ), E[e^{2κ u·v}] = I₀(2κ) (for the Monte Carlo's stderr).
    out["disk"] = {
        "normSq_nu2_k3.7": f(2 * mp.pi * mp.quad(lambda r: mp.besselj(2, 3.7 * r) ** 2 * r, [0, 1])),
        "gram_nu1_k2.5_k4.1": f(2 * mp.pi * mp.quad(
            lambda r: mp.besselj(1, 2.5 * r) * mp.besselj(1, 4.1 * r) * r, [0, 1])),
        "I0_1": f(mp.besseli(0, 1)), "I0_2": f(mp.besseli(0, 2))}
    with open(OUT, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
