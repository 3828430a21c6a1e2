/**
 * Einsum as transposes, reshapes, sums and one batched matmul.
 *
 * For C = einsum("<a>,<b>-><c>", A, B), every label is one of
 *   batch    (in A, B and C)      → leading batch dim of the matmul,
 *   free A   (in A and C only)    → rows,
 *   free B   (in B and C only)    → columns,
 *   contract (in A and B, not C)  → the inner (summed) dim,
 *   lonely   (in one operand only, not in C) → summed away first.
 * So A ↦ [batch, freeA, contract], B ↦ [batch, contract, freeB], C = transpose(A·B).
 * The plan is pure data; `runEinsum` executes it with any tensor algebra, so the same code is the
 * wasm Einsum kernel (on TensorInfos) and the differentiable lib op `ops.einsum` (on Tensors,
 * gradients from the primitives — tfjs 4.22 registers no Einsum gradient on any backend).
 * Supported: 1 or 2 operands, letters a–z/A–Z, explicit ("ij,jk->ik") or implicit ("ij,jk")
 * output. Not supported (throws): ellipsis, repeated labels within one operand (diagonals).
 */
import { BesselbookError, ShapeError } from "../../errors";
import { callKernel, KernelArgs, release, TensorInfo } from "./util";

export interface EinsumPlan {
  equation: string;
  /** Axes of each operand summed before anything else (labels used nowhere else). */
  sum: number[][];
  /**
   * Per operand, permutation after the sums: binary → [batch, free, contract] / [batch, contract,
   * free].
   */
  perm: number[][];
  /** Per operand, 3-D matmul shape (binary only). */
  shape3: number[][];
  /**
   * Shape of the matmul result unflattened as [batch…, freeA…, freeB…] (binary) or of the summed
   * operand (unary).
   */
  resultShape: number[];
  /** Final permutation to the requested output label order. */
  outPerm: number[];
  outShape: number[];
}

function prod(xs: number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/** Parse and plan an einsum over operands of the given shapes. Throws on anything unsupported. */
export function planEinsum(equation: string, shapes: readonly (readonly number[])[]): EinsumPlan {
  const eq = equation.replace(/\s+/g, "");
  if (eq.includes("."))
    throw new BesselbookError(
      `einsum '${equation}': ellipsis is not supported; write every axis label`,
    );
  const arrow = eq.split("->");
  if (arrow.length > 2)
    throw new BesselbookError(`einsum '${equation}': expected at most one '->'`);
  const terms = arrow[0].split(",");
  if (terms.length !== shapes.length)
    throw new BesselbookError(
      `einsum '${equation}': ${terms.length} operand terms but ${shapes.length} tensors`,
    );
  if (terms.length < 1 || terms.length > 2)
    throw new BesselbookError(
      `einsum '${equation}': supported are 1 or 2 operands, got ${terms.length}`,
    );
  const size = new Map<string, number>();
  terms.forEach((t, i) => {
    if (!/^[a-zA-Z]*$/.test(t))
      throw new BesselbookError(`einsum '${equation}': labels must be letters, got '${t}'`);
    if (new Set(t).size !== t.length)
      throw new BesselbookError(
        `einsum '${equation}': repeated label in '${t}' (diagonal/trace) is not supported`,
      );
    if (t.length !== shapes[i].length)
      throw new ShapeError(
        `einsum '${equation}' operand ${i}`,
        `rank ${t.length} ('${t}')`,
        shapes[i],
      );
    [...t].forEach((l, j) => {
      const d = shapes[i][j];
      const prev = size.get(l);
      if (prev !== undefined && prev !== d)
        throw new ShapeError(
          `einsum '${equation}' label '${l}'`,
          `size ${prev} in every operand`,
          shapes[i],
        );
      size.set(l, d);
    });
  });
  const count = (l: string) => terms.filter((t) => t.includes(l)).length;
  // Implicit output (numpy rule): labels that occur exactly once, in alphabetical order.
  const out =
    arrow.length === 2
      ? arrow[1]
      : [...size.keys()]
          .filter((l) => count(l) === 1)
          .sort()
          .join("");
  if (!/^[a-zA-Z]*$/.test(out) || new Set(out).size !== out.length)
    throw new BesselbookError(`einsum '${equation}': output '${out}' must be distinct letters`);
  for (const l of out)
    if (!size.has(l))
      throw new BesselbookError(`einsum '${equation}': output label '${l}' is in no operand`);
  const outShape = [...out].map((l) => size.get(l)!);

  const inOut = (l: string) => out.includes(l);
  const sum = terms.map((t) =>
    [...t]
      .map((l, j) => [l, j] as const)
      .filter(([l]) => !inOut(l) && count(l) === 1)
      .map(([, j]) => j),
  );
  const kept = terms.map((t) => [...t].filter((l) => inOut(l) || count(l) === 2));

  if (terms.length === 1) {
    const k = kept[0];
    return {
      equation: eq,
      sum,
      perm: [],
      shape3: [],
      resultShape: k.map((l) => size.get(l)!),
      outPerm: [...out].map((l) => k.indexOf(l)),
      outShape,
    };
  }
  const [ka, kb] = kept;
  const batch = [...out].filter((l) => ka.includes(l) && kb.includes(l));
  const freeA = [...out].filter((l) => ka.includes(l) && !kb.includes(l));
  const freeB = [...out].filter((l) => kb.includes(l) && !ka.includes(l));
  const contract = ka.filter((l) => kb.includes(l) && !inOut(l));
  const dims = (ls: string[]) => ls.map((l) => size.get(l)!);
  const permA = [...batch, ...freeA, ...contract].map((l) => ka.indexOf(l));
  const permB = [...batch, ...contract, ...freeB].map((l) => kb.indexOf(l));
  const nb = prod(dims(batch)),
    nc = prod(dims(contract));
  const resultLabels = [...batch, ...freeA, ...freeB];
  return {
    equation: eq,
    sum,
    perm: [permA, permB],
    shape3: [
      [nb, prod(dims(freeA)), nc],
      [nb, nc, prod(dims(freeB))],
    ],
    resultShape: dims(resultLabels),
    outPerm: [...out].map((l) => resultLabels.indexOf(l)),
    outShape,
  };
}

/** The tensor algebra an einsum plan needs. */
export interface EinsumAlgebra<T> {
  shape(t: T): readonly number[];
  sum(t: T, axes: number[]): T;
  transpose(t: T, perm: number[]): T;
  reshape(t: T, shape: number[]): T;
  matmul(a: T, b: T): T;
  /** Called on intermediates that are no longer needed (no-op under tf.tidy). */
  free(t: T): void;
}

const isIdentity = (p: number[]) => p.every((v, i) => v === i);

/** Execute a plan. Inputs are never freed; intermediates are. */
export function runEinsum<T>(plan: EinsumPlan, xs: T[], alg: EinsumAlgebra<T>): T {
  const owned = new Set<T>();
  const step = (t: T, f: (t: T) => T): T => {
    const r = f(t);
    if (owned.has(t)) {
      alg.free(t);
      owned.delete(t);
    }
    owned.add(r);
    return r;
  };
  const prepped = xs.map((x, i) => {
    let t = x;
    if (plan.sum[i].length) t = step(t, (u) => alg.sum(u, plan.sum[i]));
    if (xs.length === 2) {
      if (!isIdentity(plan.perm[i])) t = step(t, (u) => alg.transpose(u, plan.perm[i]));
      t = step(t, (u) => alg.reshape(u, plan.shape3[i]));
    }
    return t;
  });
  let r: T;
  if (xs.length === 2) {
    r = alg.matmul(prepped[0], prepped[1]);
    for (const t of prepped) if (owned.has(t)) (alg.free(t), owned.delete(t));
    owned.add(r);
    r = step(r, (u) => alg.reshape(u, plan.resultShape));
  } else {
    r = prepped[0];
  }
  if (!isIdentity(plan.outPerm)) r = step(r, (u) => alg.transpose(u, plan.outPerm));
  if (!owned.has(r)) r = alg.reshape(r, plan.outShape); // the result must be a new handle, not an input
  return r;
}

/** The wasm Einsum kernel: same plan, executed with the backend's own kernels. */
export function einsumKernel(args: KernelArgs): TensorInfo {
  const { inputs, backend } = args;
  const equation = (args.attrs ?? {}).equation as string;
  // tfjs passes Einsum inputs as an array-like {0: t0, 1: t1}.
  const xs = Object.keys(inputs)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => inputs[k]);
  for (const x of xs)
    if (x.dtype !== "float32")
      throw new BesselbookError(`einsum on wasm: float32 operands only, got ${x.dtype}`);
  const plan = planEinsum(
    equation,
    xs.map((x) => x.shape),
  );
  const alg: EinsumAlgebra<TensorInfo> = {
    shape: (t) => t.shape,
    sum: (t, axes) => {
      const keep = t.shape.filter((_, i) => !axes.includes(i));
      // The wasm Sum kernel reduces innermost axes after its own transpose; reshape to drop them.
      const s = callKernel("Sum", backend, { x: t }, { axis: axes, keepDims: false });
      if (s.shape.join() === keep.join()) return s;
      const r = callKernel("Reshape", backend, { x: s }, { shape: keep });
      release(backend, s);
      return r;
    },
    transpose: (t, perm) => callKernel("Transpose", backend, { x: t }, { perm }),
    reshape: (t, shape) => callKernel("Reshape", backend, { x: t }, { shape }),
    matmul: (a, b) =>
      callKernel("BatchMatMul", backend, { a, b }, { transposeA: false, transposeB: false }),
    free: (t) => release(backend, t),
  };
  return runEinsum(plan, xs, alg);
}
