/** File writes that never leave a half-written file behind. */
import * as fs from "fs";
import * as path from "path";

/**
 * Write `data` to `file` atomically: write a sibling temp file, then rename over the target.
 * rename(2) within one directory is atomic on POSIX, so a reader (git, a viewer, a parallel
 * test) sees either the old or the new file, never a truncated one. Creates parent directories.
 * The temp name ends in .tmp (git-ignored) and carries the pid so concurrent writers don't clash.
 */
export function atomicWrite(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.floor(Math.random() * 1e9)}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* temp file may not exist */ }
    throw e;
  }
}
