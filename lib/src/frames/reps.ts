/**
 * Representations of O(3) used to transport features between local frames
 * (REFERENCES.md#frames2025).
 *
 * Two families, both built from the rotation matrix R itself (no Euler angles, so no gimbal
 * singularities and reflections come for free):
 *   Cartesian tensors of rank k:  ρ(R) = R^{⊗k}   (dim 3^k, reducible for k = 2: 9 = 1+3+5)
 *   real irreps ℓ ≤ 3 (Wigner-D):  D^ℓ(R) = Q_ℓ R^{⊗ℓ} Q_ℓᵀ (dim 2ℓ+1)
 * Q_ℓ is an isometry from ℝ^{3^ℓ} onto the symmetric traceless tensors, written in the real
 * spherical-harmonic basis (m = −ℓ…ℓ). Because that subspace is invariant under R⊗R and
 * Q_ℓQ_ℓᵀ = I, D^ℓ is a homomorphism: D(R₁R₂) = D(R₁)D(R₂). D¹(R) = P R Pᵀ with P the
 * permutation (x,y,z) → (y,z,x), i.e. D¹ ≅ R. Pseudo-tensors (and irreps with the "wrong" parity)
 * get an extra factor det R, so a reflection flips their sign relative to normal tensors.
 *
 * Notation for feature layouts: "16x0e + 8x1o + 4x2e" (irreps ℓ with parity e/o; natural parity
 * is (−1)^ℓ, i.e. 0e, 1o, 2e; the other parity is pseudo) or "16xT0 + 8xT1 + 4xT2" (Cartesian
 * rank k, suffix p for pseudo: "2xT1p").
 */
import * as tf from "../tf";
import { ShapeError, domainError } from "../errors";
import { Mat, blockDiag, det3, eye, fromMat3, kron, mat, matMul, transpose } from "../linalg";

export type Order = 0 | 1 | 2 | 3;

/** One block of a feature layout: `mult` copies of one representation. */
export interface RepBlock {
  kind: "cart" | "irrep";
  /** Cartesian rank k or irrep degree ℓ. */
  order: Order;
  /** Multiply by det R (pseudo-tensor / odd-parity irrep relative to the natural one). */
  pseudo: boolean;
  mult: number;
}

export type Rep = RepBlock[];

/** Dimension of one copy of a block: 3^k (Cartesian) or 2ℓ+1 (irrep). */
export function blockDim(b: Pick<RepBlock, "kind" | "order">): number {
  return b.kind === "cart" ? 3 ** b.order : 2 * b.order + 1;
}

export function repDim(rep: Rep): number {
  return rep.reduce((s, b) => s + b.mult * blockDim(b), 0);
}

/** Parse "16x0e + 8x1o + 4x2e" or "16xT0 + 8xT1 + 2xT1p + 4xT2" into blocks. */
export function parseRep(text: string): Rep {
  const parts = text
    .split("+")
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0)
    domainError(
      "parseRep",
      "text",
      JSON.stringify(text),
      'a layout like "16x0e + 8x1o" or "16xT0 + 8xT1"',
    );
  return parts.map((p) => {
    const m = /^(\d+)\s*x\s*(T?)([0-3])([eop]?)$/.exec(p);
    if (!m)
      domainError(
        "parseRep",
        "text",
        JSON.stringify(p),
        'blocks like "8x1o" (irrep ℓ ≤ 3, parity e/o) or "8xT1" / "8xT1p" (Cartesian rank ≤ 3)',
      );
    const mult = Number(m[1]);
    const order = Number(m[3]) as Order;
    if (mult < 1) domainError("parseRep", "multiplicity", mult, "≥ 1");
    if (m[2] === "T") {
      if (m[4] === "e" || m[4] === "o")
        domainError(
          "parseRep",
          "text",
          JSON.stringify(p),
          "Cartesian blocks with suffix p (pseudo) or none",
        );
      return { kind: "cart", order, pseudo: m[4] === "p", mult };
    }
    if (m[4] !== "e" && m[4] !== "o")
      domainError(
        "parseRep",
        "text",
        JSON.stringify(p),
        "irrep blocks with parity e or o, e.g. 1o",
      );
    const natural = order % 2 === 0 ? "e" : "o";
    return { kind: "irrep", order, pseudo: m[4] !== natural, mult };
  });
}

export function formatRep(rep: Rep): string {
  return rep
    .map((b) => {
      if (b.kind === "cart") return `${b.mult}xT${b.order}${b.pseudo ? "p" : ""}`;
      const natural = b.order % 2 === 0 ? "e" : "o";
      const other = natural === "e" ? "o" : "e";
      return `${b.mult}x${b.order}${b.pseudo ? other : natural}`;
    })
    .join(" + ");
}

const S2 = Math.SQRT1_2;
const S6 = 1 / Math.sqrt(6);

/**
 * Real harmonic cubics in real-spherical-harmonic order m = −3…3 (unnormalised), as
 * [coefficient, exponents of (x, y, z)] monomials: y(3x²−y²), xyz, y(4z²−x²−y²), z(2z²−3x²−3y²),
 * x(4z²−x²−y²), z(x²−y²), x(x²−3y²). Each is harmonic, so its symmetric coefficient tensor is
 * traceless; distinct m are L²-orthogonal on the sphere, hence (Schur: the Frobenius product of
 * symmetric traceless tensors is proportional to the L² product of their polynomials) orthogonal.
 */
const CUBICS: [number, [number, number, number]][][] = [
  [
    [3, [2, 1, 0]],
    [-1, [0, 3, 0]],
  ],
  [[1, [1, 1, 1]]],
  [
    [4, [0, 1, 2]],
    [-1, [2, 1, 0]],
    [-1, [0, 3, 0]],
  ],
  [
    [2, [0, 0, 3]],
    [-3, [2, 0, 1]],
    [-3, [0, 2, 1]],
  ],
  [
    [4, [1, 0, 2]],
    [-1, [3, 0, 0]],
    [-1, [1, 2, 0]],
  ],
  [
    [1, [2, 0, 1]],
    [-1, [0, 2, 1]],
  ],
  [
    [1, [3, 0, 0]],
    [-3, [1, 2, 0]],
  ],
];

let Q3: Mat | null = null;

/** Q₃ [7, 27]: each cubic's symmetric coefficient tensor (a monomial's coefficient shared equally
 *  by its index permutations), flattened (index 9a+3b+c) and scaled to unit Frobenius norm. */
function cubicBasis(): Mat {
  if (Q3) return Q3;
  const out = mat(7, 27);
  CUBICS.forEach((poly, m) => {
    const row = new Float64Array(27);
    for (let k = 0; k < 27; k++) {
      const e = [0, 0, 0];
      e[Math.floor(k / 9)]++;
      e[Math.floor(k / 3) % 3]++;
      e[k % 3]++;
      const mono = poly.find(([, x]) => x[0] === e[0] && x[1] === e[1] && x[2] === e[2]);
      // multinomial count 3!/(e_x! e_y! e_z!) of index triples with these exponents
      const count = 6 / e.reduce((p, n) => p * (n === 3 ? 6 : n === 2 ? 2 : 1), 1);
      if (mono) row[k] = mono[0] / count;
    }
    const n = Math.hypot(...row);
    for (let k = 0; k < 27; k++) out.data[27 * m + k] = row[k] / n;
  });
  Q3 = out;
  return out;
}

/**
 * Q_ℓ: rows are an orthonormal basis of the symmetric traceless rank-ℓ tensors (flattened
 * row-major, index 3a+b), ordered m = −ℓ…ℓ like real spherical harmonics:
 * ℓ=1: (y, z, x); ℓ=2: (xy, yz, 3z²−r², xz, x²−y²) up to one common factor; ℓ=3: CUBICS.
 */
export function irrepBasis(l: Order): Mat {
  if (l === 0) return mat(1, 1, [1]);
  if (l === 1) return mat(3, 3, [0, 1, 0, 0, 0, 1, 1, 0, 0]);
  if (l === 2) {
    // Symmetric matrices S_m with ‖S_m‖_F = 1, mutually orthogonal, all traceless.
    return mat(5, 9, [
      0,
      S2,
      0,
      S2,
      0,
      0,
      0,
      0,
      0, //      (E_xy + E_yx)/√2
      0,
      0,
      0,
      0,
      0,
      S2,
      0,
      S2,
      0, //      (E_yz + E_zy)/√2
      -S6,
      0,
      0,
      0,
      -S6,
      0,
      0,
      0,
      2 * S6, // (2E_zz − E_xx − E_yy)/√6
      0,
      0,
      S2,
      0,
      0,
      0,
      S2,
      0,
      0, //      (E_xz + E_zx)/√2
      S2,
      0,
      0,
      0,
      -S2,
      0,
      0,
      0,
      0, //     (E_xx − E_yy)/√2
    ]);
  }
  if (l === 3) {
    const q = cubicBasis();
    return mat(7, 27, Array.from(q.data));
  }
  return domainError("irrepBasis", "l", l, "0, 1, 2 or 3");
}

/**
 * Orthogonal change of basis of rank-2 Cartesian tensors, 9 = 1 + 3 + 5:
 * row 0 trace part vec(I)/√3; rows 1–3 the antisymmetric part as an axial vector (x, y, z),
 * w_x = (T_yz − T_zy)/√2 etc.; rows 4–8 Q_2. B (R⊗R) Bᵀ = diag(1, det(R)·R, D²(R)).
 */
export function cartesianDecomposition(): Mat {
  const s3 = 1 / Math.sqrt(3);
  const rows = [
    [s3, 0, 0, 0, s3, 0, 0, 0, s3],
    [0, 0, 0, 0, 0, S2, 0, -S2, 0],
    [0, 0, -S2, 0, 0, 0, S2, 0, 0],
    [0, S2, 0, -S2, 0, 0, 0, 0, 0],
  ];
  return mat(9, 9, [...rows.flat(), ...irrepBasis(2).data]);
}

/** R^{⊗k} for k ≤ 3 (float64). */
export function tensorPower(R: ArrayLike<number>, k: Order): Mat {
  if (!(k === 0 || k === 1 || k === 2 || k === 3))
    domainError("tensorPower", "k", k, "0, 1, 2 or 3");
  if (k === 0) return eye(1);
  const r = fromMat3(R);
  return k === 1 ? r : k === 2 ? kron(r, r) : kron(kron(r, r), r);
}

/** Wigner-D matrix D^ℓ(R) = Q_ℓ R^{⊗ℓ} Q_ℓᵀ for R ∈ O(3), ℓ ≤ 3 (float64). */
export function wignerD(l: Order, R: ArrayLike<number>): Mat {
  checkOrthogonal("wignerD", R);
  const q = irrepBasis(l);
  return matMul(matMul(q, tensorPower(R, l)), transpose(q));
}

/** R must be a finite orthogonal 3×3 matrix (row-major): D^ℓ is only a representation on O(3). */
function checkOrthogonal(fn: string, R: ArrayLike<number>): void {
  if (R.length !== 9) throw new ShapeError(`${fn} R`, "9 entries (row-major 3×3)", [R.length]);
  for (let k = 0; k < 9; k++)
    if (!Number.isFinite(R[k])) domainError(fn, `R[${k}]`, R[k], "a finite entry");
  let err = 0;
  for (let a = 0; a < 3; a++)
    for (let b = 0; b < 3; b++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += R[3 * a + k] * R[3 * b + k];
      err = Math.max(err, Math.abs(s - (a === b ? 1 : 0)));
    }
  if (err > 1e-6)
    domainError(
      fn,
      "R",
      `a matrix with max|RRᵀ − I| = ${err.toExponential(2)}`,
      "an orthogonal matrix (max|RRᵀ − I| ≤ 1e-6)",
    );
}

/** ρ(R) for one copy of a block (float64). */
export function rhoBlock(
  b: Pick<RepBlock, "kind" | "order" | "pseudo">,
  R: ArrayLike<number>,
): Mat {
  if (R.length !== 9) throw new ShapeError("rho R", "9 entries (row-major 3×3)", [R.length]);
  const m = b.kind === "cart" ? tensorPower(R, b.order) : wignerD(b.order, R);
  if (b.pseudo && det3(R) < 0) for (let i = 0; i < m.data.length; i++) m.data[i] = -m.data[i];
  return m;
}

/** ρ(R) of a whole layout: block-diagonal, blocks repeated `mult` times (float64). */
export function rho(rep: Rep | string, R: ArrayLike<number>): Mat {
  const r = typeof rep === "string" ? parseRep(rep) : rep;
  const blocks: Mat[] = [];
  for (const b of r) {
    const m = rhoBlock(b, R);
    for (let c = 0; c < b.mult; c++) blocks.push(m);
  }
  return blockDiag(blocks);
}

/** Apply ρ(R) to a feature vector laid out as `rep` (float64). */
export function applyRho(
  rep: Rep | string,
  R: ArrayLike<number>,
  f: ArrayLike<number>,
): Float64Array {
  const m = rho(rep, R);
  if (f.length !== m.cols)
    throw new ShapeError(
      "applyRho f",
      `length ${m.cols} (dim of ${typeof rep === "string" ? rep : formatRep(rep)})`,
      [f.length],
    );
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0; j < m.cols; j++) s += m.data[i * m.cols + j] * f[j];
    out[i] = s;
  }
  return out;
}

/**
 * The frame ambiguity group of a node of frame rank k (frames.ts frameRanks), as a finite set
 * whose average of ρ equals the Haar average for every representation used here (ℓ ≤ 2, and ℓ ≤ 3
 * as well; ours):
 *   k = 3: {I};  k = 2: {I, diag(1, 1, −1)};
 *   k = 1: rotations about x by 2πm/8, m = 0..7, with and without diag(1, 1, −1) (O(2) about e₁;
 *          8 angles average Fourier modes |m| ≤ 7 to zero exactly, enough for ℓ ≤ 7);
 *   k = 0: the 48 signed permutation matrices (the full octahedral group O_h): an O_h-average
 *          kills every ℓ = 1, 2, 3 component and every odd-parity one, like the O(3) average.
 */
export function ambiguityGroup(rank: number): Float64Array[] {
  if (!(rank === 0 || rank === 1 || rank === 2 || rank === 3))
    domainError("ambiguityGroup", "rank", rank, "0, 1, 2 or 3");
  const I = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1),
    Z = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, -1);
  if (rank === 3) return [I];
  if (rank === 2) return [I, Z];
  if (rank === 1) {
    const out: Float64Array[] = [];
    for (let m = 0; m < 8; m++) {
      const c = Math.cos((2 * Math.PI * m) / 8),
        s = Math.sin((2 * Math.PI * m) / 8);
      const R = Float64Array.of(1, 0, 0, 0, c, -s, 0, s, c);
      out.push(R, Float64Array.of(1, 0, 0, 0, c, s, 0, s, -c)); // R·diag(1,1,−1)
    }
    return out;
  }
  const out: Float64Array[] = [];
  for (const p of [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ]) {
    for (let sg = 0; sg < 8; sg++) {
      const R = new Float64Array(9);
      for (let r = 0; r < 3; r++) R[3 * r + p[r]] = sg & (1 << r) ? -1 : 1;
      out.push(R);
    }
  }
  return out;
}

/**
 * P_k = mean over the ambiguity group of ρ(g) (float64, D × D): the orthogonal projector onto the
 * feature components a rank-k node's frame ambiguity cannot change. ρ(g)P = P for every g in the
 * group, so ρ(L_iL_jᵀ) P_j h_j does not depend on which frame of the ambiguity class j got.
 */
export function ambiguityProjector(rep: Rep | string, rank: number): Mat {
  const G = ambiguityGroup(rank);
  let acc: Mat | null = null;
  for (const g of G) {
    const m = rho(rep, g);
    if (!acc) acc = m;
    else for (let i = 0; i < m.data.length; i++) acc.data[i] += m.data[i];
  }
  for (let i = 0; i < acc!.data.length; i++) acc!.data[i] /= G.length;
  return acc!;
}

/** c_ℓ with ‖c_ℓ Q_ℓ x̂^{⊗ℓ}‖² = 2ℓ+1 (rotation invariance: evaluate at x̂ = ẑ). */
export function harmonicScale(l: Order): number {
  const q = irrepBasis(l),
    n = 3 ** l,
    z = n - 1; // index of z⊗…⊗z
  let s = 0;
  for (let m = 0; m < q.rows; m++) s += q.data[m * n + z] ** 2;
  return Math.sqrt((2 * l + 1) / s);
}

/** Real spherical harmonics Y^ℓ(x̂) = c_ℓ Q_ℓ x̂^{⊗ℓ}, normalised so ‖Y^ℓ‖² = 2ℓ+1 (float64). */
export function sphericalHarmonic(l: Order, v: ArrayLike<number>): Float64Array {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (!(n > 0 && Number.isFinite(n)))
    domainError("sphericalHarmonic", "v", Array.from(v), "a finite non-zero 3-vector");
  const x = [v[0] / n, v[1] / n, v[2] / n];
  if (l === 0) return Float64Array.of(1);
  const q = irrepBasis(l),
    d = 3 ** l,
    c = harmonicScale(l);
  const out = new Float64Array(2 * l + 1);
  for (let m = 0; m < q.rows; m++) {
    let s = 0;
    for (let k = 0; k < d; k++) {
      let p = 1;
      for (let t = 0, kk = k; t < l; t++, kk = Math.floor(kk / 3)) p *= x[kk % 3];
      s += q.data[m * d + k] * p;
    }
    out[m] = c * s;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// tfjs (float32, differentiable): batched ρ for per-edge transports R_ij = L_i L_jᵀ.
// Einsum is not available on wasm, so every contraction is a reshape + matMul.

/** det of a batch of 3×3 matrices [E, 3, 3] → [E] (cofactor expansion on unstacked entries). */
export function det3Tf(R: tf.Tensor3D): tf.Tensor1D {
  return tf.tidy(() => {
    const [a, b, c, d, e, f, g, h, i] = tf.unstack(tf.reshape(R, [-1, 9]), 1);
    return tf.addN([
      tf.mul(a, tf.sub(tf.mul(e, i), tf.mul(f, h))),
      tf.neg(tf.mul(b, tf.sub(tf.mul(d, i), tf.mul(f, g)))),
      tf.mul(c, tf.sub(tf.mul(d, h), tf.mul(e, g))),
    ]) as tf.Tensor1D;
  });
}

/** R⊗R for a batch [E, 3, 3] → [E, 9, 9] by broadcasting (R⊗R)[3a+b, 3c+d] = R[a,c]R[b,d]. */
export function kronSelfTf(R: tf.Tensor3D): tf.Tensor3D {
  const E = R.shape[0];
  return tf.tidy(() => {
    const A = tf.reshape(R, [E, 3, 1, 3, 1]);
    const B = tf.reshape(R, [E, 1, 3, 1, 3]);
    return tf.reshape(tf.mul(A, B), [E, 9, 9]) as tf.Tensor3D;
  });
}

/** R⊗R⊗R for a batch [E, 3, 3] → [E, 27, 27]. */
export function kronCubeTf(R: tf.Tensor3D): tf.Tensor3D {
  const E = R.shape[0];
  return tf.tidy(() => {
    const RR = tf.reshape(kronSelfTf(R), [E, 9, 1, 9, 1]);
    return tf.reshape(tf.mul(RR, tf.reshape(R, [E, 1, 3, 1, 3])), [E, 27, 27]) as tf.Tensor3D;
  });
}

/** Q X Qᵀ for X [E, n, n] and a constant Q [m, n] → [E, m, m], with 2-D matMuls only. */
export function sandwichTf(Qm: Mat, X: tf.Tensor3D): tf.Tensor3D {
  const [E, n] = X.shape;
  const m = Qm.rows;
  if (Qm.cols !== n) throw new ShapeError("sandwichTf X", `[E, ${Qm.cols}, ${Qm.cols}]`, X.shape);
  return tf.tidy(() => {
    const Qt = tf.tensor2d(Float32Array.from(transpose(Qm).data), [n, m], "float32");
    const Y = tf.reshape(tf.matMul(tf.reshape(X, [E * n, n]), Qt), [E, n, m]); // X Qᵀ
    const Zt = tf.reshape(tf.matMul(tf.reshape(tf.transpose(Y, [0, 2, 1]), [E * m, n]), Qt), [
      E,
      m,
      m,
    ]); // (Q X Qᵀ)ᵀ
    return tf.transpose(Zt, [0, 2, 1]) as tf.Tensor3D;
  });
}

/**
 * ρ(R) for one block, batched: R [E, 3, 3] → [E, d, d]. `det` ([E], ±1) is only needed for
 * pseudo blocks; pass it to avoid recomputing.
 */
export function rhoBlockTf(
  b: Pick<RepBlock, "kind" | "order" | "pseudo">,
  R: tf.Tensor3D,
  det?: tf.Tensor1D,
): tf.Tensor3D {
  const E = R.shape[0];
  return tf.tidy(() => {
    let m: tf.Tensor3D;
    if (b.order === 0) m = tf.ones([E, 1, 1]);
    else if (b.order === 1) m = b.kind === "cart" ? R : sandwichTf(irrepBasis(1), R);
    else if (b.order === 2)
      m = b.kind === "cart" ? kronSelfTf(R) : sandwichTf(irrepBasis(2), kronSelfTf(R));
    else m = b.kind === "cart" ? kronCubeTf(R) : sandwichTf(irrepBasis(3), kronCubeTf(R));
    if (b.pseudo) m = tf.mul(m, tf.reshape(det ?? det3Tf(R), [E, 1, 1]));
    return m;
  });
}

/**
 * Transport features: f [E, D] laid out as `rep` ↦ ρ(R_e) f_e for every edge, block by block
 * (each block: [E, mult, d] × ρᵀ [E, d, d] as one batched matMul).
 */
export function transportTf(rep: Rep, R: tf.Tensor3D, f: tf.Tensor2D): tf.Tensor2D {
  const E = R.shape[0];
  const D = repDim(rep);
  if (f.shape[0] !== E || f.shape[1] !== D)
    throw new ShapeError("transportTf f", `[${E}, ${D}]`, f.shape);
  return tf.tidy(() => {
    const needDet = rep.some((b) => b.pseudo);
    const det = needDet ? det3Tf(R) : undefined;
    const outs: tf.Tensor2D[] = [];
    let o = 0;
    for (const b of rep) {
      const d = blockDim(b);
      const w = b.mult * d;
      const part = tf.slice(f, [0, o], [E, w]);
      o += w;
      if (b.order === 0 && !b.pseudo) {
        outs.push(part);
        continue;
      }
      const r = rhoBlockTf(b, R, det);
      const x = tf.reshape(part, [E, b.mult, d]);
      outs.push(tf.reshape(tf.matMul(x, r, false, true), [E, w]));
    }
    return (outs.length === 1 ? outs[0] : tf.concat(outs, 1)) as tf.Tensor2D;
  });
}

/** Real spherical harmonics of degree ℓ for a batch of unit vectors u [E, 3] → [E, 2ℓ+1]. */
export function sphericalHarmonicsTf(l: Order, u: tf.Tensor2D): tf.Tensor2D {
  const E = u.shape[0];
  return tf.tidy(() => {
    if (l === 0) return tf.ones([E, 1]) as tf.Tensor2D;
    if (l === 1) return tf.mul(tf.gather(u, [1, 2, 0], 1), Math.sqrt(3)) as tf.Tensor2D;
    let outer = tf.reshape(tf.mul(tf.reshape(u, [E, 3, 1]), tf.reshape(u, [E, 1, 3])), [E, 9]);
    if (l === 3)
      outer = tf.reshape(tf.mul(tf.reshape(outer, [E, 9, 1]), tf.reshape(u, [E, 1, 3])), [E, 27]);
    const q = irrepBasis(l);
    const Qt = tf.tensor2d(Float32Array.from(transpose(q).data), [q.cols, q.rows], "float32");
    return tf.mul(tf.matMul(outer, Qt), harmonicScale(l)) as tf.Tensor2D;
  });
}
