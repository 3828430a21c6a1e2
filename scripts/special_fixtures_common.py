"""Shared set-up of the mpmath fixture scripts for the special-function mutant tests
(make_special_mutant_fixtures*.py): 40 digits, the output path, and one JSON number per value."""
import math
import os

import mpmath as mp

mp.mp.dps = 40


def fixture_path(name):
    """test/fixtures/special/<name>, relative to this repository."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures",
                        "special", name)


def f(v):
    """Round once to the nearest double; NaN and +-inf as strings (JSON has no such numbers)."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v
