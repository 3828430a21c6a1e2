/**
 * The static HTML book: every notebook in notebooks/ rendered, with its saved outputs, to one page
 * under site/, plus an index in notebook order. Pages need nothing from the network at view time:
 *  - markdown → HTML with markdown-it, TeX → HTML with KaTeX at build time (assets/katex holds
 *    KaTeX's CSS and its fonts, referenced relatively);
 *  - code → highlight.js token spans at build time (assets/hljs.css is the theme);
 *  - vega-lite outputs → the saved SVG as an <img> (the fallback, works without JavaScript), then
 *    replaced in the browser by an interactive chart from the bundled vega, vega-lite and
 *    vega-embed UMD builds in assets/vega/;
 *  - HTML tables, SVG/PNG images, stream text and errors as Jupyter shows them;
 *  - figure files written by show(chart, { name }) copied to site/figures/<notebook>/ and linked
 *    under the chart they belong to (matched by their SVG text) and at the end of the page.
 * Pages work from a web server and straight from disk (file://): specs are inline JSON, no fetch.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import hljs from "highlight.js";
import MarkdownIt from "markdown-it";
import { BesselbookError } from "besselbook/errors";
import { Cell, MimeBundle, Notebook, Output, cellTags, readNotebook } from "../runner/notebook";
import { MathContext, MathProblem, mathPlugin, newMathContext } from "./math";
import { listNotebooks, stemOf } from "./workshop";

export const VEGALITE_MIMES = [
  "application/vnd.vegalite.v5+json",
  "application/vnd.vegalite.v4+json",
];
/** Marker file: a directory holding it was written by buildSite and may be replaced wholesale. */
export const SITE_MARKER = ".besselbook-site";

export const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
const asText = (v: unknown): string =>
  Array.isArray(v) ? v.join("") : typeof v === "string" ? v : JSON.stringify(v);

/** A figure file pair written by show(chart, { name }), with paths relative to the site root. */
export interface FigureFile {
  name: string;
  svg?: string;
  png?: string;
}

export interface PageInfo {
  stem: string;
  /** Page file name relative to the site root, e.g. "08_information_lower_bounds.html". */
  file: string;
  title: string;
  /** First paragraph of the notebook (HTML), for the index (its math is not counted in `math`). */
  summary: string;
  /** True when the notebook has saved outputs (it was executed and saved). */
  executed: boolean;
  codeCells: number;
  charts: number;
  /** Charts matched to a figure file. */
  chartsLinked: number;
  figures: FigureFile[];
  math: number;
  mathProblems: MathProblem[];
}

interface PageContext {
  stem: string;
  notebookId: string;
  math: MathContext;
  md: MarkdownIt;
  /** sha256(svg text) → figure; links a displayed chart to its file. */
  figureBySvg: Map<string, FigureFile>;
  /** sha256(png bytes) → figure; the link when a bundle carries no SVG (size rule in show()). */
  figureByPng: Map<string, FigureFile>;
  charts: number;
  chartsLinked: number;
  headings: Array<{ level: number; id: string; text: string }>;
  slugs: Set<string>;
}

const sha = (s: string) => crypto.createHash("sha256").update(s.trim()).digest("hex");
const shaBytes = (b: Uint8Array) => crypto.createHash("sha256").update(b).digest("hex");

function slugify(text: string, taken: Set<string>): string {
  const base =
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "section";
  let s = base;
  for (let i = 2; taken.has(s); i++) s = `${base}-${i}`;
  taken.add(s);
  return s;
}

function highlight(code: string, lang: string): string {
  const language = lang && hljs.getLanguage(lang) ? lang : "typescript";
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}

/** A markdown-it instance for one page: math, highlighted fences, heading ids, link rewriting. */
function pageMarkdown(pc: PageContext): MarkdownIt {
  const md: MarkdownIt = new MarkdownIt({
    html: true, // Jupyter renders raw HTML in markdown cells; notebooks are trusted content here
    linkify: false,
    typographer: false,
    highlight: (code: string, lang: string) => highlight(code, lang || "typescript"),
  });
  md.use(mathPlugin, pc.math);
  md.core.ruler.push("besselbook_rewrite", (state) => {
    const attachments =
      (state.env as { attachments?: Record<string, MimeBundle> }).attachments ?? {};
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.type === "heading_open") {
        const inline = tokens[i + 1];
        const text =
          inline?.children
            ?.filter((c) => c.type === "text" || c.type === "code_inline")
            .map((c) => c.content)
            .join("") ??
          inline?.content ??
          "";
        const id = slugify(text, pc.slugs);
        t.attrSet("id", id);
        pc.headings.push({ level: Number(t.tag.slice(1)), id, text: inline?.content ?? text });
      }
      for (const c of t.children ?? []) {
        if (c.type === "link_open") {
          const href = c.attrGet("href") ?? "";
          // Links between notebooks point at their pages; anchors survive.
          if (!/^[a-z]+:/i.test(href))
            c.attrSet(
              "href",
              href
                .replace(/^(?:\.\/)?([^/#?]+)\.ipynb(?=$|#)/, "$1.html")
                .replace(/^\.\.\/figures\//, "figures/"),
            );
        } else if (c.type === "image") {
          const src = c.attrGet("src") ?? "";
          const m = /^attachment:(.+)$/.exec(src);
          if (m) {
            const bundle = attachments[decodeURIComponent(m[1]!)];
            const mime = bundle && Object.keys(bundle).find((k) => k.startsWith("image/"));
            if (mime)
              c.attrSet(
                "src",
                mime === "image/svg+xml"
                  ? svgDataUri(asText(bundle[mime]))
                  : `data:${mime};base64,${asText(bundle[mime]).replace(/\s+/g, "")}`,
              );
          } else if (src.startsWith("../figures/")) {
            c.attrSet("src", src.slice(3));
          }
        }
      }
    }
    return true;
  });
  return md;
}

const svgDataUri = (svg: string): string =>
  `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;

/** JSON safe to embed in a <script type="application/json"> element. */
const scriptJson = (v: unknown): string =>
  JSON.stringify(v)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

function figureLinks(f: FigureFile): string {
  const links = [
    f.svg && `<a href="${escapeHtml(f.svg)}">SVG</a>`,
    f.png && `<a href="${escapeHtml(f.png)}">PNG</a>`,
  ]
    .filter(Boolean)
    .join(" · ");
  return `<figcaption>figure <code>${escapeHtml(f.name)}</code>: ${links}</figcaption>`;
}

function renderBundle(data: MimeBundle, pc: PageContext, meta?: Record<string, unknown>): string {
  const vlMime = VEGALITE_MIMES.find((m) => m in data);
  const svg = data["image/svg+xml"] !== undefined ? asText(data["image/svg+xml"]) : undefined;
  const plain = data["text/plain"] !== undefined ? asText(data["text/plain"]) : "";
  if (vlMime) {
    pc.charts++;
    const spec =
      typeof data[vlMime] === "string" ? JSON.parse(data[vlMime] as string) : data[vlMime];
    const png =
      data["image/png"] !== undefined ? asText(data["image/png"]).replace(/\s+/g, "") : undefined;
    const fig =
      svg !== undefined
        ? pc.figureBySvg.get(sha(svg))
        : png !== undefined
          ? pc.figureByPng.get(shaBytes(Buffer.from(png, "base64")))
          : undefined;
    if (fig) pc.chartsLinked++;
    // The static fallback: the SVG when the bundle has one, else the PNG at the chart's CSS width.
    const pngMeta = (meta?.["image/png"] ?? {}) as { width?: number };
    const pngWidth = typeof pngMeta.width === "number" ? ` width="${pngMeta.width}"` : "";
    const fallback =
      svg !== undefined
        ? `<img class="chart-fallback" alt="${escapeHtml(plain || "chart")}" src="${svgDataUri(svg)}">`
        : png !== undefined
          ? `<img class="chart-fallback" alt="${escapeHtml(plain || "chart")}"${pngWidth} src="data:image/png;base64,${png}">`
          : `<pre class="chart-fallback">${escapeHtml(plain)}</pre>`;
    return (
      `<figure class="output chart"><div class="vega-chart">${fallback}</div>` +
      `<script type="application/json" class="vega-spec">${scriptJson(spec)}</script>${fig ? figureLinks(fig) : ""}</figure>`
    );
  }
  if (data["text/html"] !== undefined)
    return `<div class="output html">${asText(data["text/html"])}</div>`;
  if (svg !== undefined) {
    const fig = pc.figureBySvg.get(sha(svg));
    return `<figure class="output image"><img alt="${escapeHtml(plain || "figure")}" src="${svgDataUri(svg)}">${fig ? figureLinks(fig) : ""}</figure>`;
  }
  for (const mime of ["image/png", "image/jpeg", "image/gif"]) {
    if (data[mime] !== undefined)
      return `<figure class="output image"><img alt="${escapeHtml(plain || "figure")}" src="data:${mime};base64,${asText(data[mime]).replace(/\s+/g, "")}"></figure>`;
  }
  if (data["text/markdown"] !== undefined)
    return `<div class="output markdown">${pc.md.render(asText(data["text/markdown"]), {})}</div>`;
  if (data["text/latex"] !== undefined)
    return `<div class="output markdown">${pc.md.render(asText(data["text/latex"]), {})}</div>`;
  if (data["application/json"] !== undefined)
    return `<pre class="output json">${escapeHtml(JSON.stringify(data["application/json"], null, 2))}</pre>`;
  return `<pre class="output text">${escapeHtml(stripAnsi(plain))}</pre>`;
}

function renderOutput(o: Output, pc: PageContext): string {
  switch (o.output_type) {
    case "stream":
      return `<pre class="output stream ${o.name === "stderr" ? "stderr" : "stdout"}">${escapeHtml(stripAnsi(o.text))}</pre>`;
    case "display_data":
    case "execute_result":
      return renderBundle(o.data, pc, (o as { metadata?: Record<string, unknown> }).metadata);
    case "error":
      return `<pre class="output error">${escapeHtml(stripAnsi([`${o.ename}: ${o.evalue}`, ...o.traceback].join("\n")))}</pre>`;
    default:
      return "";
  }
}

function renderCell(cell: Cell, pc: PageContext): string {
  const tags = cellTags(cell);
  const tagHtml = tags.length
    ? `<div class="tags">${tags.map((t) => `<span class="tag tag-${escapeHtml(t)}">${escapeHtml(t)}</span>`).join("")}</div>`
    : "";
  const idAttr = cell.id ? ` id="cell-${escapeHtml(cell.id)}"` : "";
  if (cell.cell_type === "markdown") {
    return `<section class="cell markdown"${idAttr}>${tagHtml}${pc.md.render(cell.source, { attachments: cell.attachments ?? {} })}</section>`;
  }
  if (cell.cell_type === "raw")
    return `<section class="cell raw"${idAttr}><pre>${escapeHtml(cell.source)}</pre></section>`;
  const count = cell.execution_count ?? " ";
  const input = `<div class="input"><div class="prompt">[${escapeHtml(String(count))}]:</div><pre><code class="hljs language-typescript">${highlight(cell.source, "typescript")}</code></pre></div>`;
  const outputs = (cell.outputs ?? []).map((o) => renderOutput(o, pc)).join("");
  const body = `${tagHtml}${input}${outputs ? `<div class="outputs">${outputs}</div>` : ""}`;
  // Solutions are folded so readers can try the exercise first (Jupyter Book's "dropdown" idea).
  if (tags.includes("solution"))
    return `<section class="cell code solution"${idAttr}><details><summary>Solution</summary>${body}</details></section>`;
  return `<section class="cell code"${idAttr}>${body}</section>`;
}

/**
 * The id given to notebook("…") in the setup cell (figures live under figures/<id>/); else the
 * stem.
 */
export function notebookId(nb: Notebook, stem: string): string {
  for (const c of nb.cells) {
    if (c.cell_type !== "code") continue;
    const m = /\bnotebook\(\s*["'`]([A-Za-z0-9][A-Za-z0-9_.-]*)["'`]\s*\)/.exec(c.source);
    if (m) return m[1]!;
  }
  return stem;
}

/** Figure files under `figuresRoot/<id>/`, keyed by name (relative paths are site-relative). */
function figureFiles(figuresRoot: string, id: string): FigureFile[] {
  const dir = path.join(figuresRoot, id);
  if (!fs.existsSync(dir)) return [];
  const byName = new Map<string, FigureFile>();
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^(.+)\.(svg|png)$/.exec(f);
    if (!m) continue;
    const entry = byName.get(m[1]!) ?? { name: m[1]! };
    entry[m[2] as "svg" | "png"] = `figures/${id}/${f}`;
    byName.set(m[1]!, entry);
  }
  return [...byName.values()];
}

const isExecuted = (nb: Notebook): boolean =>
  nb.cells.some(
    (c) =>
      c.cell_type === "code" &&
      ((c.outputs?.length ?? 0) > 0 || (c.execution_count ?? null) !== null),
  );

function firstHeading(nb: Notebook): string | undefined {
  for (const c of nb.cells) {
    if (c.cell_type !== "markdown") continue;
    const m = /^\s{0,3}#{1,2}\s+(.+?)\s*#*\s*$/m.exec(c.source);
    if (m) return m[1]!;
  }
  return undefined;
}

/**
 * The page title: "NN · <first heading>", numbered from the file name (NN_topic) whatever the
 * notebook's own heading says, so every page and nav link is numbered the same way; a heading that
 * already starts with a number ("05 · …", "05. …", "5 — …") has it replaced, not doubled.
 */
export function pageTitle(nb: Notebook, stem: string): string {
  const heading = firstHeading(nb);
  const num = /^(\d+)_/.exec(stem)?.[1];
  if (heading === undefined) return stem;
  const bare = heading.replace(/^\s*\d+(?:\s*[·.:—–-]\s*|\s+)/, "");
  return num !== undefined ? `${num} · ${bare}` : heading;
}

/** The first paragraph after the title in the first markdown cell (markdown source). */
function firstParagraph(nb: Notebook): string {
  const c = nb.cells.find((x) => x.cell_type === "markdown");
  if (!c) return "";
  const blocks = c.source
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter((b) => b && !/^#/.test(b) && !/^>/.test(b));
  return blocks[0] ?? "";
}

interface NavLink {
  file: string;
  title: string;
}

function shell(opts: {
  title: string;
  body: string;
  prev?: NavLink;
  next?: NavLink;
  toc?: string;
}): string {
  const nav = [
    `<a href="index.html">besselbook</a>`,
    opts.prev
      ? `<a rel="prev" href="${escapeHtml(opts.prev.file)}">← ${escapeHtml(opts.prev.title)}</a>`
      : "",
    opts.next
      ? `<a rel="next" href="${escapeHtml(opts.next.file)}">${escapeHtml(opts.next.title)} →</a>`
      : "",
  ]
    .filter(Boolean)
    .join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="besselbook book html">
<link rel="icon" href="data:,">
<title>${escapeHtml(opts.title)}</title>
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/hljs.css">
<link rel="stylesheet" href="assets/book.css">
</head>
<body>
<nav class="top">${nav}</nav>
${opts.toc ?? ""}<main>
${opts.body}
</main>
<footer>Built by <code>npm run book:html</code> from the notebooks' saved outputs. Math: KaTeX; code: highlight.js; charts: vega-embed (static SVG without JavaScript).</footer>
<script src="assets/vega/vega.min.js"></script>
<script src="assets/vega/vega-lite.min.js"></script>
<script src="assets/vega/vega-embed.min.js"></script>
<script src="assets/book.js"></script>
</body>
</html>
`;
}

export interface RenderOptions {
  /**
   * Root of figures/<id>/ to link (default: none). Paths in links are site-relative figures/<id>/….
   */
  figuresRoot?: string;
  prev?: NavLink;
  next?: NavLink;
}

/** Render one notebook to a full HTML page. Pure apart from reading figure files. */
export function renderNotebookPage(
  nb: Notebook,
  stem: string,
  opts: RenderOptions = {},
): { html: string; info: PageInfo } {
  const id = notebookId(nb, stem);
  const figures = opts.figuresRoot ? figureFiles(opts.figuresRoot, id) : [];
  const figureBySvg = new Map<string, FigureFile>();
  for (const f of figures)
    if (f.svg && opts.figuresRoot)
      figureBySvg.set(
        sha(fs.readFileSync(path.join(opts.figuresRoot, id, path.basename(f.svg)), "utf8")),
        f,
      );
  const figureByPng = new Map<string, FigureFile>();
  for (const f of figures)
    if (f.png && opts.figuresRoot)
      figureByPng.set(
        shaBytes(fs.readFileSync(path.join(opts.figuresRoot, id, path.basename(f.png)))),
        f,
      );
  // md is set right after: the markdown rules close over this object to count math and headings.
  const page = {
    stem,
    notebookId: id,
    math: newMathContext(),
    figureBySvg,
    figureByPng,
    charts: 0,
    chartsLinked: 0,
    headings: [],
    slugs: new Set<string>(),
  } as unknown as PageContext;
  page.md = pageMarkdown(page);
  const executed = isExecuted(nb);
  const cellsHtml = nb.cells.map((c) => renderCell(c, page)).join("\n");
  const title = pageTitle(nb, stem);
  const summaryMath = newMathContext();
  const summaryMd = new MarkdownIt({ html: true }).use(mathPlugin, summaryMath);
  const summary = summaryMd.renderInline(firstParagraph(nb));
  const banner = executed
    ? ""
    : `<p class="banner">This notebook has no saved outputs yet (run <code>npm run main</code> and rebuild): code and text only.</p>`;
  const figList = figures.length
    ? `<section class="figure-files"><h2 id="figure-files">Figure files</h2><ul>${figures.map((f) => `<li><code>${escapeHtml(f.name)}</code>: ${[f.svg && `<a href="${escapeHtml(f.svg)}">SVG</a>`, f.png && `<a href="${escapeHtml(f.png)}">PNG</a>`].filter(Boolean).join(" · ")}</li>`).join("")}</ul></section>`
    : "";
  const download = `<p class="download"><a href="notebooks/${escapeHtml(stem)}.ipynb" download>Download ${escapeHtml(stem)}.ipynb</a></p>`;
  const h2 = page.headings.filter((h) => h.level === 2);
  // Headings keep their math and emphasis in the table of contents (rendered again, not counted).
  const tocMd = new MarkdownIt({ html: false }).use(mathPlugin, newMathContext());
  const toc = h2.length
    ? `<nav class="toc"><strong>On this page</strong><ul>${h2.map((h) => `<li><a href="#${h.id}">${tocMd.renderInline(h.text)}</a></li>`).join("")}</ul></nav>\n`
    : "";
  const html = shell({
    title: `${stripMathMarkup(title)} — besselbook`,
    body: `${banner}${download}\n${cellsHtml}\n${figList}`,
    prev: opts.prev,
    next: opts.next,
    toc,
  });
  const info: PageInfo = {
    stem,
    file: `${stem}.html`,
    title,
    summary,
    executed,
    codeCells: nb.cells.filter((c) => c.cell_type === "code").length,
    charts: page.charts,
    chartsLinked: page.chartsLinked,
    figures,
    math: page.math.count,
    mathProblems: [...page.math.problems, ...summaryMath.problems],
  };
  return { html, info };
}

/** Titles go into <title> and nav links as text: drop $ delimiters and markdown emphasis marks. */
const stripMathMarkup = (s: string): string => s.replace(/\$+/g, "").replace(/[*_`]/g, "");

function renderIndex(pages: PageInfo[], extra = ""): string {
  const items = pages
    .map(
      (p) =>
        `<li><a class="title" href="${escapeHtml(p.file)}">${escapeHtml(stripMathMarkup(p.title))}</a> <code>${escapeHtml(p.stem)}.ipynb</code>` +
        `${p.executed ? "" : ` <span class="tag">no saved outputs</span>`}<p>${p.summary}</p>` +
        `<p class="meta">${p.codeCells} code cells · ${p.charts} chart${p.charts === 1 ? "" : "s"} · ${p.figures.length} figure file${p.figures.length === 1 ? "" : "s"}</p></li>`,
    )
    .join("\n");
  const body = `<h1>besselbook</h1>
<p>TypeScript notebooks that derive, train, plot and check four research results that run through Bessel functions.
Each page is a notebook with its saved outputs; charts are interactive (hover for values) and fall back to static SVG.</p>
<ol class="notebooks">
${items}
</ol>${extra}`;
  return shell({ title: "besselbook — notebooks", body });
}

const BOOK_JS = `// Turn each saved vega-lite spec into an interactive chart; the static SVG stays if anything fails.
(function () {
  "use strict";
  var charts = document.querySelectorAll("figure.chart");
  var pending = charts.length;
  function done() { if (--pending <= 0) document.documentElement.setAttribute("data-charts", "done"); }
  if (!pending) { document.documentElement.setAttribute("data-charts", "done"); return; }
  if (typeof vegaEmbed !== "function") {
    console.warn("besselbook: vega-embed not loaded; showing static SVG charts");
    document.documentElement.setAttribute("data-charts", "done");
    return;
  }
  Array.prototype.forEach.call(charts, function (fig) {
    var holder = fig.querySelector(".vega-chart");
    var specEl = fig.querySelector("script.vega-spec");
    var target = document.createElement("div");
    target.className = "vega-live";
    var spec;
    try { spec = JSON.parse(specEl.textContent); } catch (e) { console.warn("besselbook: bad chart spec", e); done(); return; }
    holder.appendChild(target);
    vegaEmbed(target, spec, { actions: false, renderer: "svg", mode: "vega-lite" }).then(function () {
      var fallback = holder.querySelector(".chart-fallback");
      if (fallback) fallback.remove();
      fig.classList.add("chart-live");
      done();
    }).catch(function (e) {
      target.remove();
      console.warn("besselbook: chart kept as static SVG:", e && e.message);
      done();
    });
  });
})();
`;

const BOOK_CSS = `:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-code: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); font: 16px/1.55 "DejaVu Sans", system-ui, sans-serif; }
nav.top { display: flex; gap: 1.5em; padding: .6em 1.5em; border-bottom: 1px solid var(--line); background: #fff; position: sticky; top: 0; z-index: 2; font-size: .9em; }
nav.top a:first-child { font-weight: bold; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
main { max-width: 980px; margin: 0 auto; padding: 1em 1.5em 3em; }
nav.toc { max-width: 980px; margin: 1em auto 0; padding: 0 1.5em; font-size: .9em; color: var(--muted); }
nav.toc ul { margin: .3em 0; padding-left: 1.4em; columns: 2; }
footer { border-top: 1px solid var(--line); color: var(--muted); font-size: .8em; padding: 1em 1.5em; text-align: center; }
.cell { margin: 1.1em 0; }
.cell.markdown img { max-width: 100%; }
.input { display: flex; gap: .5em; }
.prompt { color: var(--muted); font: 12px/1.9 "DejaVu Sans Mono", monospace; min-width: 3.2em; text-align: right; flex: none; }
.input pre { flex: 1; margin: 0; background: var(--bg-code); border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
pre code.hljs, pre code { font: 13px/1.45 "DejaVu Sans Mono", monospace; padding: .7em .9em; display: block; background: transparent; }
.outputs { margin-left: 3.7em; }
.output { margin: .45em 0; }
pre.output { font: 12.5px/1.4 "DejaVu Sans Mono", monospace; white-space: pre-wrap; word-break: break-word; margin: .3em 0; padding: .2em .4em; }
pre.stderr { background: #fff8c5; }
pre.error { background: #ffebe9; color: #82071e; }
figure.output { margin: .6em 0; overflow-x: auto; }
figure.output img { max-width: 100%; height: auto; }
figcaption { font-size: .8em; color: var(--muted); }
.output.html table { border-collapse: collapse; font-size: .85em; margin: .4em 0; }
.output.html th, .output.html td { border: 1px solid var(--line); padding: .2em .6em; text-align: right; }
.output.html th { background: var(--bg-code); }
.math-display { overflow-x: auto; overflow-y: hidden; }
code.math-error { color: #cf222e; border-bottom: 1px dotted #cf222e; }
.tags { margin-bottom: .2em; }
.tag { display: inline-block; font-size: .72em; padding: 0 .5em; border-radius: 1em; background: #ddf4ff; color: #0550ae; margin-right: .3em; }
.tag-solution { background: #dafbe1; color: #116329; }
details > summary { cursor: pointer; color: #116329; font-weight: bold; }
.banner { background: #fff8c5; border: 1px solid #d4a72c; padding: .6em 1em; border-radius: 6px; }
.download { font-size: .85em; text-align: right; margin: 0; }
ol.notebooks > li { margin: 1.2em 0; }
ol.notebooks .title { font-size: 1.15em; font-weight: bold; }
ol.notebooks p { margin: .25em 0; }
.meta { color: var(--muted); font-size: .85em; }
blockquote { border-left: 4px solid var(--line); margin: 0; padding: 0 1em; color: var(--muted); }
table { border-collapse: collapse; } td, th { border: 1px solid var(--line); padding: .2em .6em; }
`;

/**
 * Files copied from node_modules into site/assets: [package, path inside it, path under assets].
 */
const VENDOR: Array<[string, string, string]> = [
  ["katex", "dist/katex.min.css", "katex/katex.min.css"],
  ["highlight.js", "styles/github.css", "hljs.css"],
  ["vega", "build/vega.min.js", "vega/vega.min.js"],
  ["vega-lite", "build/vega-lite.min.js", "vega/vega-lite.min.js"],
  ["vega-embed", "build/vega-embed.min.js", "vega/vega-embed.min.js"],
];

/** A package's directory. Found from its resolved main file (vega-embed's "exports" map hides its
 * package.json, and vega-lite ships a second package.json inside build/, so walking up to the first
 *  package.json is wrong): the path up to node_modules/<name>. */
function packageDir(name: string): string {
  const main = require.resolve(name);
  const marker = `${path.sep}node_modules${path.sep}${name.split("/").join(path.sep)}${path.sep}`;
  const at = main.lastIndexOf(marker);
  if (at < 0)
    throw new BesselbookError(
      `book: cannot find the package directory of ${name} (resolved ${main}); expected it under node_modules/${name}`,
    );
  return main.slice(0, at + marker.length - 1);
}

function copyAssets(assets: string): void {
  for (const [pkg, rel, dest] of VENDOR) {
    const to = path.join(assets, dest);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(packageDir(pkg), rel), to);
  }
  // KaTeX's CSS names its fonts relatively (fonts/KaTeX_*.woff2, .woff, .ttf); copy them all so
  // every browser finds the format it asks for.
  const fontsFrom = path.join(packageDir("katex"), "dist", "fonts");
  const fontsTo = path.join(assets, "katex", "fonts");
  fs.mkdirSync(fontsTo, { recursive: true });
  for (const f of fs.readdirSync(fontsFrom))
    fs.copyFileSync(path.join(fontsFrom, f), path.join(fontsTo, f));
  fs.writeFileSync(path.join(assets, "book.css"), BOOK_CSS);
  fs.writeFileSync(path.join(assets, "book.js"), BOOK_JS);
}

export interface BuildSiteOptions {
  /** Directory of NN_topic.ipynb notebooks (default <root>/notebooks). */
  notebooksDir: string;
  /** Output directory (default <root>/site). Replaced wholesale when it holds the site marker. */
  outDir: string;
  /** Where figures/<id>/ live (default: the parent of notebooksDir + /figures). */
  figuresRoot?: string;
}

export interface SiteReport {
  outDir: string;
  pages: PageInfo[];
  /** Math that KaTeX could not parse, per notebook. */
  mathProblems: Array<MathProblem & { notebook: string }>;
}

/**
 * The reproduction report and the references as book pages (report.html, references.html), when
 * the repository has results/ and REFERENCES.md; returns the index's links to them.
 */
function writeLedgerPages(site: string, root: string): string {
  const refsFile = path.join(root, "REFERENCES.md");
  const resultsDir = path.join(root, "results");
  if (!fs.existsSync(refsFile) || !fs.existsSync(resultsDir)) return "";
  const { loadResults, reportMarkdown } = require("./report") as typeof import("./report");
  const md = new MarkdownIt({ html: true, linkify: true });
  const fixLinks = (html: string) =>
    html
      .replace(/href="REFERENCES\.md#/g, 'href="references.html#')
      .replace(/href="REPORT\.md"/g, 'href="report.html"');
  const report = reportMarkdown(loadResults(resultsDir), refsFile, "references.html");
  fs.writeFileSync(
    path.join(site, "report.html"),
    shell({ title: "besselbook — reproduction report", body: fixLinks(md.render(report)) }),
  );
  fs.writeFileSync(
    path.join(site, "references.html"),
    shell({
      title: "besselbook — references",
      body: fixLinks(md.render(fs.readFileSync(refsFile, "utf8"))),
    }),
  );
  return `\n<h2>Claims and sources</h2>\n<p><a href="report.html">Reproduction report</a>: every claim of every notebook, its source, our measurement with its interval, and the verdict. <a href="references.html">References</a>: what each paper claims and where, and what we could not read.</p>`;
}

/**
 * Build the whole site into a fresh temp directory next to `outDir`, then swap it in, so a failed
 * build leaves the previous site intact and stale pages of deleted notebooks disappear. Refuses to
 * replace an existing non-empty directory it did not create.
 */
export function buildSite(opts: BuildSiteOptions): SiteReport {
  const notebooksDir = path.resolve(opts.notebooksDir);
  const outDir = path.resolve(opts.outDir);
  const figuresRoot = path.resolve(opts.figuresRoot ?? path.join(notebooksDir, "..", "figures"));
  if (
    fs.existsSync(outDir) &&
    fs.readdirSync(outDir).length &&
    !fs.existsSync(path.join(outDir, SITE_MARKER))
  ) {
    throw new BesselbookError(
      `book: ${outDir} exists and was not written by the book builder (no ${SITE_MARKER}); refusing to replace it — choose another --out or remove it`,
    );
  }
  const files = listNotebooks(notebooksDir);
  if (!files.length) throw new BesselbookError(`book: no notebooks (*.ipynb) in ${notebooksDir}`);
  const nbs = files.map((f) => ({ file: f, stem: stemOf(f), nb: readNotebook(f) }));
  const titles = nbs.map((x) => stripMathMarkup(pageTitle(x.nb, x.stem)));

  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(path.dirname(outDir), `.${path.basename(outDir)}.tmp-`));
  try {
    copyAssets(path.join(tmp, "assets"));
    fs.mkdirSync(path.join(tmp, "notebooks"));
    const pages: PageInfo[] = [];
    nbs.forEach((x, i) => {
      const link = (j: number): NavLink | undefined =>
        j >= 0 && j < nbs.length ? { file: `${nbs[j]!.stem}.html`, title: titles[j]! } : undefined;
      const { html, info } = renderNotebookPage(x.nb, x.stem, {
        figuresRoot,
        prev: link(i - 1),
        next: link(i + 1),
      });
      fs.writeFileSync(path.join(tmp, info.file), html);
      fs.copyFileSync(x.file, path.join(tmp, "notebooks", `${x.stem}.ipynb`));
      const id = notebookId(x.nb, x.stem);
      if (info.figures.length) {
        fs.mkdirSync(path.join(tmp, "figures", id), { recursive: true });
        for (const f of info.figures)
          for (const rel of [f.svg, f.png])
            if (rel)
              fs.copyFileSync(path.join(figuresRoot, id, path.basename(rel)), path.join(tmp, rel));
      }
      pages.push(info);
    });
    fs.writeFileSync(
      path.join(tmp, "index.html"),
      renderIndex(pages, writeLedgerPages(tmp, path.join(notebooksDir, ".."))),
    );
    fs.writeFileSync(
      path.join(tmp, SITE_MARKER),
      "Generated by `besselbook book html`; this directory is replaced on every build.\n",
    );
    // Swap: old site aside, new one in, old one removed.
    const old = `${tmp}-old`;
    if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
    fs.renameSync(tmp, outDir);
    fs.rmSync(old, { recursive: true, force: true });
    return {
      outDir,
      pages,
      mathProblems: pages.flatMap((p) => p.mathProblems.map((m) => ({ ...m, notebook: p.stem }))),
    };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
