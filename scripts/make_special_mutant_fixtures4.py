#!/usr/bin/python3
"""Reference values for test/special-mutants4.test.ts, from mpmath at 40 digits.

    /usr/bin/python3 scripts/make_special_mutant_fixtures4.py
        (writes test/fixtures/special/mutants4.json)

Session 7 re-run of StrykerJS on lib/src/special/jy.ts (environment.md, "Mutation testing"):
`jyGeneral` returns the kernel's J_{nu+1} and Y_{nu+1} too, so they are public values: J_{nu+1}
from the x < 2 series branch, and Y_nu, Y_{nu+1} where the upward recurrence of Y is rescaled
(|Y| far above 1e150 but below the double range). J'_{-a}(x) at subnormal x for non-integer a,
where the reflection formula can give inf - inf (a < 1: J'_a overflows too): the exact value overflows a double, so only its
sign survives the rounding (stored as +-inf).
"""
import json

import mpmath as mp

from special_fixtures_common import f, fixture_path

OUT = fixture_path("mutants4.json")


def main():
    out = {"jyGeneral": [], "jPrimeNeg": []}
    for nu, x in [(0.3, 0.7), (1.7, 1.5), (10.5, 1.9), (0.75, 0.01),
                  (100.5, 1.0), (80.5, 0.5), (60.5, 2.5), (120.25, 3.0)]:
        nu_m, x_m = mp.mpf(nu), mp.mpf(x)
        out["jyGeneral"].append({
            "nu": nu, "x": x,
            "j": f(mp.besselj(nu_m, x_m)), "j1": f(mp.besselj(nu_m + 1, x_m)),
            "y": f(mp.bessely(nu_m, x_m)), "y1": f(mp.bessely(nu_m + 1, x_m)),
        })
    # a = 0.001, 0.01 at x <= 1e-320: J'_a(x) overflows as well, so the formula is inf - inf
    for a, xs in [(0.5, [1e-310, 5e-324]), (1.5, [1e-310, 5e-324]), (2.5, [1e-310, 5e-324]),
                  (3.25, [1e-310, 5e-324]), (0.001, [5e-324, 1e-320]), (0.01, [5e-324, 1e-320])]:
        for x in xs:
            nu_m, x_m = -mp.mpf(a), mp.mpf(x)
            d = (mp.besselj(nu_m - 1, x_m) - mp.besselj(nu_m + 1, x_m)) / 2  # DLMF 10.6.1
            out["jPrimeNeg"].append({"nu": -a, "x": x, "value": f(d)})
    with open(OUT, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
