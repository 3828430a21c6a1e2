/**
 * The runner's save path and notebook format without a kernel (fast; written against StrykerJS
 * survivors of `npm run mutate -- runner`): nbformat parsing and its refusals by name, the on-disk
 * serialization (sorted keys, split lines, stable ids, stripped transient fields), saveProblem's
 * reasons, and an interrupted notebook write that must leave the old file intact.
 * The kernel-level paths (a save refused because the file changed on disk, kernel death, wrong
 * signatures on the wire) are in runner.test.ts and protocol.test.ts.
 */
import { strict as assert } from "node:assert";
import fs = require("fs"); // the module object itself (patchable)
import * as os from "node:os";
import * as path from "node:path";
import {
  cellTags,
  parseNotebook,
  readNotebook,
  saveTarget,
  serializeNotebook,
  splitLines,
  writeNotebook,
  writeFileAtomic,
} from "besselbook-host/dist/runner/notebook";
import type { Notebook } from "besselbook-host/dist/runner/notebook";
import { parseParam, saveProblem } from "besselbook-host/dist/runner/run";
import { BesselbookError, FormatError } from "besselbook";

function formatError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    return (e as Error).message;
  }
  assert.fail("expected a FormatError");
}
const nb = (cells: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells, ...extra });
const NOT = '; expected nbformat 4 JSON with a "cells" array';

describe("runner notebook format: parsing and its refusals", () => {
  it("every malformed shape is refused with the file, the cell and the output named", () => {
    const f = "x.ipynb";
    assert.match(
      formatError(() => parseNotebook(f, "{")),
      /^x\.ipynb: not valid JSON \(.*\); expected an \.ipynb notebook \(nbformat 4 JSON\)$/,
    );
    const cases: [string, string][] = [
      ["[]", "top level is an array"],
      ["3", "top level is number"],
      ["null", "top level is object"],
      [JSON.stringify({ nbformat: 3, cells: [] }), "nbformat is 3"],
      [JSON.stringify({ nbformat: "4", cells: [] }), 'nbformat is "4"'],
      [JSON.stringify({ nbformat: 4 }), '"cells" is missing'],
      [JSON.stringify({ nbformat: 4, cells: {} }), '"cells" is object'],
      [nb([null]), "cell 1 is not an object"],
      [nb([{ cell_type: "raw", source: "" }, 5]), "cell 2 is not an object"],
      [nb([{ cell_type: "heading", source: "" }]), 'cell 1 has cell_type "heading"'],
      [
        nb([{ cell_type: "code", source: 3 }]),
        "cell 1 source is neither a string nor a list of strings",
      ],
      [
        nb([{ cell_type: "code", source: ["a", 3] }]),
        "cell 1 source is neither a string nor a list of strings",
      ],
      [
        nb([{ cell_type: "code", source: "", outputs: {} }]),
        'cell 1 "outputs" is object, not an array',
      ],
      [
        nb([{ cell_type: "code", source: "", outputs: [null] }]),
        "cell 1 output 1 is null, not an output",
      ],
      [
        nb([{ cell_type: "code", source: "", outputs: [{ output_type: "stream", text: "" }, []] }]),
        "cell 1 output 2 is an array, not an output",
      ],
      [
        nb([{ cell_type: "code", source: "", outputs: ["text"] }]),
        "cell 1 output 1 is a string, not an output",
      ],
      [
        nb([{ cell_type: "code", source: "", outputs: [{ text: "x" }] }]),
        "cell 1 output 1 is an object without output_type, not an output",
      ],
      [
        nb([{ cell_type: "code", source: "", outputs: [{ output_type: 7 }] }]),
        "cell 1 output 1 is an object without output_type, not an output",
      ],
    ];
    for (const [text, why] of cases)
      assert.equal(
        formatError(() => parseNotebook(f, text)),
        `x.ipynb: not a Jupyter notebook: ${why}${NOT}`,
        text,
      );
  });

  it("joins line lists (sources, text outputs, attachments), keeps JSON mimes as they are, fills defaults", () => {
    const text = nb(
      [
        {
          cell_type: "markdown",
          source: ["# a\n", "b"],
          attachments: {
            "i.png": { "image/png": ["QUJD", "REVG"], "application/json": ["x", "y"] },
          },
        },
        {
          cell_type: "code",
          source: "1",
          outputs: [
            { output_type: "stream", name: "stdout", text: ["l1\n", "l2"] },
            { output_type: "stream", name: "stderr", text: "as is" },
            {
              output_type: "execute_result",
              execution_count: 1,
              metadata: {},
              data: {
                "text/plain": ["a\n", "b"],
                "application/vnd.x+json": ["k"],
                "application/json": ["j"],
              },
            },
            { output_type: "display_data", metadata: {} },
            { output_type: "error", ename: "E", evalue: "v", traceback: ["t1", "t2"] },
          ],
        },
        { cell_type: "code", source: "2" },
      ],
      { nbformat_minor: "4", metadata: null },
    );
    const p = parseNotebook("m.ipynb", text);
    assert.equal(p.nbformat_minor, 0, "a non-number minor version reads as 0");
    assert.deepEqual(p.metadata, {});
    assert.equal(p.cells[0]!.source, "# a\nb");
    assert.deepEqual(p.cells[0]!.metadata, {});
    assert.deepEqual(p.cells[0]!.attachments, {
      "i.png": { "image/png": "QUJDREVG", "application/json": ["x", "y"] },
    });
    assert.equal(p.cells[0]!.outputs, undefined, "markdown cells get no outputs");
    const o = p.cells[1]!.outputs!;
    assert.deepEqual(o[0], { output_type: "stream", name: "stdout", text: "l1\nl2" });
    assert.deepEqual(o[1], { output_type: "stream", name: "stderr", text: "as is" });
    assert.deepEqual(o[2], {
      output_type: "execute_result",
      execution_count: 1,
      metadata: {},
      data: { "text/plain": "a\nb", "application/vnd.x+json": ["k"], "application/json": ["j"] },
    });
    assert.deepEqual(o[3], { output_type: "display_data", metadata: {}, data: {} });
    assert.deepEqual(o[4], {
      output_type: "error",
      ename: "E",
      evalue: "v",
      traceback: ["t1", "t2"],
    });
    assert.equal(p.cells[1]!.execution_count, null);
    assert.deepEqual(p.cells[2]!.outputs, []);
    assert.deepEqual(
      parseNotebook("m", nb([], { metadata: { a: 1 }, nbformat_minor: 4 })).metadata,
      { a: 1 },
    );
    assert.deepEqual(
      parseNotebook("m", nb([], { metadata: "junk" })).metadata,
      {},
      "non-object metadata is replaced",
    );
    const other = parseNotebook(
      "m",
      nb([
        {
          cell_type: "code",
          source: "",
          outputs: [
            { output_type: "future_type", text: ["a", "b"] },
            {
              output_type: "display_data",
              metadata: {},
              data: {
                "text/x+json": ["a", "b"],
                "application/javascript": ["c", "d"],
                "application/geo+json": ["e"],
              },
            },
          ],
        },
      ]),
    ).cells[0]!.outputs!;
    assert.deepEqual(
      other[0],
      { output_type: "future_type", text: ["a", "b"] },
      "only stream text is joined",
    );
    assert.deepEqual(
      (other[1] as { data: unknown }).data,
      { "text/x+json": "ab", "application/javascript": "cd", "application/geo+json": ["e"] },
      "JSON mimes are application/json and application/*+json",
    );
    assert.equal(parseNotebook("m", nb([], { nbformat_minor: 4 })).nbformat_minor, 4);
  });

  it("cellTags: only string tags of an array; none otherwise", () => {
    const c = (metadata: unknown) =>
      ({ cell_type: "code" as const, source: "", metadata }) as never;
    assert.deepEqual(cellTags(c({ tags: ["a", 3, "b", null] })), ["a", "b"]);
    assert.deepEqual(cellTags(c({ tags: "a" })), []);
    assert.deepEqual(cellTags(c(undefined)), []);
  });

  it("splitLines breaks on every Python line boundary, keeping the ends", () => {
    assert.deepEqual(splitLines("a\vb\fc\x1cd\x1de\x1ef\x85g\u2028h\u2029i"), [
      "a\v",
      "b\f",
      "c\x1c",
      "d\x1d",
      "e\x1e",
      "f\x85",
      "g\u2028",
      "h\u2029",
      "i",
    ]);
    assert.deepEqual(splitLines("\r\n\n"), ["\r\n", "\n"]);
    assert.deepEqual(splitLines("no end"), ["no end"]);
  });

  it("readNotebook names an unreadable file with its error code", () => {
    const missing = path.join(os.tmpdir(), "bb-no-such-dir-x", "n.ipynb");
    assert.equal(
      formatError(() => readNotebook(missing)),
      `${missing}: cannot read (ENOENT)`,
    );
  });

  it("parseParam: key=value, value JSON when it parses; no key or no = is refused", () => {
    assert.deepEqual(parseParam("a=1.5"), ["a", 1.5]);
    assert.deepEqual(parseParam("a="), ["a", ""]);
    assert.deepEqual(parseParam('a={"b":[1]}'), ["a", { b: [1] }]);
    assert.deepEqual(parseParam("a=null"), ["a", null]);
    assert.deepEqual(parseParam('a={"b":null,"c":[1,"x"]}'), ["a", { b: null, c: [1, "x"] }]);
    for (const raw of ["1e400", "[1,-1e400]", '{"b":{"c":1e999}}', '{"a":1e400,"b":1}']) {
      assert.throws(
        () => parseParam(`k=${raw}`),
        (e: unknown) =>
          e instanceof BesselbookError &&
          (e as Error).message ===
            `-p k=${raw}: not a finite number (JSON cannot carry ±Infinity); expected a value like k=2`,
      );
    }
    for (const bad of ["=1", "a", ""])
      assert.throws(
        () => parseParam(bad),
        (e: unknown) =>
          e instanceof BesselbookError &&
          (e as Error).message === `-p expects key=value, got "${bad}"`,
      );
  });
});

describe("runner notebook format: the on-disk serialization", () => {
  const base = (cells: unknown[], meta: Record<string, unknown> = {}, minor = 5): Notebook =>
    ({ nbformat: 4, nbformat_minor: minor, metadata: meta, cells }) as Notebook;

  it("exact text: sorted keys (by code point), indent 1, split lines, trailing newline, transient fields stripped", () => {
    const n = base(
      [
        {
          id: "c1",
          cell_type: "code",
          source: "a\nb",
          metadata: { trusted: true, z: 1, a: 2 },
          execution_count: 3,
          outputs: [
            { output_type: "stream", name: "stdout", text: "x\ny" },
            {
              output_type: "display_data",
              metadata: {},
              data: {
                "image/svg+xml": "<s>\n</s>",
                "application/javascript": "f\ng",
                "image/png": "QQ\nQQ",
                "text/html": "<b>\n</b>",
              },
            },
          ],
        },
        {
          id: "m1",
          cell_type: "markdown",
          source: "",
          metadata: {},
          attachments: { "p.png": { "text/plain": "t\nu", "image/png": "A\nB" } },
        },
      ],
      {
        signature: "s",
        orig_nbformat: 3,
        orig_nbformat_minor: 0,
        "\u{1F600}": 1,
        "\uE000": 2,
        kernelspec: { name: "k" },
      },
      4,
    );
    assert.equal(
      serializeNotebook(n),
      [
        "{",
        ' "cells": [',
        "  {",
        '   "cell_type": "code",',
        '   "execution_count": 3,',
        '   "id": "c1",',
        '   "metadata": {',
        '    "a": 2,',
        '    "z": 1',
        "   },",
        '   "outputs": [',
        "    {",
        '     "name": "stdout",',
        '     "output_type": "stream",',
        '     "text": [',
        '      "x\\n",',
        '      "y"',
        "     ]",
        "    },",
        "    {",
        '     "data": {',
        '      "application/javascript": [',
        '       "f\\n",',
        '       "g"',
        "      ],",
        '      "image/png": "QQ\\nQQ",',
        '      "image/svg+xml": [',
        '       "<s>\\n",',
        '       "</s>"',
        "      ],",
        '      "text/html": [',
        '       "<b>\\n",',
        '       "</b>"',
        "      ]",
        "     },",
        '     "metadata": {},',
        '     "output_type": "display_data"',
        "    }",
        "   ],",
        '   "source": [',
        '    "a\\n",',
        '    "b"',
        "   ]",
        "  },",
        "  {",
        '   "attachments": {',
        '    "p.png": {',
        '     "image/png": "A\\nB",',
        '     "text/plain": [',
        '      "t\\n",',
        '      "u"',
        "     ]",
        "    }",
        "   },",
        '   "cell_type": "markdown",',
        '   "id": "m1",',
        '   "metadata": {},',
        '   "source": []',
        "  }",
        " ],",
        ' "metadata": {',
        '  "kernelspec": {',
        '   "name": "k"',
        "  },",
        '  "\uE000": 2,',
        '  "\u{1F600}": 1',
        " },",
        ' "nbformat": 4,',
        ' "nbformat_minor": 5',
        "}",
        "",
      ].join("\n"),
    );
    assert.equal(n.cells[0]!.metadata.trusted, true, "the notebook in memory is not modified");
    assert.equal(n.metadata.signature, "s");
  });

  it("ids: kept when present, stable and unique when missing (same source twice, an id already taken)", () => {
    const cells = [
      { cell_type: "code", source: "same", metadata: {} },
      { cell_type: "code", source: "same", metadata: {} },
      { cell_type: "raw", source: "r", metadata: {} },
    ];
    const once = JSON.parse(serializeNotebook(base(cells))) as {
      cells: { id: string; execution_count?: unknown; outputs?: unknown }[];
    };
    const ids = once.cells.map((c) => c.id);
    assert.equal(new Set(ids).size, 3);
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}$/);
    assert.deepEqual(
      JSON.parse(serializeNotebook(base(cells))).cells.map((c: { id: string }) => c.id),
      ids,
      "deterministic",
    );
    // An existing id equal to the one cell 0 would get forces a different (salted) id.
    const clash = JSON.parse(
      serializeNotebook(base([cells[0], { ...cells[2], id: ids[0] }])),
    ).cells.map((c: { id: string }) => c.id);
    assert.equal(clash[1], ids[0]);
    assert.notEqual(clash[0], ids[0]);
    assert.match(clash[0], /^[0-9a-f]{8}$/);
    assert.equal(once.cells[0]!.execution_count, null);
    assert.deepEqual(once.cells[0]!.outputs, []);
    assert.equal(once.cells[2]!.outputs, undefined, "raw cells get no outputs");
    assert.equal(JSON.parse(serializeNotebook(base([], {}, 7))).nbformat_minor, 7);
  });

  it("error and execute_result outputs, keys that are prefixes of others, data already split", () => {
    const text = serializeNotebook(
      base([
        {
          id: "e",
          cell_type: "code",
          source: "",
          metadata: { ab: 1, a: 2, b: 3 },
          execution_count: 2,
          outputs: [
            { output_type: "error", ename: "E", evalue: "v", traceback: ["t"] },
            {
              output_type: "execute_result",
              execution_count: 2,
              metadata: {},
              data: { "text/plain": "1\n2", "text/x": ["kept", "as is"] },
            },
          ],
        },
      ]),
    );
    const c = JSON.parse(text).cells[0];
    assert.deepEqual(c.outputs[0], {
      ename: "E",
      evalue: "v",
      output_type: "error",
      traceback: ["t"],
    });
    assert.deepEqual(c.outputs[1].data, {
      "text/plain": ["1\n", "2"],
      "text/x": ["kept", "as is"],
    });
    assert.deepEqual(
      Object.keys(c.metadata),
      ["a", "ab", "b"],
      "a before ab (shorter prefix first)",
    );
  });

  it("a missing id that clashes with a taken one is re-salted deterministically (sha256 of index, salt, source)", () => {
    const { createHash } = require("node:crypto") as typeof import("node:crypto");
    const id = (i: number, salt: number, src: string) =>
      createHash("sha256").update(`${i}\0${salt}\0${src}`).digest("hex").slice(0, 8);
    const cells = [
      { cell_type: "code", source: "s", metadata: {} },
      { cell_type: "raw", source: "r", metadata: {}, id: id(0, 0, "s") },
    ];
    const ids = JSON.parse(serializeNotebook(base(cells))).cells.map((c: { id: string }) => c.id);
    assert.deepEqual(ids, [id(0, 1, "s"), id(0, 0, "s")]);
    assert.equal(JSON.parse(serializeNotebook(base([cells[0]]))).cells[0].id, id(0, 0, "s"));
  });

  it("parse ∘ serialize is the identity on what it wrote", () => {
    const text = serializeNotebook(
      base([
        {
          id: "a",
          cell_type: "code",
          source: "x\r\ny",
          metadata: { tags: ["t"] },
          execution_count: 1,
          outputs: [{ output_type: "stream", name: "stdout", text: "1\n2\n" }],
        },
      ]),
    );
    assert.equal(serializeNotebook(parseNotebook("r", text)), text);
  });
});

describe("runner save path: saveProblem, saveTarget and an interrupted notebook write", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "bb-save-")));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const NB = base1();
  function base1(): Notebook {
    return {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          id: "i",
          cell_type: "code",
          source: "new",
          metadata: {},
          execution_count: 1,
          outputs: [],
        },
      ],
    } as Notebook;
  }

  it("saveProblem: none for a writable file; the reason (and the symlink's target) otherwise", () => {
    const f = path.join(dir, "a.ipynb");
    assert.equal(saveProblem(f), "cannot save: ENOENT");
    fs.writeFileSync(f, "{}");
    assert.equal(saveProblem(f), undefined);
    fs.symlinkSync(f, path.join(dir, "link.ipynb"));
    assert.equal(saveProblem(path.join(dir, "link.ipynb")), undefined);
    fs.chmodSync(f, 0o444);
    assert.equal(
      saveProblem(f),
      "the notebook is read-only (mode 0444); --save will not overwrite it (make it writable, or run without --save)",
    );
    assert.equal(
      saveProblem(path.join(dir, "link.ipynb")),
      `the notebook (symlink to ${f}) is read-only (mode 0444); --save will not overwrite it (make it writable, or run without --save)`,
    );
    fs.chmodSync(f, 0o400);
    assert.match(saveProblem(f)!, /mode 0400/);
    fs.chmodSync(f, 0o200);
    assert.equal(saveProblem(f), undefined, "any write bit makes it writable");
    fs.rmSync(f);
    assert.equal(
      saveProblem(path.join(dir, "link.ipynb")),
      "cannot save: ENOENT",
      "a dangling link cannot be saved",
    );
  });

  it("saveProblem: a file or a directory this user may not write (access denied although mode bits allow)", () => {
    const f = path.join(dir, "a.ipynb");
    fs.writeFileSync(f, "{}");
    const real = fs.accessSync;
    const deny = (which: string) =>
      ((p: fs.PathLike, mode?: number) => {
        if (String(p) === which) throw Object.assign(new Error("EACCES"), { code: "EACCES" });
        return real(p, mode);
      }) as typeof fs.accessSync;
    try {
      (fs as { accessSync: unknown }).accessSync = deny(f);
      assert.equal(
        saveProblem(f),
        "the notebook is not writable by this user (EACCES); nothing was run",
      );
      (fs as { accessSync: unknown }).accessSync = deny(dir);
      assert.equal(
        saveProblem(f),
        `its directory ${dir} is not writable (EACCES); --save writes a temp file there and renames it over the notebook`,
      );
    } finally {
      (fs as { accessSync: unknown }).accessSync = real;
    }
    assert.equal(saveProblem(f), undefined);
  });

  it("saveTarget: a symlink's final target, or the path itself when it does not exist", () => {
    const f = path.join(dir, "t.ipynb");
    fs.writeFileSync(f, "{}");
    fs.symlinkSync(f, path.join(dir, "l1"));
    fs.symlinkSync(path.join(dir, "l1"), path.join(dir, "l2"));
    assert.equal(saveTarget(path.join(dir, "l2")), f);
    assert.equal(saveTarget(path.join(dir, "new.ipynb")), path.join(dir, "new.ipynb"));
  });

  it("writeNotebook through a symlink rewrites its target and keeps the link", () => {
    const f = path.join(dir, "t.ipynb");
    fs.writeFileSync(f, "old");
    fs.symlinkSync(f, path.join(dir, "l.ipynb"));
    writeNotebook(path.join(dir, "l.ipynb"), NB);
    assert.ok(fs.lstatSync(path.join(dir, "l.ipynb")).isSymbolicLink());
    assert.equal(fs.readFileSync(f, "utf8"), serializeNotebook(NB));
    writeFileAtomic(path.join(dir, "plain.txt"), "p");
    assert.equal(fs.readFileSync(path.join(dir, "plain.txt"), "utf8"), "p");
  });

  it("an interrupted write (disk full half-way, or a failed rename) leaves the old notebook intact, no temp file", () => {
    const f = path.join(dir, "n.ipynb");
    fs.writeFileSync(f, "OLD NOTEBOOK\n");
    const realWrite = fs.writeFileSync,
      realRename = fs.renameSync;
    let writes = 0;
    (fs as { writeFileSync: unknown }).writeFileSync = (target: number, data: string) => {
      writes++;
      realWrite(target, String(data).slice(0, 10));
      throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
    };
    try {
      assert.throws(() => writeNotebook(f, NB), /ENOSPC/);
    } finally {
      (fs as { writeFileSync: unknown }).writeFileSync = realWrite;
    }
    assert.equal(writes, 1);
    assert.equal(fs.readFileSync(f, "utf8"), "OLD NOTEBOOK\n");
    assert.deepEqual(fs.readdirSync(dir), ["n.ipynb"]);
    (fs as { renameSync: unknown }).renameSync = () => {
      throw Object.assign(new Error("EIO: rename"), { code: "EIO" });
    };
    try {
      assert.throws(() => writeNotebook(f, NB), /EIO/);
    } finally {
      (fs as { renameSync: unknown }).renameSync = realRename;
    }
    assert.equal(fs.readFileSync(f, "utf8"), "OLD NOTEBOOK\n");
    assert.deepEqual(fs.readdirSync(dir), ["n.ipynb"]);
    writeNotebook(f, NB);
    assert.equal(
      fs.readFileSync(f, "utf8"),
      serializeNotebook(NB),
      "and the same write succeeds once the disk is back",
    );
  });
});
