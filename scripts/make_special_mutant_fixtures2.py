#!/usr/bin/python3
"""Reference values for test/special-mutants2.test.ts, from mpmath at 40 digits.

    /usr/bin/python3 scripts/make_special_mutant_fixtures2.py
        (writes test/fixtures/special/mutants2.json)

Points chosen from the survivors of the session-5 StrykerJS runs on lib/src/special/jy.ts and
ik.ts (environment.md, "Mutation testing"): the power-series prefactor (x/2)^ν/Γ(ν+1) in its
Stirling form (ν ≥ 10 non-integer, where t = e·x/(2ν) is carried as a double-double), at tiny x
where (x/2)^ν leaves the normal range, and large orders where the backward recurrence rescales.
Each value is rounded once to the nearest double; ±inf and nan are written as strings.
"""
import json

import mpmath as mp

from special_fixtures_common import f, fixture_path

OUT = fixture_path("mutants2.json")


def table(fn, pts):
    return {"nu": [p[0] for p in pts], "x": [p[1] for p in pts],
            "y": [f(fn(mp.mpf(p[0]), mp.mpf(p[1]))) for p in pts]}


def main():
    out = {}
    # series region (x²/4 ≤ (ν+1)/2) with ν ≥ 10 non-integer: the Stirling prefactor
    series = [(10.5, 3.0), (20.25, 5.0), (60.5, 10.0), (120.5, 15.0), (200.5, 18.0), (300.5, 24.0)]
    out["jSeriesLarge"] = table(mp.besselj, series)
    # tiny x, ν < 10: (x/2)^ν subnormal or zero, so the log form must be used
    tiny = [(2.5, 1e-130), (3.5, 1e-88), (5.5, 1e-58), (0.5, 1e-310), (7.25, 1e-40)]
    out["jTiny"] = table(mp.besselj, tiny)
    # large orders between the series and Hankel regions (Miller + rescaling, Temme/CF2 for Y)
    big = [(800.5, 700.0), (1500.5, 1400.0), (400.25, 300.0), (250.75, 260.0)]
    out["jBig"] = table(mp.besselj, big)
    out["yBig"] = table(mp.bessely, big)
    with open(OUT, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
