// atomicWrite (lib/src/kernel/io.ts): the one file-writing path behind --save, record(),
// finish() and figure files. The promise is "old file or new file, never a half-written one";
// these tests interrupt the write at each step and look at what is left on disk.
import { strict as assert } from "node:assert";
import fs = require("fs"); // the module object itself (patchable), not an import-star copy
import * as os from "node:os";
import * as path from "node:path";
import { atomicWrite } from "besselbook";

/** Replace fs[name] while fn runs (atomicWrite reads fs functions at call time). */
function patched<K extends keyof typeof fs>(name: K, impl: (typeof fs)[K], fn: () => void): void {
  const orig = fs[name];
  (fs as Record<string, unknown>)[name as string] = impl;
  try {
    fn();
  } finally {
    (fs as Record<string, unknown>)[name as string] = orig;
  }
}

describe("kernel io: atomicWrite", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bb-io-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes strings and bytes exactly, creating parent directories, leaving no temp file", () => {
    const f = path.join(dir, "a", "b", "out.json");
    atomicWrite(f, '{"x": 1}\n');
    assert.equal(fs.readFileSync(f, "utf8"), '{"x": 1}\n');
    const bytes = Uint8Array.from([0, 255, 10, 13, 128]);
    atomicWrite(f, bytes);
    assert.deepEqual([...fs.readFileSync(f)], [...bytes]);
    assert.deepEqual(fs.readdirSync(path.dirname(f)), ["out.json"]);
  });

  it("an interrupted write (disk full half-way) leaves the old file intact and no temp file", () => {
    const f = path.join(dir, "results.json");
    fs.writeFileSync(f, "OLD CONTENT, complete\n");
    const err = Object.assign(new Error("ENOSPC: no space left on device, write"), {
      code: "ENOSPC",
    });
    let wroteTo: unknown;
    const realWrite = fs.writeFileSync;
    patched(
      "writeFileSync",
      ((target: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView) => {
        wroteTo = target;
        const s = String(data);
        realWrite(target, s.slice(0, s.length >> 1)); // half of it reaches the disk, then the disk is full
        throw err;
      }) as typeof fs.writeFileSync,
      () => {
        assert.throws(
          () => atomicWrite(f, "NEW CONTENT that is much longer than the old one\n"),
          /ENOSPC/,
        );
      },
    );
    assert.equal(
      typeof wroteTo,
      "number",
      "the data goes to an open temp file descriptor, not to the target path",
    );
    assert.equal(fs.readFileSync(f, "utf8"), "OLD CONTENT, complete\n");
    assert.deepEqual(fs.readdirSync(dir), ["results.json"]);
  });

  it("a failed rename leaves the old file intact, removes the temp file and rethrows", () => {
    const f = path.join(dir, "fig.svg");
    fs.writeFileSync(f, "<svg>old</svg>");
    patched(
      "renameSync",
      (() => {
        throw Object.assign(new Error("EXDEV: rename failed"), { code: "EXDEV" });
      }) as typeof fs.renameSync,
      () => {
        assert.throws(() => atomicWrite(f, "<svg>new</svg>"), /EXDEV/);
      },
    );
    assert.equal(fs.readFileSync(f, "utf8"), "<svg>old</svg>");
    assert.deepEqual(fs.readdirSync(dir), ["fig.svg"]);
  });

  it("closes the temp file descriptor on failure (no leaked fds)", () => {
    const f = path.join(dir, "x.txt");
    const opened: number[] = [],
      closed: number[] = [];
    const realOpen = fs.openSync,
      realClose = fs.closeSync;
    patched(
      "openSync",
      ((p: fs.PathLike, flags: fs.OpenMode) => {
        const fd = realOpen(p, flags);
        opened.push(fd);
        return fd;
      }) as typeof fs.openSync,
      () => {
        patched(
          "closeSync",
          ((fd: number) => {
            closed.push(fd);
            realClose(fd);
          }) as typeof fs.closeSync,
          () => {
            patched(
              "fsyncSync",
              (() => {
                throw new Error("EIO: fsync failed");
              }) as typeof fs.fsyncSync,
              () => {
                assert.throws(() => atomicWrite(f, "data"), /EIO/);
              },
            );
          },
        );
      },
    );
    assert.equal(opened.length, 1);
    assert.deepEqual(closed, opened);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("flushes (fsync) the temp file before renaming it over the target", () => {
    const f = path.join(dir, "y.txt");
    const events: string[] = [];
    const realFsync = fs.fsyncSync,
      realRename = fs.renameSync;
    patched(
      "fsyncSync",
      ((fd: number) => {
        events.push("fsync");
        realFsync(fd);
      }) as typeof fs.fsyncSync,
      () => {
        patched(
          "renameSync",
          ((a: fs.PathLike, b: fs.PathLike) => {
            events.push(`rename ${path.basename(String(a))} → ${path.basename(String(b))}`);
            realRename(a, b);
          }) as typeof fs.renameSync,
          () => {
            atomicWrite(f, "data");
          },
        );
      },
    );
    assert.equal(events.length, 2);
    assert.equal(events[0], "fsync");
    // hidden (notebook globbing skips it), carries the pid, ends in .tmp (git-ignored)
    assert.match(
      events[1]!,
      new RegExp(`^rename \\.y\\.txt\\.${process.pid}\\.[0-9a-f]{8}\\.tmp → y\\.txt$`),
    );
    assert.equal(fs.readFileSync(f, "utf8"), "data");
  });

  it("keeps an existing target's permissions; a new file gets the umask default", () => {
    const f = path.join(dir, "keep.txt");
    fs.writeFileSync(f, "old");
    fs.chmodSync(f, 0o640);
    atomicWrite(f, "new");
    assert.equal(fs.statSync(f).mode & 0o7777, 0o640);
    fs.chmodSync(f, 0o755);
    atomicWrite(f, "newer");
    assert.equal(fs.statSync(f).mode & 0o7777, 0o755);
    const g = path.join(dir, "fresh.txt");
    atomicWrite(g, "x");
    const umask = process.umask();
    assert.equal(fs.statSync(g).mode & 0o777, 0o666 & ~umask);
  });

  it("never clobbers someone else's temp file (exclusive create)", () => {
    const f = path.join(dir, "z.txt");
    let tmp = "";
    const realOpen = fs.openSync;
    patched(
      "openSync",
      ((p: fs.PathLike, flags: fs.OpenMode) => {
        tmp = String(p);
        fs.writeFileSync(tmp, "another writer's temp file");
        return realOpen(p, flags);
      }) as typeof fs.openSync,
      () => {
        assert.throws(() => atomicWrite(f, "data"), /EEXIST/);
      },
    );
    assert.ok(!fs.existsSync(f));
    assert.equal(fs.readFileSync(tmp, "utf8"), "another writer's temp file", "and leaves it alone");
  });

  it("a failed create reports its own error (not a cleanup error)", () => {
    const f = path.join(dir, "denied.txt");
    patched(
      "openSync",
      (() => {
        throw Object.assign(new Error("EACCES: permission denied, open"), { code: "EACCES" });
      }) as typeof fs.openSync,
      () => {
        assert.throws(() => atomicWrite(f, "data"), /EACCES/);
      },
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
