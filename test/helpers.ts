/**
 * Test helpers shared by the unit tests (one copy each; issue #21): scalar tolerance checks,
 * typed-error predicates for `assert.throws`, the no-leaked-tensors check built on the library's
 * `tensor.tensorLeak`, and running code on a given tfjs backend with the previous backend restored
 * afterwards (also when the code throws).
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { tensor, DomainError, ShapeError } from "besselbook";

/** |a − b| ≤ tol, else an assertion naming `what`, both values and the difference. */
export function close(a: number, b: number, tol: number, what = ""): void {
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (|diff| ${Math.abs(a - b)} > ${tol})`);
}

/** |a − b| ≤ tol · max(1, |b|): relative for large values, absolute near zero. */
export function closeRel(a: number, b: number, tol: number, what = ""): void {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

/** A predicate for `assert.throws`: a DomainError whose message matches `re`. */
export const isDomainError = (re: RegExp) => (e: unknown) =>
  e instanceof DomainError && re.test((e as Error).message);

/** A predicate for `assert.throws`: a ShapeError whose message matches `re`. */
export const isShapeError = (re: RegExp) => (e: unknown) =>
  e instanceof ShapeError && re.test((e as Error).message);

/**
 * Run `fn`; fail unless it leaves exactly `expected` (default 0) more tensors alive. Returns the
 * count.
 */
export function expectNoLeakedTensors(fn: () => void, what = "", expected = 0): number {
  const leaked = tensor.tensorLeak(fn);
  assert.equal(leaked, expected, `${what}: ${leaked} tensor(s) left alive, expected ${expected}`);
  return leaked;
}

/** `expectNoLeakedTensors` for async code. */
export async function expectNoLeakedTensorsAsync(
  fn: () => Promise<unknown>,
  what = "",
  expected = 0,
): Promise<number> {
  const leaked = await tensor.tensorLeakAsync(fn);
  assert.equal(leaked, expected, `${what}: ${leaked} tensor(s) left alive, expected ${expected}`);
  return leaked;
}

/**
 * Run `fn` on tfjs backend `name`, then leave backend `after` active (default: the one active
 * before), also when `fn` throws.
 */
export async function withBackend<T>(
  name: string,
  fn: () => T | Promise<T>,
  after?: string,
): Promise<T> {
  const previous = after ?? tf.getBackend();
  assert.ok(await tf.setBackend(name), `tfjs backend ${name} should initialise`);
  try {
    return await fn();
  } finally {
    if (previous && tf.getBackend() !== previous) await tf.setBackend(previous);
  }
}

/**
 * `fn` run once per backend (in the order given); results keyed by backend name. Afterwards backend
 * `after` is active (default: the one active before). Test files whose later tests assume wasm pass
 * `after: "wasm"`: in one mocha process another file may have left "cpu" active.
 */
export async function onBackends<T>(
  names: readonly string[],
  fn: (backend: string) => T | Promise<T>,
  after?: string,
): Promise<Record<string, T>> {
  const out: Record<string, T> = {};
  const end = after ?? tf.getBackend();
  for (const name of names) out[name] = await withBackend(name, () => fn(name), end);
  return out;
}
