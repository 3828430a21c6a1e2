/** File writes that never leave a half-written file behind — the one implementation in lib. */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/**
 * Write `data` to `file` atomically: write a hidden sibling temp file (exclusive create, fsync),
 * then rename it over the target. rename(2) within one directory is atomic on POSIX, so a reader
 * (git, JupyterLab, a parallel test) sees the old or the new file, never a truncated one, and a
 * failure leaves the target untouched. Keeps an existing target's permissions and creates parent
 * directories. The temp name starts with "." (skipped by notebook globbing), carries the pid
 * (concurrent writers don't clash) and ends in .tmp (git-ignored).
 */
export function atomicWrite(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(
    dir,
    `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`,
  );
  let fd: number | undefined;
  let created = false;
  try {
    fd = fs.openSync(tmp, "wx");
    created = true;
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    try {
      // A fresh temp file gets the umask default; keep the original file's mode.
      fs.chmodSync(tmp, fs.statSync(file).mode & 0o7777);
    } catch {
      /* target did not exist yet */
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    // Only our own temp file: if the exclusive create failed, the name belongs to someone else.
    if (created) fs.rmSync(tmp, { force: true });
    throw e;
  }
}
