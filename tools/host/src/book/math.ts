/**
 * TeX math in notebook markdown, rendered to HTML at build time with KaTeX (so a page needs only
 * KaTeX's CSS and fonts at view time — no MathJax, no network).
 *
 * Delimiters follow what JupyterLab's markdown renderer accepts: `$…$` inline and `$$…$$` display
 * (on its own lines, or inside a paragraph). The inline rule uses pandoc's heuristics so prices and
 * template strings do not turn into math: the opening `$` must be followed by a non-space, the
 * closing `$` preceded by a non-space and not followed by a digit; `\$` is a literal dollar (the
 * markdown escape rule consumes it first). Code spans and fences never see this plugin, because
 * their rules consume the text before `$` is reached.
 */
import type MarkdownIt from "markdown-it";

/** The part of KaTeX's API used here (katex ships types only behind its "exports" map, which the
 *  project's Node10 module resolution does not read). */
interface Katex {
  renderToString(tex: string, options: Record<string, unknown>): string;
}
// eslint-disable-next-line @typescript-eslint/no-var-requires
const katex: Katex = require("katex");

export interface MathProblem {
  tex: string;
  display: boolean;
  message: string;
}

/** Per-document math state: macros defined by \newcommand persist across cells (as in MathJax). */
export interface MathContext {
  macros: Record<string, unknown>;
  problems: MathProblem[];
  count: number;
}

export const newMathContext = (): MathContext => ({ macros: {}, problems: [], count: 0 });

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/**
 * Render one formula. A KaTeX parse error does not abort the build: the TeX is shown as code with
 * the error in its title, and the problem is recorded so the CLI and tests can report it.
 */
export function renderMath(tex: string, display: boolean, ctx: MathContext): string {
  ctx.count++;
  try {
    return katex.renderToString(mathtoolsCompat(tex), {
      displayMode: display,
      throwOnError: true,
      // Definitions in one cell are visible in later ones, like MathJax in Jupyter.
      globalGroup: true,
      macros: ctx.macros,
      // Unicode text in math (e.g. "≤" typed directly) is fine in notebooks; don't warn on it.
      strict: "ignore",
      trust: false,
      output: "htmlAndMathml",
    });
  } catch (e) {
    const message = (e as Error).message;
    ctx.problems.push({ tex, display, message });
    const code = `<code class="math-error" title="${escapeHtml(message)}">${escapeHtml(display ? `$$${tex}$$` : `$${tex}$`)}</code>`;
    return display ? `<div class="math-display">${code}</div>` : code;
  }
}

/**
 * mathtools' delimited small matrices (psmallmatrix, bsmallmatrix, …), which MathJax in JupyterLab
 * accepts but KaTeX does not: rewritten to \left( \begin{smallmatrix} … \end{smallmatrix} \right),
 * which is how mathtools defines them.
 */
const SMALL_MATRIX: Record<string, [string, string]> = {
  p: ["(", ")"],
  b: ["[", "]"],
  B: ["\\{", "\\}"],
  v: ["|", "|"],
  V: ["\\Vert", "\\Vert"],
};
export function mathtoolsCompat(tex: string): string {
  return tex
    .replace(
      /\\begin\{([pbBvV])smallmatrix\}/g,
      (_, k: string) => `\\left${SMALL_MATRIX[k]![0]}\\begin{smallmatrix}`,
    )
    .replace(
      /\\end\{([pbBvV])smallmatrix\}/g,
      (_, k: string) => `\\end{smallmatrix}\\right${SMALL_MATRIX[k]![1]}`,
    );
}

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;
const BACKTICK = 0x60;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Index of the closing `$` for inline math opened at `start` (the opening `$`), or -1. */
function closingDollar(src: string, start: number, max: number): number {
  for (let i = start + 1; i < max; i++) {
    const c = src.charCodeAt(i);
    if (c === BACKSLASH) {
      i++; // \$ and \\ inside math are TeX, not delimiters
      continue;
    }
    // A backtick ends the search: inline math never spans into a code span, whose rule binds
    // tighter (CommonMark), so "$5 and `${x}$`" stays a price and a code span.
    if (c === BACKTICK) return -1;
    if (c === DOLLAR) {
      if (isSpace(src.charCodeAt(i - 1))) continue;
      if (i + 1 < max && isDigit(src.charCodeAt(i + 1))) continue;
      return i;
    }
  }
  return -1;
}

/** Index of the closing `$$` at or after `from`, or -1 (skipping \$). */
function closingDouble(src: string, from: number, max: number): number {
  for (let i = from; i < max - 1; i++) {
    const c = src.charCodeAt(i);
    if (c === BACKSLASH) {
      i++;
      continue;
    }
    if (c === DOLLAR && src.charCodeAt(i + 1) === DOLLAR) return i;
  }
  return -1;
}

/** markdown-it plugin: `md.use(mathPlugin, ctx)`. Tokens render through `renderMath`. */
export function mathPlugin(md: MarkdownIt, ctx: MathContext): void {
  md.inline.ruler.after("escape", "math_inline", (state, silent) => {
    const { src, pos, posMax } = state;
    if (src.charCodeAt(pos) !== DOLLAR) return false;
    if (src.charCodeAt(pos + 1) === DOLLAR) {
      // $$…$$ inside a paragraph: display math.
      const end = closingDouble(src, pos + 2, posMax);
      if (end < 0 || end === pos + 2) return false;
      if (!silent) {
        const t = state.push("math_display_inline", "math", 0);
        t.content = src.slice(pos + 2, end);
        t.markup = "$$";
      }
      state.pos = end + 2;
      return true;
    }
    if (pos + 1 >= posMax || isSpace(src.charCodeAt(pos + 1))) return false;
    const end = closingDollar(src, pos, posMax);
    if (end < 0) return false;
    if (!silent) {
      const t = state.push("math_inline", "math", 0);
      t.content = src.slice(pos + 1, end);
      t.markup = "$";
    }
    state.pos = end + 1;
    return true;
  });

  md.block.ruler.before(
    "fence",
    "math_block",
    (state, startLine, endLine, silent) => {
      let start = state.bMarks[startLine]! + state.tShift[startLine]!;
      const max = state.eMarks[startLine]!;
      if (state.sCount[startLine]! - state.blkIndent >= 4) return false; // indented code
      if (
        start + 2 > max ||
        state.src.charCodeAt(start) !== DOLLAR ||
        state.src.charCodeAt(start + 1) !== DOLLAR
      )
        return false;
      start += 2;
      let content: string;
      let next = startLine;
      const firstRest = state.src.slice(start, max);
      const sameLine = closingDouble(firstRest, 0, firstRest.length);
      if (sameLine >= 0) {
        // $$ … $$ on one line; anything after the closing $$ must be blank.
        if (firstRest.slice(sameLine + 2).trim()) return false;
        content = firstRest.slice(0, sameLine);
      } else {
        const lines = [firstRest];
        let found = false;
        for (next = startLine + 1; next < endLine; next++) {
          const ls = state.bMarks[next]! + state.tShift[next]!;
          const le = state.eMarks[next]!;
          if (ls < le && state.sCount[next]! < state.blkIndent) break; // list/blockquote ended
          const line = state.src.slice(ls, le);
          const close = closingDouble(line, 0, line.length);
          if (close >= 0) {
            if (line.slice(close + 2).trim()) return false;
            lines.push(line.slice(0, close));
            found = true;
            break;
          }
          lines.push(line);
        }
        if (!found) return false;
        content = lines.join("\n");
      }
      if (silent) return true;
      state.line = next + 1;
      const t = state.push("math_block", "math", 0);
      t.block = true;
      t.content = content;
      t.markup = "$$";
      t.map = [startLine, state.line];
      return true;
    },
    { alt: ["paragraph", "reference", "blockquote", "list"] },
  );

  md.renderer.rules.math_inline = (tokens, idx) => renderMath(tokens[idx]!.content, false, ctx);
  md.renderer.rules.math_display_inline = (tokens, idx) =>
    renderMath(tokens[idx]!.content, true, ctx);
  md.renderer.rules.math_block = (tokens, idx) =>
    `<div class="math-display">${renderMath(tokens[idx]!.content, true, ctx)}</div>\n`;
}
