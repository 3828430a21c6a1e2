/**
 * Exact power-of-two scaling for mantissa × 2^n representations, so that recurrences can run
 * far outside the double range and the final e^{±x} factor costs no digits.
 */

/** 2^600: recurrences divide by this exactly when a mantissa grows past it. */
export const BIG2 = 2 ** 600;
export const BIG2_EXP = 600;

/** y · 2^n, exact unless the result under/overflows (one final rounding into subnormals). */
export function ldexp(y: number, n: number): number {
  // Nothing to scale, or a scale far past the double range: answer without looping n/1000 times.
  if (y === 0 || !Number.isFinite(y) || Number.isNaN(n)) return Number.isNaN(n) ? NaN : y;
  if (n > 2200) return y * Infinity;
  if (n < -2200) return y * 0;
  while (n > 1000) {
    y *= 2 ** 1000;
    n -= 1000;
    if (!Number.isFinite(y)) return y;
  }
  while (n < -1000) {
    y *= 2 ** -1000;
    n += 1000;
    if (y === 0) return y;
  }
  return y * 2 ** n;
}

// ln 2 split (Cody & Waite): LN2_HI has its low 21 bits zero, so k·LN2_HI is exact for |k| < 2^21.
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;

/**
 * v · e^{e} · 2^{n2} without losing digits to a large |e|: e = k ln 2 + r with |r| ≤ ½ ln 2
 * (Cody–Waite reduction), then exp(r) and an exact ldexp.
 */
export function expScaled(v: number, e: number, n2 = 0): number {
  if (Math.abs(e) < 700 && n2 === 0) return v * Math.exp(e);
  if (!Number.isFinite(e)) return v * Math.exp(e);
  const k = Math.round(e / Math.LN2);
  if (Math.abs(k) >= 2 ** 21) {
    // |e| > 1.4e6: far past the double range whatever n2 (|n2| ≲ 2e6 for orders ≤ 1e5)
    if (v === 0 || Number.isNaN(v)) return v;
    return e + n2 * Math.LN2 > 0 ? v * Infinity : v * 0;
  }
  const r = e - k * LN2_HI - k * LN2_LO;
  return ldexp(v * Math.exp(r), k + n2);
}
