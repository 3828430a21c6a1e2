/**
 * Seeded randomness. Every random draw in besselbook takes a seed; this is the one PRNG.
 *
 * xoshiro128** (Blackman & Vigna) seeded through splitmix32, so nearby seeds give unrelated
 * streams. 32-bit state words keep it exact in JS integer arithmetic (Math.imul).
 */
import { domainError } from "../errors";

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(readonly seed: number) {
    if (!Number.isInteger(seed)) domainError("rng", "seed", seed, "an integer");
    const sm = splitmix32(seed);
    this.s0 = sm();
    this.s1 = sm();
    this.s2 = sm();
    this.s3 = sm();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next raw 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [a, b). */
  uniformIn(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** Integer uniform in [0, n). Unbiased (rejection). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32)
      domainError("Rng.int", "n", n, "an integer in [1, 2^32]");
    const limit = Math.floor(2 ** 32 / n) * n;
    let x: number;
    do x = this.nextU32();
    while (x >= limit);
    return x % n;
  }

  /** Standard normal (Marsaglia polar method; caches the second deviate). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** Float64Array of n standard normals. */
  normals(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /** Float64Array of n uniforms in [0, 1). */
  uniforms(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uniform();
    return out;
  }

  /** In-place Fisher–Yates shuffle; returns the array. */
  shuffle<T extends { length: number; [i: number]: any }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** A seed for a child stream (e.g. per epoch), derived deterministically from this stream. */
  fork(): Rng {
    return new Rng(this.nextU32() | 0);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** `rng(seed)` — a new seeded generator. */
export function rng(seed: number): Rng {
  return new Rng(seed);
}
