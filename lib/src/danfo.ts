/**
 * danfo.js for notebooks, loaded on first use.
 *
 * Why a function and not `import * as dfd from "danfojs"` in the notebook: danfojs 1.2 declares its
 * types only through a package.json `exports` map, which tslab's TypeScript (Node10 resolution)
 * cannot see, so the notebook import fails to type-check. The deep type path below is visible to
 * Node10 resolution, while the runtime `require("danfojs")` goes through the exports map as usual.
 * Loading is lazy because danfojs pulls in mathjs and plotly (~2–7 s here), which most cells never need.
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
