import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { type FileHandle, open, readdir, realpath, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Compress the content with gzip as it is written. */
  gzip?: boolean;
  /**
   * Called once the temporary file holds the first half of the text, before the rest: the test
   * of signals stops the write there. Not for anything else.
   *
   * @internal
   */
  halfWritten?: (temporary: string) => Promise<void>;
}

/**
 * Writes a file atomically: to a temporary file beside it (`.<name>.asset-diff-<pid>-<random>.tmp`),
 * flushed to disk, then renamed over the target, so that a reader never sees a half-written file
 * and a failure leaves the target as it was.
 *
 * - A symlink is written through: the file it points to is replaced, the link stays.
 * - An existing target's permissions are kept.
 * - A target that exists and is neither a regular file nor a directory (a device such as
 *   `/dev/null` or `/dev/full`, a FIFO, `/dev/stdout`) is written into directly, never replaced;
 *   its write errors (`ENOSPC` for `/dev/full`) are thrown as they are.
 * - When SIGINT, SIGTERM or SIGHUP ends the process during the write, the temporary file is
 *   removed first (the signal's default behaviour then ends the process, unless the program
 *   has its own handlers).
 * - A temporary file of the same target left by a process that no longer runs (killed with
 *   SIGKILL, or a crash of the machine) is removed before writing.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Iterable<string>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  // The signal test stops half way through one text.
  const text =
    typeof content === "string" ? content : options.halfWritten ? [...content].join("") : undefined;
  const target = await realpath(path).catch(() => path);
  const existing = await stat(target).catch(() => undefined);
  if (existing !== undefined && !existing.isFile() && !existing.isDirectory()) {
    // A device, a FIFO or a socket (/dev/null, /dev/full, /dev/stdout): renaming a file over it
    // would replace it. It has no half-written state a reader could see, so write into it.
    await writeInto(target, content, options.gzip === true);
    return;
  }
  const dir = dirname(target);
  const prefix = temporaryPrefix(basename(target));
  await removeStaleTemporaries(dir, prefix);
  const temporary = join(dir, `${prefix}${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
  const mode = existing?.isFile() ? existing.mode & 0o7777 : undefined;
  track(temporary);
  try {
    const file = await open(temporary, "wx");
    try {
      if (mode !== undefined) await file.chmod(mode);
      if (options.halfWritten && text !== undefined && !options.gzip) {
        const half = Math.floor(text.length / 2);
        await file.writeFile(text.slice(0, half), "utf8");
        await options.halfWritten(temporary);
        await file.writeFile(text.slice(half), "utf8");
      } else {
        await writeContent(file, text ?? content, options.gzip === true);
      }
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    untrack(temporary);
  }
  await syncDirectory(dir);
}

// --- internal ---

async function writeInto(
  target: string,
  content: string | Iterable<string>,
  gzip: boolean,
): Promise<void> {
  const file = await open(target, "w");
  try {
    await writeContent(file, content, gzip);
  } finally {
    await file.close();
  }
}

/** Writes text or pieces of text to an open file, through gzip when asked; the file stays open. */
async function writeContent(
  file: FileHandle,
  content: string | Iterable<string>,
  gzip: boolean,
): Promise<void> {
  if (!gzip) {
    if (typeof content === "string") await file.writeFile(content, "utf8");
    else for (const piece of content) await file.write(piece, null, "utf8");
    return;
  }
  const pieces = typeof content === "string" ? [content] : content;
  await pipeline(Readable.from(pieces, { objectMode: false }), createGzip(), async (compressed) => {
    for await (const chunk of compressed) await file.write(chunk as Buffer);
  });
}

/** What follows a temporary file's prefix: `<pid>-<random>.tmp`. */
const TEMPORARY_SUFFIX = /^(\d+)-[0-9a-f]{12}\.tmp$/;

/**
 * What a temporary file's name starts with, up to the pid: `.<name>.asset-diff-`, the name
 * shortened to keep the whole within 255 bytes.
 */
function temporaryPrefix(name: string): string {
  let short = "";
  for (const char of name) {
    if (Buffer.byteLength(short + char) > 200) break;
    short += char;
  }
  return `.${short}.asset-diff-`;
}

/**
 * Removes the temporary files of a target whose writer is gone: its pid does not run, or it is
 * this process's pid (reused, as in a container) but this process is not writing it.
 * Best effort: what cannot be listed or removed is left.
 */
async function removeStaleTemporaries(dir: string, prefix: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = TEMPORARY_SUFFIX.exec(name.slice(prefix.length))?.[1];
    if (pid === undefined) continue;
    const path = join(dir, name);
    if (inFlight.has(path) || isRunning(Number(pid))) continue;
    await rm(path, { force: true }).catch(() => {});
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Makes the rename durable; not every platform can open a directory (Windows cannot). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The file is written; only its durability across a power cut is not guaranteed.
  }
}

/** The signals after which a temporary file being written is removed. */
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * The temporary files this process is writing. Process-wide on purpose: a signal ends the
 * process, whatever call is writing. The handlers are installed only while it is not empty.
 */
const inFlight = new Set<string>();

function track(temporary: string): void {
  if (inFlight.size === 0) for (const signal of SIGNALS) process.on(signal, onSignal);
  inFlight.add(temporary);
}

function untrack(temporary: string): void {
  inFlight.delete(temporary);
  if (inFlight.size === 0) for (const signal of SIGNALS) process.off(signal, onSignal);
}

function onSignal(signal: NodeJS.Signals): void {
  for (const temporary of inFlight) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Left for the next run to remove.
    }
  }
  inFlight.clear();
  for (const s of SIGNALS) process.off(s, onSignal);
  // Without handlers of the program's own, the signal's default behaviour ends the process
  // (exit 130 for SIGINT, 143 for SIGTERM, as the shell reports it).
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
