/**
 * Kernel memory stays cut (issue #18.7; environment.md, "Kernel memory").
 *
 * A real kernel (the project's kernelspec, as JupyterLab starts it) runs a typical notebook's
 * setup — `import … from "besselbook"`, `await init()`, a first `show(chart)` — and after a
 * forced full GC its live V8 heap must stay below HEAP_BOUND_MB. The negative control is the
 * configuration before the cut, reproduced in the same way: without the "types-node" kernel patch
 * and with a cell that imports the umbrella package `@tensorflow/tfjs` (its JavaScript and its
 * declarations, which every cell is then type-checked against, as when besselbook's own modules
 * imported it); that kernel must end above the bound.
 *
 * Why live heap and not RSS: after two forced GCs the live heap depends on what was loaded and
 * compiled, not on machine load; RSS also holds the young generation, allocator slack and
 * zeromq's buffers, which moved by ±10 MB between identical runs at load 6–14. RSS is printed.
 *
 * The bound (ours), from the live heap at the "show(chart)" step (environment.md, "Kernel memory";
 * alternating runs at load 6–13): current configuration 133–134 MB in every run, the checkout
 * before the cut 151–152 MB, this test's control 149–150 MB. 141 MB sits midway between 133 and
 * 149: 8 MB from each, where runs of one configuration differed by at most 1 MB.
 */
import { strict as assert } from "node:assert";
import { kernelMemory, TYPICAL_STEPS } from "besselbook-host/dist/bench/memory";

const HEAP_BOUND_MB = 141;
const STEPS = TYPICAL_STEPS.slice(0, 4); // bare kernel, import, init, first chart (not danfo)
const UMBRELLA = 'import * as tfu from "@tensorflow/tfjs"; let keepTfjs: typeof tfu | undefined;';

describe("kernel memory: a typical notebook's setup", function () {
  this.timeout(600000);

  it(`ends below ${HEAP_BOUND_MB} MB of live heap; the pre-cut configuration ends above it`, async () => {
    const now = await kernelMemory(STEPS);
    const before = await kernelMemory([UMBRELLA, ...STEPS], {
      env: { BESSELBOOK_TSLAB_SKIP: "types-node" },
    });
    const a = now[now.length - 1]!;
    const b = before[before.length - 1]!;
    console.log(
      `      current: heap ${a.heap_MB} MB, RSS ${a.rss_MB} MB; pre-cut control: heap ${b.heap_MB} MB, RSS ${b.rss_MB} MB`,
    );
    assert.ok(
      a.heap_MB < HEAP_BOUND_MB,
      `live heap ${a.heap_MB} MB ≥ ${HEAP_BOUND_MB} MB after import + init + chart`,
    );
    assert.ok(
      b.heap_MB > HEAP_BOUND_MB,
      `control (umbrella tfjs, no types-node patch) ${b.heap_MB} MB ≤ bound: the test cannot tell them apart`,
    );
    // What the cut is made of: the umbrella and its converter/data/webgl packages are not loaded.
    assert.ok(a.modules < b.modules, `modules ${a.modules} vs control ${b.modules}`);
  });
});
