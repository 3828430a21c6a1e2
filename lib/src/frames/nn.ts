/**
 * Minimal seeded layers for the frame and TFN models: Dense and MLP with SiLU, parameters as
 * tf.Variables created from a besselbook Rng (tfjs initialisers have no global seed).
 */
import * as tf from "../tf";
import { ShapeError, domainError } from "../errors";
import { Rng } from "../tensor/rng";

/** Glorot-uniform matrix [fanIn, fanOut] times `gain`. */
export function glorot(fanIn: number, fanOut: number, r: Rng, gain = 1): Float32Array {
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  const w = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < w.length; i++) w[i] = (2 * r.uniform() - 1) * a;
  return w;
}

export class Dense {
  readonly w: tf.Variable;
  readonly b?: tf.Variable;
  constructor(
    r: Rng,
    readonly fanIn: number,
    readonly fanOut: number,
    opts: { bias?: boolean; gain?: number; name?: string } = {},
  ) {
    if (!(Number.isInteger(fanIn) && fanIn >= 1))
      domainError("Dense", "fanIn", fanIn, "an integer ≥ 1");
    if (!(Number.isInteger(fanOut) && fanOut >= 1))
      domainError("Dense", "fanOut", fanOut, "an integer ≥ 1");
    this.w = tf.variable(
      tf.tensor2d(glorot(fanIn, fanOut, r, opts.gain ?? 1), [fanIn, fanOut]),
      true,
    );
    if (opts.bias ?? true) this.b = tf.variable(tf.zeros([fanOut]), true);
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    if (x.shape[1] !== this.fanIn)
      throw new ShapeError("Dense input", `[n, ${this.fanIn}]`, x.shape);
    const y = tf.matMul(x, this.w);
    return (this.b ? tf.add(y, this.b) : y) as tf.Tensor2D;
  }
  get variables(): tf.Variable[] {
    return this.b ? [this.w, this.b] : [this.w];
  }
}

export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** Dense → SiLU → … → Dense (no activation after the last layer). */
export class MLP {
  readonly layers: Dense[];
  constructor(r: Rng, sizes: number[], opts: { lastGain?: number } = {}) {
    if (sizes.length < 2) throw new ShapeError("MLP sizes", "at least [in, out]", [sizes.length]);
    this.layers = sizes
      .slice(1)
      .map(
        (s, k) =>
          new Dense(r, sizes[k], s, { gain: k === sizes.length - 2 ? (opts.lastGain ?? 1) : 1 }),
      );
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    this.layers.forEach((l, k) => {
      h = l.apply(h);
      if (k < this.layers.length - 1) h = silu(h) as tf.Tensor2D;
    });
    return h;
  }
  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }
}

export function countParams(vars: tf.Variable[]): number {
  return vars.reduce((s, v) => s + v.size, 0);
}
