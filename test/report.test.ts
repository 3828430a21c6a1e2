/**
 * The committed claims ledger and reproduction report: every claim in results/*.json has a source
 * (a REFERENCES.md key or "ours") and a passing check, REPORT.md and README's table match the
 * results, and nothing cites a file outside the repository.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, referenceKeys } from "besselbook";
import {
  expectedReport,
  loadResults,
  reportMarkdown,
  ResultsDoc,
} from "besselbook-host/dist/book/report";

const root = repoRoot();
const keys = referenceKeys(path.join(root, "REFERENCES.md"));
const docs = loadResults(path.join(root, "results"));

/**
 * Claims a notebook registers only when an optional experiment runs, with the boolean parameter
 * that switches it on (05's rendered-rotation control, outside the budgeted run since session 6).
 */
const OPTIONAL_CLAIMS: Record<string, Record<string, string>> = {
  "05_bessel_cnn": { "rendered-aug": "renderedControl" },
};

describe("claims ledger: committed results", () => {
  it("every results file is a full-mode run (smoke results are never committed)", () => {
    for (const d of docs) assert.equal(d.mode, "full", `${d.notebook}: mode ${d.mode}`);
  });

  it("every claim has a source and a passing check; no check failed", () => {
    let n = 0;
    for (const d of docs) {
      for (const [id, c] of Object.entries(d.claims ?? {})) {
        n++;
        const where = `${d.notebook}: claim ${id}`;
        if (c.source === "ours") assert.equal(c.kind, "ours", where);
        else {
          assert.ok(
            keys.has(c.source.ref),
            `${where}: source ${c.source.ref} is not in REFERENCES.md`,
          );
          assert.ok(c.source.where.trim().length > 0, `${where}: source without a location`);
        }
        assert.ok(!c.checks.some((k) => !k.passed), `${where}: a check failed`);
        if (c.kind === "untestable" || c.kind === "differs")
          assert.ok((c.why ?? "").length >= 10, `${where}: kind ${c.kind} without why`);
        if (c.kind !== "untestable")
          assert.ok(
            c.checks.some((k) => k.passed),
            `${where}: no passing check`,
          );
        assert.ok(!["failed", "unchecked"].includes(c.verdict), `${where}: verdict ${c.verdict}`);
      }
      assert.ok(
        !(d.checks ?? []).some((k) => !k.passed),
        `${d.notebook}: a failed check in the ledger`,
      );
    }
    assert.ok(n > 0, "no claims at all in results/");
  });

  it("a notebook that declares claims has them in its committed results (re-run after adding claims)", () => {
    const nbDir = path.join(root, "notebooks");
    for (const f of fs.readdirSync(nbDir).filter((x) => x.endsWith(".ipynb"))) {
      const text = fs.readFileSync(path.join(nbDir, f), "utf8");
      const declared = new Set([...text.matchAll(/claim\(\\"([a-z0-9-]+)\\"/g)].map((m) => m[1]!));
      if (declared.size === 0) continue;
      const stem = f.replace(/\.ipynb$/, "");
      const doc = docs.find((d) => d.notebook === stem);
      assert.ok(doc, `${f} declares claims but results/${stem}.json is missing`);
      const recorded = new Set(Object.keys(doc!.claims ?? {}));
      const params = (doc as unknown as { params?: Record<string, unknown> }).params ?? {};
      for (const id of declared) {
        // a claim registered only when an optional experiment runs may be absent, but only when the
        // saved run had that parameter off (then a run with it on must record the claim)
        const opt = OPTIONAL_CLAIMS[stem]?.[id];
        if (opt !== undefined && !recorded.has(id)) {
          assert.equal(
            params[opt],
            false,
            `${f}: claim ${id} is optional (P.${opt}) but the saved run has ${opt} = ${String(params[opt])}`,
          );
          continue;
        }
        assert.ok(
          recorded.has(id),
          `${f}: claim ${id} is not in results/${stem}.json (re-run the notebook with --save)`,
        );
      }
    }
  });

  it("REPORT.md and README.md's report table are up to date (npm run report)", () => {
    const want = expectedReport(root);
    assert.equal(
      fs.readFileSync(path.join(root, "REPORT.md"), "utf8"),
      want.report,
      "REPORT.md is stale: run npm run report",
    );
    assert.equal(
      fs.readFileSync(path.join(root, "README.md"), "utf8"),
      want.readme,
      "README.md's report table is stale: run npm run report",
    );
  });

  it("the report leaves out smoke runs and shows each claim's source link, measurement and verdict", () => {
    const fake = [
      {
        notebook: "zz_a",
        mode: "smoke",
        seed: 0,
        backend: "wasm",
        claims: {
          x: { text: "t", source: "ours" as const, kind: "ours", verdict: "ours", checks: [] },
        },
      },
      {
        notebook: "zz_b",
        mode: "full",
        seed: 0,
        backend: "wasm",
        claims: {
          fano: {
            text: "Fano bounds the error",
            source: { ref: "gray2011", where: "Lemma 6.2" },
            kind: "reproduces",
            verdict: "reproduced",
            checks: [
              {
                check: "above",
                what: "gap",
                passed: true,
                value: { mean: 0.5, lo: 0.4, hi: 0.6, level: 0.95, values: [0.4, 0.5, 0.6] },
                tol: { above: 0 },
              },
            ],
          },
        },
      },
    ];
    const md = reportMarkdown(fake as unknown as ResultsDoc[], path.join(root, "REFERENCES.md"));
    assert.doesNotMatch(md, /\| zz_a \|/);
    assert.match(md, /Left out \(not a full-mode run\): zz_a/);
    assert.match(
      md,
      /\| zz_b \| \*\*fano\*\*: Fano bounds the error \| \[gray2011\]\(REFERENCES\.md#gray2011\), Lemma 6\.2 \| gap: 0\.5 \(95% CI 0\.4…0\.6, 3 runs\) \| > 0 \| reproduced \|/,
    );
    assert.match(md, /## Information-theoretic lower bounds/);
    // a notebook under revision (a markdown cell tagged "status") is named and its rows marked
    const marked = reportMarkdown(
      fake as unknown as ResultsDoc[],
      path.join(root, "REFERENCES.md"),
      "REFERENCES.md",
      { zz_b: "Status: seed 0 was not seeded" },
    );
    assert.match(marked, /\*\*Under revision\*\*[^]*- zz_b: Status: seed 0 was not seeded/);
    assert.match(
      marked,
      /reproduced \*\*\(under revision: see the notebook's status cell\)\*\* \|/,
    );
  });
});

describe("citations stay inside the repository", () => {
  const files = [
    ...fs
      .readdirSync(path.join(root, "notebooks"))
      .filter((f) => f.endsWith(".ipynb"))
      .map((f) => path.join(root, "notebooks", f)),
    path.join(root, "README.md"),
    path.join(root, "environment.md"),
  ];
  const walk = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  files.push(
    ...[path.join(root, "lib", "src"), path.join(root, "tools", "host", "src")]
      .flatMap(walk)
      .filter((f) => f.endsWith(".ts")),
  );

  it("nothing cites PAPERS.md (not part of the project)", () => {
    const bad = files
      .filter((f) => fs.readFileSync(f, "utf8").includes("PAPERS.md"))
      .map((f) => path.relative(root, f));
    assert.deepEqual(bad, []);
  });

  it("every link into REFERENCES.md names an existing anchor", () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const m of fs.readFileSync(f, "utf8").matchAll(/REFERENCES\.md#([A-Za-z0-9_-]+)/g)) {
        if (!keys.has(m[1]!)) bad.push(`${path.relative(root, f)}: #${m[1]}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});
