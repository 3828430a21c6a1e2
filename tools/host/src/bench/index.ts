/**
 * `npm run bench [-- name…]` — every benchmark prints its own baseline measured in the same run and
 * the ratios against it. Names: runner, kernel, training, special, bcnn, info, frames, seeds,
 * trainers.
 */
type Bench = { name: string; load: () => Promise<{ run: () => Promise<void> }> };

const benches: Bench[] = [
  { name: "runner", load: () => import("./runner") },
  { name: "kernel", load: () => import("./kernel") },
  { name: "training", load: () => import("./training") },
  { name: "special", load: () => import("./special") },
  { name: "bcnn", load: () => import("./bcnn") },
  { name: "info", load: () => import("./info") },
  { name: "frames", load: () => import("./frames") },
  { name: "seeds", load: () => import("./seeds") },
  { name: "trainers", load: () => import("./trainers") },
];

export async function main(argv: string[]): Promise<void> {
  const wanted = argv.filter((a) => !a.startsWith("-"));
  const unknown = wanted.filter((w) => !benches.some((b) => b.name === w));
  if (unknown.length)
    throw new Error(
      `unknown benchmark ${unknown.join(", ")}; expected one of ${benches.map((b) => b.name).join(", ")}`,
    );
  for (const b of benches) {
    if (wanted.length && !wanted.includes(b.name)) continue;
    console.log(`\n=== bench: ${b.name} ===`);
    const t0 = Date.now();
    await (await b.load()).run();
    console.log(`(${b.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
