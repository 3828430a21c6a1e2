/**
 * Worker side of ./dataparallel: loads the wasm backend with besselbook's kernels (one thread),
 * builds the replica from workerData, then answers {id, weights, shard} with the shard's
 * gradients (transferred, not copied).
 */
import * as path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "../tf";
import * as tfwasm from "@tensorflow/tfjs-backend-wasm";
import { registerWasmKernels } from "./wasm";
import { Replica, ReplicaSource, resolveFactory, Shard, shardGradients } from "./dataparallel";

async function main(): Promise<void> {
  const port = parentPort!;
  let rep: Replica;
  try {
    tfwasm.setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep);
    if (!(await tf.setBackend("wasm")))
      throw new Error("wasm backend failed to initialise in the worker");
    registerWasmKernels();
    rep = await resolveFactory(workerData as ReplicaSource)((workerData as ReplicaSource).config);
  } catch (e) {
    port.postMessage({ error: (e as Error).message });
    return;
  }
  port.postMessage({ ready: true, sizes: rep.variables.map((v) => v.size) });
  port.on("message", (m: { id: number; weights: Float32Array[]; shard: Shard }) => {
    try {
      rep.variables.forEach((v, i) =>
        tf.tidy(() => v.assign(tf.tensor(m.weights[i], v.shape, "float32"))),
      );
      const r = shardGradients(rep, m.shard);
      port.postMessage(
        { id: m.id, loss: r.loss, grads: r.grads },
        r.grads.map((g) => g.buffer as ArrayBuffer),
      );
    } catch (e) {
      port.postMessage({ id: m.id, error: (e as Error).message });
    }
  });
}

void main();
