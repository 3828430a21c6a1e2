/**
 * The static HTML book: rendering units (math, links, outputs), a full build from notebooks/, and a
 * real-browser check (Debian's chromium driven by playwright-core) that math rendered, a chart
 * drew, the console stayed clean and no request left localhost.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import {
  buildSite,
  listNotebooks,
  mathtoolsCompat,
  newMathContext,
  pageTitle,
  renderMath,
  renderNotebookPage,
  SiteReport,
} from "besselbook-host/dist/book";
import {
  plot,
  chartBundle,
  notebook as setNotebook,
  resetSession,
  show,
  useDisplayWriter,
} from "besselbook";
import type { Notebook } from "besselbook-host/dist/runner/notebook";

const ROOT = path.resolve(__dirname, "..", "..");
const NOTEBOOKS = path.join(ROOT, "notebooks");
const SITE = path.join(ROOT, ".besselbook", "book-test", "site");
const SHOTS = path.join(ROOT, ".besselbook", "book-screenshots");
const CHROMIUM = process.env.BESSELBOOK_CHROMIUM ?? "/usr/bin/chromium";

const nb = (cells: Notebook["cells"]): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells,
});

describe("book: rendering", () => {
  it("renders $…$ and $$…$$ with KaTeX, leaves \\$, code spans and prices alone", () => {
    const page = renderNotebookPage(
      nb([
        {
          cell_type: "markdown",
          id: "m1",
          metadata: {},
          source:
            "# Title\n\nInline $J_\\nu(x)$, costs \\$5, between $5 and $10 dollars, code `${a}$`.\n\n$$\n\\int_0^1 x\\,dx = \\tfrac12\n$$\n\nafter",
        },
      ]),
      "t",
    );
    assert.equal(page.info.math, 2, "two formulas");
    assert.deepEqual(page.info.mathProblems, []);
    assert.match(page.html, /class="katex"/);
    assert.match(page.html, /<div class="math-display"><span class="katex-display">/);
    assert.match(page.html, /<code>\$\{a\}\$<\/code>/, "code span untouched");
    assert.match(
      page.html,
      /costs \$5, between \$5 and \$10 dollars/,
      "escaped and price-like dollars stay text",
    );
    assert.equal(page.info.title, "Title");
  });

  it("reports a formula KaTeX cannot parse and shows its TeX instead of failing the build", () => {
    const ctx = newMathContext();
    const html = renderMath("\\frac{1}{", false, ctx);
    assert.equal(ctx.problems.length, 1);
    assert.match(html, /class="math-error"/);
    // mathtools' psmallmatrix (MathJax knows it, KaTeX doesn't) is rewritten, not reported.
    assert.equal(
      mathtoolsCompat("\\begin{psmallmatrix}1\\end{psmallmatrix}"),
      "\\left(\\begin{smallmatrix}1\\end{smallmatrix}\\right)",
    );
    renderMath("\\begin{psmallmatrix}1&0\\\\0&1\\end{psmallmatrix}", false, ctx);
    assert.equal(ctx.problems.length, 1);
  });

  it("rewrites notebook links to pages, folds solutions, renders outputs by MIME type", () => {
    const spec = {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      mark: "point",
      data: { values: [{ x: 1 }] },
      encoding: { x: { field: "x", type: "quantitative" } },
    };
    const page = renderNotebookPage(
      nb([
        {
          cell_type: "markdown",
          id: "m",
          metadata: {},
          source: "See [next](02_next.ipynb#part-2) and [web](https://example.org/a.ipynb).",
        },
        {
          cell_type: "code",
          id: "c1",
          metadata: {},
          source: "show(chart)",
          execution_count: 3,
          outputs: [
            { output_type: "stream", name: "stdout", text: "<b>not bold</b>\n" },
            {
              output_type: "display_data",
              metadata: {},
              data: {
                "application/vnd.vegalite.v5+json": spec,
                "image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg'/>",
                "text/plain": "<chart>",
              },
            },
            {
              output_type: "display_data",
              metadata: {},
              data: { "text/html": "<table><tr><td>1</td></tr></table>", "text/plain": "1" },
            },
            {
              output_type: "error",
              ename: "CheckError",
              evalue: "✗ x",
              traceback: ["\u001b[31mstack\u001b[0m"],
            },
          ],
        },
        {
          cell_type: "code",
          id: "c2",
          metadata: { tags: ["solution"] },
          source: "const answer = 42;",
          execution_count: 4,
          outputs: [],
        },
      ]),
      "t",
    );
    const { html, info } = page;
    assert.match(html, /href="02_next\.html#part-2"/);
    assert.match(
      html,
      /href="https:\/\/example\.org\/a\.ipynb"/,
      "external links are not rewritten",
    );
    assert.match(html, /&lt;b&gt;not bold&lt;\/b&gt;/, "stream text is escaped");
    assert.match(html, /<script type="application\/json" class="vega-spec">\{"\$schema"/);
    assert.match(
      html,
      /<img class="chart-fallback" alt="&lt;chart&gt;" src="data:image\/svg\+xml;base64,/,
    );
    assert.match(html, /<div class="output html"><table>/);
    assert.match(
      html,
      /<pre class="output error">CheckError: ✗ x\nstack<\/pre>/,
      "ANSI codes stripped",
    );
    assert.match(html, /<details><summary>Solution<\/summary>.*const.*answer/s);
    assert.match(
      html,
      /<span class="hljs-keyword">const<\/span>/,
      "code is highlighted at build time",
    );
    assert.match(html, /\[3\]:/);
    assert.equal(info.charts, 1);
    assert.ok(info.executed);
  });
});

describe("book: titles and PNG-only charts (issue #18)", () => {
  const nb = (heading: string): Notebook => ({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{ cell_type: "markdown", id: "t", metadata: {}, source: `# ${heading}\n\nText.` }],
  });
  it("every page title is numbered 'NN · …' from the file name, never twice", () => {
    assert.equal(
      pageTitle(nb("The modality gap, in theory"), "02_modality_gap_theory"),
      "02 · The modality gap, in theory",
    );
    assert.equal(pageTitle(nb("06 · Local frames"), "06_local_frames"), "06 · Local frames");
    assert.equal(pageTitle(nb("5. Bessel-CNNs"), "05_bessel_cnn"), "05 · Bessel-CNNs");
    assert.equal(
      pageTitle(nb("2D convolutions"), "04_x"),
      "04 · 2D convolutions",
      "a leading '2D' is not a number prefix",
    );
    assert.equal(pageTitle(nb("Untitled"), "scratch"), "Untitled");
  });

  it("a chart whose bundle has no SVG (size rule) falls back to its PNG and links its figure file by the PNG", function () {
    this.timeout(60000);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bb-book-png-"));
    const n = 6000;
    const spec = plot.scatter({
      x: Array.from({ length: n }, (_, i) => Math.sin(i)),
      y: Array.from({ length: n }, (_, i) => Math.cos(1.3 * i)),
    });
    const sent: { data: Record<string, unknown>; metadata: Record<string, unknown> }[] = [];
    const saved = process.env.BESSELBOOK_OUT;
    process.env.BESSELBOOK_OUT = out;
    try {
      useDisplayWriter((m) =>
        sent.push(m as { data: Record<string, unknown>; metadata: Record<string, unknown> }),
      );
      resetSession();
      setNotebook("99_png_only");
      show(spec, { name: "cloud" });
    } finally {
      useDisplayWriter(undefined);
      resetSession();
      if (saved === undefined) delete process.env.BESSELBOOK_OUT;
      else process.env.BESSELBOOK_OUT = saved;
    }
    assert.equal(sent.length, 1);
    assert.ok(!("image/svg+xml" in sent[0]!.data), "the size rule dropped the SVG");
    assert.deepEqual(chartBundle(spec).dropped, ["image/svg+xml"]);
    const page: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { besselbook: { id: "99_png_only" } },
      cells: [
        {
          cell_type: "code",
          id: "c",
          metadata: {},
          source: "show(x)",
          execution_count: 1,
          outputs: [
            { output_type: "display_data", data: sent[0]!.data, metadata: sent[0]!.metadata },
          ],
        },
      ],
    };
    const { html, info } = renderNotebookPage(page, "99_png_only", {
      figuresRoot: path.join(out, "figures"),
    });
    assert.equal(info.charts, 1);
    assert.equal(
      info.chartsLinked,
      1,
      "linked to figures/99_png_only/cloud.* through the PNG bytes",
    );
    assert.match(html, /<img class="chart-fallback"[^>]* width="\d+" src="data:image\/png;base64,/);
    fs.rmSync(out, { recursive: true, force: true });
  });
});

describe("book: site built from notebooks/", function () {
  this.timeout(120_000);
  let report: SiteReport;
  const sources = listNotebooks(NOTEBOOKS);

  before(() => {
    fs.rmSync(SITE, { recursive: true, force: true });
    report = buildSite({
      notebooksDir: NOTEBOOKS,
      outDir: SITE,
      figuresRoot: path.join(ROOT, "figures"),
    });
  });

  it("has one page per notebook, and the index lists them in notebook order", () => {
    assert.deepEqual(
      report.pages.map((p) => p.stem),
      sources.map((s) => path.basename(s, ".ipynb")),
    );
    const index = fs.readFileSync(path.join(SITE, "index.html"), "utf8");
    let last = -1;
    for (const p of report.pages) {
      assert.ok(fs.existsSync(path.join(SITE, p.file)), `${p.file} written`);
      const at = index.indexOf(`href="${p.file}"`);
      assert.ok(at > last, `${p.file} listed after the previous notebook`);
      last = at;
      assert.ok(
        fs.existsSync(path.join(SITE, "notebooks", `${p.stem}.ipynb`)),
        "notebook download copied",
      );
    }
  });

  it("renders every formula in every notebook with KaTeX", () => {
    const total = report.pages.reduce((s, p) => s + p.math, 0);
    assert.ok(total > 0, "the notebooks contain math");
    assert.deepEqual(
      report.mathProblems.map((m) => `${m.notebook}: ${m.tex} — ${m.message}`),
      [],
      "formulas KaTeX cannot parse (fix the notebook's TeX or extend mathtoolsCompat)",
    );
  });

  it("leaves no unrendered $ delimiters in page text (outside code, outputs and scripts)", () => {
    for (const p of report.pages) {
      const text = fs
        .readFileSync(path.join(SITE, p.file), "utf8")
        .replace(/<(script|pre|code|annotation)\b[\s\S]*?<\/\1>/g, "")
        .replace(/<img[^>]*>/g, "");
      const stray = [...text.matchAll(/.{0,40}\$.{0,40}/g)].map((m) => m[0]);
      assert.deepEqual(
        stray,
        [],
        `${p.file}: text with a literal $ (a formula the math rule did not pick up?)`,
      );
    }
  });

  it("references only local assets (scripts, styles, fonts) and copies every figure file it links", () => {
    for (const f of fs.readdirSync(SITE).filter((x) => x.endsWith(".html"))) {
      const html = fs.readFileSync(path.join(SITE, f), "utf8");
      assert.doesNotMatch(
        html,
        /<(script|link|img|iframe)\b[^>]*\b(src|href)="(https?:)?\/\//i,
        `${f} loads something from the network`,
      );
      for (const m of html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="(?!data:)([^"]+)"/g))
        assert.ok(fs.existsSync(path.join(SITE, m[1]!)), `${f}: ${m[1]} exists`);
      for (const m of html.matchAll(/<a href="(figures\/[^"]+)"/g))
        assert.ok(fs.existsSync(path.join(SITE, m[1]!)), `${f}: ${m[1]} exists`);
    }
    const css = fs.readFileSync(path.join(SITE, "assets", "katex", "katex.min.css"), "utf8");
    const fonts = [...css.matchAll(/url\(([^)]+)\)/g)].map((m) => m[1]!);
    assert.ok(fonts.length > 10);
    for (const u of fonts)
      assert.ok(fs.existsSync(path.join(SITE, "assets", "katex", u)), `KaTeX font ${u} copied`);
  });

  it("links every chart that show() saved as a figure file to that file", () => {
    for (const p of report.pages) {
      if (!p.figures.length || !p.executed) continue;
      assert.ok(
        p.chartsLinked > 0,
        `${p.stem}: ${p.figures.length} figure files but no chart matched one`,
      );
    }
  });
});

/** Serve a directory on 127.0.0.1 (random port). */
function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const types: Record<string, string> = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript",
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ipynb": "application/json",
  };
  const server = http.createServer((req, res) => {
    const rel =
      decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/+/, "") ||
      "index.html";
    const file = path.resolve(dir, rel);
    if (
      !file.startsWith(path.resolve(dir) + path.sep) ||
      !fs.existsSync(file) ||
      !fs.statSync(file).isFile()
    ) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    }),
  );
}

describe("book: in a real browser (headless Chromium)", function () {
  this.timeout(180_000);
  let report: SiteReport;
  let server: { url: string; close: () => Promise<void> } | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let context: any;
  let userDir: string | undefined;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.log(
        `      skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set BESSELBOOK_CHROMIUM)`,
      );
      this.skip();
    }
    const site = path.join(ROOT, ".besselbook", "book-test", "browser-site");
    fs.rmSync(site, { recursive: true, force: true });
    report = buildSite({
      notebooksDir: NOTEBOOKS,
      outDir: site,
      figuresRoot: path.join(ROOT, "figures"),
    });
    server = await serve(site);
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "besselbook-chromium-"));
    const { chromium } = await import("playwright-core");
    context = await chromium.launchPersistentContext(userDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1200, height: 900 },
    });
    context.on("request", (r: { url(): string }) => requests.push(r.url()));
    context.on("console", (m: { type(): string; text(): string }) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    context.on("weberror", (e: { error(): Error }) =>
      consoleErrors.push(`uncaught: ${e.error().message}`),
    );
    fs.mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    await context?.close();
    await server?.close();
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  /** Every request stayed on the local server (data: URIs never reach the network). */
  const offsite = () =>
    requests.filter((u) => !u.startsWith(server!.url) && !/^(data|blob|about):/.test(u));

  it("index page: lists every notebook, clean console, no request leaves localhost", async () => {
    const page = await context.newPage();
    await page.goto(server!.url + "index.html", { waitUntil: "load" });
    const links: string[] = await page.$$eval(
      "ol.notebooks > li > a.title",
      (as: Array<{ getAttribute(n: string): string | null }>) =>
        as.map((a) => a.getAttribute("href") ?? ""),
    );
    assert.deepEqual(
      links,
      report.pages.map((p) => p.file),
    );
    const shot = path.join(SHOTS, "index.png");
    await page.screenshot({ path: shot });
    console.log(`      screenshot: ${path.relative(ROOT, shot)}`);
    await page.close();
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(offsite(), []);
  });

  it("notebook page: math rendered with KaTeX fonts, a vega chart drew, clean console, no request leaves localhost", async () => {
    // The page with the most charts (falls back to the most math when nothing was executed yet).
    const target = [...report.pages].sort((a, b) => b.charts - a.charts || b.math - a.math)[0]!;
    assert.ok(target.charts > 0, "at least one executed notebook with a chart (run npm run main)");
    const page = await context.newPage();
    await page.goto(server!.url + target.file, { waitUntil: "load" });
    await page.waitForFunction(
      `document.documentElement.getAttribute("data-charts") === "done"`,
      undefined,
      { timeout: 60_000 },
    );
    // Runs in the page (a string, since the tests compile without DOM types).
    const state = (await page.evaluate(`(async () => {
      await document.fonts.ready;
      const katex = Array.from(document.querySelectorAll(".katex-html"));
      const sized = katex.filter((k) => k.getBoundingClientRect().width > 0).length;
      const live = Array.from(document.querySelectorAll("figure.chart-live .vega-live svg"));
      const marks = live.map((s) => s.querySelectorAll("path, line, rect, circle, text").length);
      return {
        katex: katex.length,
        sized,
        mathFont: document.fonts.check("16px KaTeX_Main") && Array.from(document.fonts).some((f) => f.family.includes("KaTeX") && f.status === "loaded"),
        errors: document.querySelectorAll(".math-error").length,
        charts: document.querySelectorAll("figure.chart").length,
        live: live.length,
        marks,
      };
    })()`)) as {
      katex: number;
      sized: number;
      mathFont: boolean;
      errors: number;
      charts: number;
      live: number;
      marks: number[];
    };
    assert.ok(
      state.katex > 0 && state.sized === state.katex,
      `KaTeX spans laid out: ${state.sized}/${state.katex}`,
    );
    assert.ok(state.mathFont, "a KaTeX font was loaded from assets/katex/fonts");
    assert.equal(state.errors, 0, "no formula shown as a math error");
    assert.equal(state.charts, target.charts);
    assert.ok(
      state.live >= 1,
      `at least one chart drawn by vega-embed (live ${state.live} of ${state.charts})`,
    );
    assert.ok(
      state.marks.every((n: number) => n > 5),
      `every live chart has marks: ${state.marks.join(", ")}`,
    );
    const top = path.join(SHOTS, `${target.stem}-top.png`);
    await page.screenshot({ path: top });
    await page.locator("figure.chart-live").first().scrollIntoViewIfNeeded();
    const shot = path.join(SHOTS, `${target.stem}.png`);
    await page.screenshot({ path: shot });
    console.log(
      `      ${target.stem}: ${state.katex} formulas, ${state.live}/${state.charts} charts live; screenshots: ${path.relative(ROOT, top)} (math), ${path.relative(ROOT, shot)} (first chart)`,
    );
    await page.close();
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(offsite(), []);
    assert.ok(
      requests.some((u) => u.endsWith("vega-embed.min.js")) &&
        requests.some((u) => /KaTeX_.*\.woff2$/.test(u)),
      "assets came from the local server",
    );
  });
});
