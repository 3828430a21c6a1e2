/**
 * The chained tensor ops (`x.matMul(w).add(b)`, `x.toFloat()`), registered on tfjs-core's
 * Tensor class without loading the umbrella package `@tensorflow/tfjs` (see ../tf.ts for why).
 *
 * tfjs-core declares these methods (dist/public/chained_ops/*.d.ts) but defines them only in ES
 * modules Node's `require` cannot load; the umbrella package carries its own bundled copy. Each
 * method here checks the tensor is not disposed and calls the tfjs-core op of the same meaning
 * with the tensor as first argument and the caller's arguments after it, up to the method's
 * declared arity — the behaviour of tfjs 4.22's chained ops, read from their sources (the table
 * and the special cases below are ours; test/chained.test.ts compares the table with tfjs-core's
 * chained_ops sources, so a tfjs upgrade that adds or changes one fails there).
 */
import * as tfc from "@tensorflow/tfjs-core";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;

/**
 * Methods that call the tfjs-core op of the same name as `op(this, a1, …, aN)`, grouped by N
 * (the number of arguments the method passes on).
 */
export const CHAINED_BY_ARITY: Readonly<Record<number, readonly string[]>> = {
  0: [
    "abs",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "ceil",
    "cos",
    "cosh",
    "elu",
    "erf",
    "exp",
    "expm1",
    "fft",
    "floor",
    "ifft",
    "irfft",
    "isFinite",
    "isInf",
    "isNaN",
    "log",
    "log1p",
    "logSigmoid",
    "logicalNot",
    "neg",
    "onesLike",
    "reciprocal",
    "relu",
    "relu6",
    "rfft",
    "round",
    "rsqrt",
    "selu",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "softplus",
    "sqrt",
    "square",
    "tan",
    "tanh",
    "zerosLike",
  ],
  1: [
    "add",
    "argMax",
    "argMin",
    "atan2",
    "broadcastTo",
    "cast",
    "div",
    "divNoNan",
    "dot",
    "equal",
    "expandDims",
    "floorDiv",
    "greater",
    "greaterEqual",
    "leakyRelu",
    "less",
    "lessEqual",
    "logSoftmax",
    "logicalAnd",
    "logicalOr",
    "logicalXor",
    "maximum",
    "minimum",
    "mod",
    "mul",
    "notEqual",
    "pow",
    "prelu",
    "reshape",
    "reverse",
    "softmax",
    "squaredDifference",
    "squeeze",
    "step",
    "sub",
    "tile",
    "transpose",
    "unique",
    "unstack",
  ],
  2: [
    "all",
    "any",
    "batchToSpaceND",
    "clipByValue",
    "depthToSpace",
    "euclideanNorm",
    "logSumExp",
    "max",
    "mean",
    "min",
    "mirrorPad",
    "pad",
    "prod",
    "slice",
    "spaceToBatchND",
    "split",
    "sum",
    "topk",
    "unsortedSegmentSum",
  ],
  3: ["cumprod", "cumsum", "gather", "matMul", "norm", "resizeBilinear", "resizeNearestNeighbor"],
  4: ["avgPool", "localResponseNormalization", "maxPool"],
  5: ["batchNorm", "conv2dTranspose", "dilation2d"],
  6: ["conv1d", "conv2d", "depthwiseConv2d", "pool", "separableConv2d"],
  8: ["stridedSlice"],
};

/** Chained ops whose tfjs-core op lives in the `image` namespace, not at the top level. */
const IMAGE_OPS: ReadonlySet<string> = new Set(["resizeBilinear", "resizeNearestNeighbor"]);

function reshapeTo(t: tfc.Tensor, shape: number[]): tfc.Tensor {
  return tfc.reshape(t, shape);
}

/** The methods that do something other than `op(this, …args)` (as tfjs 4.22's do). */
export const CHAINED_SPECIAL: Readonly<
  Record<string, (this: tfc.Tensor, ...args: never[]) => unknown>
> = {
  asType(this: tfc.Tensor, dtype: tfc.DataType) {
    return tfc.cast(this, dtype);
  },
  toBool(this: tfc.Tensor) {
    return tfc.cast(this, "bool");
  },
  toFloat(this: tfc.Tensor) {
    return tfc.cast(this, "float32");
  },
  toInt(this: tfc.Tensor) {
    return tfc.cast(this, "int32");
  },
  flatten(this: tfc.Tensor) {
    return reshapeTo(this, [this.size]);
  },
  as1D(this: tfc.Tensor) {
    return reshapeTo(this, [this.size]);
  },
  as2D(this: tfc.Tensor, a: number, b: number) {
    return reshapeTo(this, [a, b]);
  },
  as3D(this: tfc.Tensor, a: number, b: number, c: number) {
    return reshapeTo(this, [a, b, c]);
  },
  as4D(this: tfc.Tensor, a: number, b: number, c: number, d: number) {
    return reshapeTo(this, [a, b, c, d]);
  },
  as5D(this: tfc.Tensor, a: number, b: number, c: number, d: number, e: number) {
    return reshapeTo(this, [a, b, c, d, e]);
  },
  asScalar(this: tfc.Tensor) {
    tfc.util.assert(this.size === 1, () => "The array must have only 1 element.");
    return reshapeTo(this, []);
  },
  reshapeAs(this: tfc.Tensor, x: tfc.Tensor) {
    return reshapeTo(this, x.shape);
  },
  concat(this: tfc.Tensor, x: tfc.Tensor | tfc.Tensor[], axis?: number) {
    return tfc.concat([this, ...(x instanceof tfc.Tensor ? [x] : x)], axis);
  },
  stack(this: tfc.Tensor, x: tfc.Tensor | tfc.Tensor[], axis?: number) {
    return tfc.stack(x instanceof tfc.Tensor ? [this, x] : [this, ...x], axis);
  },
  oneHot(this: tfc.Tensor, depth: number, onValue = 1, offValue = 0) {
    return tfc.oneHot(this as tfc.Tensor1D, depth, onValue, offValue);
  },
  where(this: tfc.Tensor, condition: tfc.Tensor, x: tfc.Tensor) {
    return tfc.where(condition, this, x);
  },
};

/** Every chained method name registered by registerChainedOps(). */
export function chainedOpNames(): string[] {
  return [...Object.values(CHAINED_BY_ARITY).flat(), ...Object.keys(CHAINED_SPECIAL)].sort();
}

/**
 * besselbook's implementation of the chained method `name` (what registerChainedOps puts on
 * Tensor.prototype), or undefined for a name that is not a chained op. Exposed so tests can
 * call ours even where the umbrella package has replaced them with its own.
 */
export function chainedImpl(name: string): AnyFn | undefined {
  const special = (CHAINED_SPECIAL as Record<string, AnyFn>)[name];
  if (special) {
    return function (this: tfc.Tensor, ...args: unknown[]) {
      this.throwIfDisposed();
      return special.apply(this, args);
    };
  }
  const entry = Object.entries(CHAINED_BY_ARITY).find(([, names]) => names.includes(name));
  if (!entry) return undefined;
  const n = Number(entry[0]);
  const ops = (IMAGE_OPS.has(name) ? tfc.image : tfc) as unknown as Record<string, AnyFn>;
  const op = ops[name];
  if (typeof op !== "function") throw new Error(`registerChainedOps: tfjs-core has no op ${name}`);
  return function (this: tfc.Tensor, ...args: unknown[]) {
    this.throwIfDisposed();
    // Exactly n arguments after the tensor, as tfjs's fixed-parameter methods pass them.
    const passed: unknown[] = [this];
    for (let i = 0; i < n; i++) passed.push(args[i]);
    return op(...passed);
  };
}

let done = false;

/**
 * Define the chained ops on tfjs-core's Tensor.prototype (idempotent). Methods already present
 * are left alone (the umbrella package, if something loaded it first, defines the same ones; if
 * it is loaded later, it replaces these with its own).
 */
export function registerChainedOps(): void {
  if (done) return;
  done = true;
  const proto = tfc.Tensor.prototype as unknown as Record<string, AnyFn>;
  for (const name of chainedOpNames()) {
    if (typeof proto[name] !== "function") proto[name] = chainedImpl(name)!;
  }
}
