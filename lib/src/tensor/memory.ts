/**
 * Tensor bookkeeping for memory checks (tests, notebook checks): how many tfjs tensors a piece of
 * code leaves alive. The one home for the count that tests and notebooks used to write inline.
 */
import * as tf from "../tf";

/** Run `fn` and return how many tensors it left alive (`tf.memory().numTensors` after − before). */
export function tensorLeak(fn: () => void): number {
  const before = tf.memory().numTensors;
  fn();
  return tf.memory().numTensors - before;
}

/** `tensorLeak` for async code (a training loop, a backend switch). */
export async function tensorLeakAsync(fn: () => Promise<unknown>): Promise<number> {
  const before = tf.memory().numTensors;
  await fn();
  return tf.memory().numTensors - before;
}
