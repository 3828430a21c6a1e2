/**
 * danfo.js for notebooks, loaded on first use.
 *
 * Written when tslab's TypeScript (Node10 resolution) could not see danfojs 1.2's types, which are
 * declared only through a package.json `exports` map. The kernel now resolves them (the "bundler"
 * patch, runner/tslab-patch.ts), so notebooks write `import * as dfd from "danfojs"` in the cell
 * that first needs it; measured, danfo() buys no load time over that (environment.md, Pins).
 * Kept for existing code. The deep type path below is visible to Node10 resolution (tsc for lib);
 * the runtime `require("danfojs")` goes through the exports map as usual.
 */
import type * as Danfo from "danfojs/dist/danfojs-browser/src/index";

export type DanfoModule = typeof Danfo;

let cached: DanfoModule | undefined;

/** The danfojs module: `const dfd = danfo(); show(new dfd.DataFrame({ a: [1, 2] }));` */
export function danfo(): DanfoModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cached ??= require("danfojs") as DanfoModule;
  return cached;
}
