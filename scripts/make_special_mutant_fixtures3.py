#!/usr/bin/python3
"""Reference values for test/special-mutants3.test.ts, from mpmath at 40 digits.

    /usr/bin/python3 scripts/make_special_mutant_fixtures3.py
        (writes test/fixtures/special/mutants3.json)

Integer orders n >= 2, which lib/src/special/fast.ts computes by its own paths (session 6 StrykerJS
run on fast.ts; environment.md, "Mutation testing"): J_n by the series, Hankel's expansion, forward
recurrence below the turning point, Miller's backward recurrence (with its 1e250 rescaling at
large n/x) and the general kernel above n = 1000; Y_n by forward recurrence, including orders where
Y_n overflows to -inf; I_n and e^{-x} I_n by the series, upward recurrence (n^2 <= x), the large-x
expansion and Miller (its branch-free path for N <= 150 and its rescaling path beyond). Points sit
on both sides of every switch. Each value is rounded once to the nearest double; +-inf as strings.
For J and Y the scale sqrt(J^2 + Y^2) is stored too (errors are relative to it where x > n).
"""
import json

import mpmath as mp

from special_fixtures_common import f, fixture_path

OUT = fixture_path("mutants3.json")


def main():
    out = {}
    jpts = [
        # series (x <= 2 or x^2/4 <= (n+1)/2)
        (2, 2.0), (5, 1.0), (3, 2.5), (12, 5.0),
        # Hankel (x >= 50, n^2 <= 2x) and just outside it
        (2, 50.0), (10, 50.0), (10, 49.75), (11, 60.0), (14, 100.0), (15, 100.0), (44, 1000.0),
        # forward recurrence (x - n >= x^(1/3)) on the table (2 < x < 50) and beyond
        (2, 3.0), (5, 10.0), (10, 30.0), (30, 45.0), (20, 49.9), (60, 100.0),
        # Miller (n > x - x^(1/3)), normalised to (J0, J1); n = 500, x = 250 needs the rescaling
        (10, 8.0), (30, 20.0), (60, 40.0), (60, 58.0), (500, 250.0), (1000, 600.0), (1000, 990.0),
        # growth of the Miller sequence past 1e250 (its rescaling): values ~1e-173 and ~1e-200
        (300, 60.0), (400, 70.0),
        # n > 1000: the general kernel
        (1001, 1000.0), (1500, 1400.0), (2000, 1990.0),
    ]
    out["j"] = {"n": [p[0] for p in jpts], "x": [p[1] for p in jpts],
                "y": [f(mp.besselj(p[0], mp.mpf(p[1]))) for p in jpts],
                "scale": [f(max(abs(mp.besselj(p[0], mp.mpf(p[1]))),
                                mp.sqrt(mp.besselj(p[0], mp.mpf(p[1]))**2 + mp.bessely(p[0], mp.mpf(p[1]))**2)
                                if p[1] > p[0] else 0)) for p in jpts]}
    ypts = [(2, 2.0), (5, 3.0), (10, 7.3), (30, 45.0), (5, 50.0), (10, 100.0), (100, 20.0),
            (2, 49.9), (3, 50.0), (150, 2.0), (300, 3.0), (200, 2.0)]
    out["y"] = {"n": [p[0] for p in ypts], "x": [p[1] for p in ypts],
                "y": [f(mp.bessely(p[0], mp.mpf(p[1]))) for p in ypts],
                "scale": [f(mp.sqrt(mp.besselj(p[0], mp.mpf(p[1]))**2 + mp.bessely(p[0], mp.mpf(p[1]))**2))
                          for p in ypts]}
    ipts = [
        (2, 1.5), (3, 2.0), (2, 2.5), (10, 6.0),          # series
        (2, 4.5), (3, 9.0), (6, 40.0), (7, 49.9),          # upward (n^2 <= x < 50)
        (2, 50.0), (10, 50.0), (14, 100.0), (5, 1000.0),   # large-x expansion (n^2 <= 2x)
        (10, 10.0), (30, 20.0), (100, 60.0),               # Miller, branch-free (N <= 150)
        (150, 40.0), (200, 45.0), (300, 49.5), (1000, 100.0),  # Miller, rescaling path (N > 150)
        (2, 700.0), (2, 720.0), (3, 1e5),                  # overflow of I itself
    ]
    out["i"] = {"n": [p[0] for p in ipts], "x": [p[1] for p in ipts],
                "y": [f(mp.besseli(p[0], mp.mpf(p[1]))) for p in ipts],
                "ye": [f(mp.exp(-mp.mpf(p[1])) * mp.besseli(p[0], mp.mpf(p[1]))) for p in ipts]}
    with open(OUT, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
