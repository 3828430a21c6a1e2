#!/usr/bin/env node
/**
 * Re-wraps comment lines longer than 100 characters in TypeScript files (prettier formats code but
 * leaves comments alone). Only paragraphs holding a line over the limit are touched; a paragraph is
 * a run of `//` or ` *` lines with one prefix, ended by a blank comment line, a list item, an
 * `@tag`, a table row, an indented (formula/code) line or a line with a comment opener or closer.
 * A one-line JSDoc comment over the limit becomes a block. Spaces inside `inline code` never
 * break. Code lines are never changed. Used by scripts/format.mjs (`npm run format`).
 */
const WIDTH = 100;
const PREFIX = /^(\s*)(\/\/|\*)( ?)(.*)$/;
const ONELINE = /^(\s*)\/\*\* (.*?) \*\/$/;
const NEWPARA = /^([-*+] |\d+[.)] |@|\|)/;
const len = (s) => [...s].length;

/** Greedy word wrap; spaces inside backticks are not break points. */
function wrap(text, width, hang = "") {
  const words = [];
  let cur = "";
  let inCode = false;
  for (const ch of text.trim()) {
    if (ch === "`") inCode = !inCode;
    if (ch === " " && !inCode) {
      if (cur) words.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur) words.push(cur);
  const lines = [];
  let line = "";
  for (const w of words) {
    const next = line ? `${line} ${w}` : (lines.length ? hang : "") + w;
    if (line && len(next) > width) {
      lines.push(line);
      line = hang + w;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function parse(line) {
  const m = PREFIX.exec(line);
  if (!m) return null;
  const [, indent, mark, , text] = m;
  if (mark === "//" && (text.startsWith("/") || text.startsWith("!"))) return null;
  if (line.includes("*/") || line.includes("/**") || text.includes("```")) return null;
  return { prefix: `${indent}${mark} `, text };
}

export function reflow(lines) {
  const out = [];
  let changed = 0;
  for (let i = 0; i < lines.length; ) {
    const one = ONELINE.exec(lines[i]);
    if (one && len(lines[i]) > WIDTH) {
      const [, ind, text] = one;
      const prefix = `${ind} * `;
      out.push(`${ind}/**`, ...wrap(text, WIDTH - len(prefix)).map((w) => prefix + w), `${ind} */`);
      changed++;
      i++;
      continue;
    }
    const p = parse(lines[i]);
    if (!p || p.text.trim() === "" || p.text.startsWith("  ") || p.text.startsWith("|")) {
      out.push(lines[i++]);
      continue;
    }
    const m = NEWPARA.exec(p.text);
    const hang = m && !p.text.startsWith("@") ? " ".repeat(m[0].length) : "";
    const para = [p.text];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const q = parse(lines[j]);
      if (!q || q.prefix !== p.prefix) break;
      const t = q.text;
      if (t.trim() === "" || NEWPARA.test(t)) break;
      if (hang && t.startsWith(hang) && !t.startsWith(hang + " ")) {
        para.push(t.slice(hang.length));
        continue;
      }
      if (t.startsWith(" ")) break;
      para.push(t);
    }
    const block = lines.slice(i, j);
    if (block.some((l) => len(l) > WIDTH)) {
      const words = para.map((s) => s.trim()).join(" ");
      const next = wrap(words, WIDTH - len(p.prefix), hang).map((w) => p.prefix + w);
      if (next.join("\n") !== block.join("\n")) changed++;
      out.push(...next);
    } else out.push(...block);
    i = j;
  }
  return { lines: out, changed };
}
