/**
 * "Opens in JupyterLab", as close as this machine allows: JupyterLab itself cannot be installed
 * here (no Python package index), but its output renderers are npm packages. This test bundles
 * @jupyterlab/rendermime (standard renderers) + @jupyterlab/vega5-extension (vega-lite v5) with
 * esbuild (tools/jupyterlab-render/entry.js), loads them in headless Chromium (Debian's chromium
 * via playwright-core) and renders EVERY saved output of EVERY notebook the way JupyterLab's output
 * area does — trusted (a notebook you ran) and untrusted (one opened from disk) — with no console
 * errors. It also drives one slider chart (plot.slider) and one tooltip, and saves screenshots
 * under .besselbook/jupyterlab-screenshots/.
 *
 * Needs: chromium (apt-get install chromium) and the renderer packages
 * (npm ci --prefix tools/jupyterlab-render); skipped with a message when either is missing.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { plot, chartBundle } from "besselbook";
import { listNotebooks } from "besselbook-host/dist/book";

const ROOT = path.resolve(__dirname, "..", "..");
const TOOLS = path.join(ROOT, "tools", "jupyterlab-render");
const OUT = path.join(ROOT, ".besselbook", "jupyterlab-render");
const SHOTS = path.join(ROOT, ".besselbook", "jupyterlab-screenshots");
const CHROMIUM = process.env.BESSELBOOK_CHROMIUM ?? "/usr/bin/chromium";

interface Rendered {
  mime: string | null;
  width: number;
  height: number;
  svg: number;
  canvas: number;
  img: number;
  bindings: number;
}
type Output = {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
  name?: string;
};

function outputsOf(file: string): { cell: number; output: Output }[] {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as {
    cells: { cell_type: string; outputs?: Output[] }[];
  };
  const out: { cell: number; output: Output }[] = [];
  nb.cells.forEach((c, i) =>
    (c.outputs ?? []).forEach((o) => out.push({ cell: i + 1, output: o })),
  );
  return out;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><style>
body { font-family: sans-serif; margin: 8px; width: 1000px; } .jlab-output { margin: 4px 0; border-left: 3px solid #ddd; padding-left: 6px; }
</style></head><body><div id="host"></div></body></html>`;

describe("JupyterLab's own renderers (rendermime + vega5-extension) in headless Chromium", function () {
  this.timeout(600_000);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let browser: any;
  let bundle = "";
  const notebooks = listNotebooks(path.join(ROOT, "notebooks"));

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.log(
        `      skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set BESSELBOOK_CHROMIUM)`,
      );
      this.skip();
    }
    if (!fs.existsSync(path.join(TOOLS, "node_modules", "@jupyterlab", "vega5-extension"))) {
      console.log(
        "      skipped: JupyterLab's renderer packages are not installed (npm ci --prefix tools/jupyterlab-render)",
      );
      this.skip();
    }
    fs.mkdirSync(OUT, { recursive: true });
    fs.mkdirSync(SHOTS, { recursive: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require(require.resolve("esbuild", { paths: [TOOLS] })) as {
      build(o: object): Promise<unknown>;
    };
    const outfile = path.join(OUT, "bundle.js");
    await esbuild.build({
      entryPoints: [path.join(TOOLS, "entry.js")],
      bundle: true,
      format: "iife",
      platform: "browser",
      outfile,
      logLevel: "error",
      nodePaths: [path.join(TOOLS, "node_modules")],
      loader: {
        ".svg": "text",
        ".css": "empty",
        ".woff": "empty",
        ".woff2": "empty",
        ".ttf": "empty",
      },
    });
    bundle = fs.readFileSync(outfile, "utf8");
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });

  after(async () => {
    await browser?.close();
  });

  /** A fresh page with the renderers loaded; collects console errors and uncaught exceptions. */
  async function newPage(errors: string[]) {
    const page = await browser.newPage({ viewport: { width: 1040, height: 900 } });
    page.on("console", (m: { type(): string; text(): string }) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e: Error) => errors.push(`uncaught: ${e.message}`));
    await page.setContent(PAGE);
    await page.addScriptTag({ content: bundle });
    return page;
  }

  it("renders every saved output of every notebook (trusted and untrusted), with no console errors", async function () {
    assert.ok(notebooks.length > 0);
    const summary: string[] = [];
    let charts = 0;
    for (const file of notebooks) {
      const stem = path.basename(file, ".ipynb");
      const outs = outputsOf(file);
      const errors: string[] = [];
      const page = await newPage(errors);
      for (const trusted of [true, false]) {
        // Runs in the page (no DOM types here: the tests compile for Node).
        const results = (await page.evaluate(
          async ([list, tr]: [Output[], boolean]) => {
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            const g = globalThis as any;
            const host = g.document.getElementById("host");
            host.textContent = "";
            const res: Rendered[] = [];
            for (const o of list) res.push(await g.jlabRender.render(o, host, tr));
            return res;
          },
          [outs.map((o) => o.output), trusted],
        )) as Rendered[];
        results.forEach((r, i) => {
          const o = outs[i]!.output;
          const where = `${stem} cell ${outs[i]!.cell} (${trusted ? "trusted" : "untrusted"}, ${o.output_type})`;
          assert.ok(r.mime, `${where}: no renderer for ${Object.keys(o.data ?? {}).join(", ")}`);
          const empty =
            o.output_type === "stream" &&
            (Array.isArray(o.text) ? o.text.join("") : (o.text ?? "")).trim() === "";
          if (!empty)
            assert.ok(r.height > 0 && r.width > 0, `${where}: rendered ${r.mime} has no size`);
          if (o.data && "application/vnd.vegalite.v5+json" in o.data) {
            assert.equal(
              r.mime,
              "application/vnd.vegalite.v5+json",
              `${where}: JupyterLab picks the live chart`,
            );
            assert.ok(r.canvas + r.svg > 0, `${where}: vega drew nothing`);
            if (trusted) charts++;
          } else if (o.data && "image/png" in o.data && !("text/html" in o.data)) {
            assert.ok(r.img > 0, `${where}: PNG not shown`);
          }
        });
        if (trusted && ["00_tour", "05_bessel_cnn", "08_information_lower_bounds"].includes(stem)) {
          const shot = path.join(SHOTS, `${stem}.png`);
          await page.screenshot({ path: shot, fullPage: false });
          summary.push(`screenshot ${path.relative(ROOT, shot)}`);
        }
      }
      await page.close();
      assert.deepEqual(errors, [], `${stem}: console errors`);
      summary.push(`${stem}: ${outs.length} outputs`);
    }
    console.log(`      ${summary.join("; ")}; ${charts} live charts`);
  });

  it("saved SVG is as wide as the live chart (text measured with the shipped DejaVu Sans, as the browser does)", async function () {
    // Needs DejaVu Sans as a system font in the browser; Debian's chromium pulls in
    // fonts-dejavu-core.
    if (!["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"].some((f) => fs.existsSync(f))) {
      console.log(
        "      skipped: DejaVu Sans is not a system font here, so the browser would measure another font",
      );
      this.skip();
    }
    const specs = {
      legend: plot.line({
        x: [0, 1, 2],
        y: { "a long series name number one": [1, 2, 3], "second series": [2, 3, 1] },
        title: "Legend width check",
        yTitle: "accuracy (%)",
      }),
      bars: plot.bar({
        labels: ["von Mises", "wrapped Cauchy", "uniform"],
        values: { fano: [0.1, 0.2, 0.3], packing: [0.2, 0.1, 0.4] },
        title: "Grouped bars",
      }),
      wide: plot.scatter({
        x: [1e-6, 2e-6],
        y: [123456, 654321],
        color: ["alpha", "beta"],
        colorTitle: "group",
        xTitle: "tiny x values",
        yTitle: "large y values",
      }),
    };
    const errors: string[] = [];
    const page = await newPage(errors);
    const lines: string[] = [];
    for (const [name, spec] of Object.entries(specs)) {
      const svgWidth = Number(/<svg[^>]*\swidth="([0-9.]+)"/.exec(plot.toSvgSync(spec))![1]);
      const { data, metadata } = chartBundle(spec);
      const live = (await page.evaluate(
        async ([d, m]: [Record<string, unknown>, Record<string, unknown>]) => {
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          const g = globalThis as any;
          const host = g.document.getElementById("host");
          host.textContent = "";
          await g.jlabRender.render(
            { output_type: "display_data", data: d, metadata: m },
            host,
            true,
          );
          const c = host.querySelector("canvas");
          return c ? c.getBoundingClientRect().width : -1;
        },
        [data, metadata],
      )) as number;
      lines.push(`${name}: SVG ${svgWidth} px, live ${live.toFixed(0)} px`);
      assert.ok(
        Math.abs(svgWidth - live) <= Math.max(2, 0.01 * live),
        `${name}: saved SVG ${svgWidth} px vs live chart ${live} px (> 1% apart)`,
      );
    }
    await page.close();
    assert.deepEqual(errors, []);
    console.log(`      ${lines.join("; ")}`);
  });

  it("a plot.slider chart responds: moving its bound slider redraws the chart; a tooltip shows values on hover", async () => {
    const th = Array.from({ length: 91 }, (_, i) => -Math.PI + (2 * Math.PI * i) / 90);
    const ks = [1, 2, 3, 4];
    const frames = ks.map((k) =>
      plot.line({ x: th, y: { density: th.map((t) => Math.exp(k * Math.cos(t))) }, xTitle: "θ" }),
    );
    const spec = plot.slider(frames, { values: ks, label: "κ" });
    const { data, metadata } = chartBundle(spec);
    const bar = chartBundle(
      plot.bar({ labels: ["only"], values: [3], yTitle: "value", width: 300, height: 300 }),
    );
    const errors: string[] = [];
    const page = await newPage(errors);
    const r = (await page.evaluate(
      async ([d, m]: [Record<string, unknown>, Record<string, unknown>]) => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const g = globalThis as any;
        return g.jlabRender.render(
          { output_type: "display_data", data: d, metadata: m },
          g.document.getElementById("host"),
          true,
        );
      },
      [data, metadata],
    )) as Rendered;
    assert.equal(r.mime, "application/vnd.vegalite.v5+json");
    assert.equal(r.bindings, 1, "one bound input under the chart");
    const chart = page.locator(".jlab-output").first();
    const before = await chart.screenshot({ path: path.join(SHOTS, "slider-k1.png") });
    const input = page.locator(".vega-bindings input[type=range]");
    await input.fill("4");
    await input.dispatchEvent("input");
    await page.waitForTimeout(300);
    const after = await chart.screenshot({ path: path.join(SHOTS, "slider-k4.png") });
    assert.notDeepEqual(
      Buffer.from(after),
      Buffer.from(before),
      "the chart changed when the slider moved",
    );
    assert.equal(
      await page
        .locator(".vega-bindings .vega-bind-name")
        .first()
        .textContent()
        .then((t: string) => t.trim()),
      "κ",
    );

    // Tooltip: one bar filling the plot; hovering its middle shows vega-tooltip's box with the
    // value.
    await page.evaluate(
      async ([d, m]: [Record<string, unknown>, Record<string, unknown>]) => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const g = globalThis as any;
        const host = g.document.getElementById("host");
        host.textContent = "";
        await g.jlabRender.render(
          { output_type: "display_data", data: d, metadata: m },
          host,
          true,
        );
      },
      [bar.data, bar.metadata],
    );
    const canvas = page.locator(".jlab-output canvas").first();
    const box = await canvas.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.7);
    await page.waitForTimeout(300);
    await page.mouse.move(box.x + box.width / 2 + 2, box.y + box.height * 0.7 + 2);
    const tip = page.locator("#vg-tooltip-element");
    await tip.waitFor({ state: "visible", timeout: 5000 });
    const text = (await tip.textContent()) ?? "";
    assert.match(text, /value\s*3/, `tooltip text: ${text}`);
    await page.screenshot({ path: path.join(SHOTS, "tooltip.png") });
    await page.close();
    assert.deepEqual(errors, []);
    console.log(
      `      screenshots: ${path.relative(ROOT, SHOTS)}/slider-k1.png, slider-k4.png, tooltip.png`,
    );
  });
});
