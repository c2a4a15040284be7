import { realpath, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../errors";

/**
 * The guard that keeps a run from writing over a file it reads: `--output` naming an input, the
 * configuration or the approvals file, or `approve`'s approvals file naming an input or the
 * configuration. Paths are compared as the file system resolves them (`..`, symlinks, and, for
 * files that exist, the device and inode, so hard links and case-insensitive names match too).
 */

/** A file the run reads. */
export interface ReadFile {
  /** What it is to the run, e.g. `the <base> input`. */
  what: string;
  /** As the user wrote it. */
  shown: string;
  /** Where it is, absolute or relative to the process's working directory. */
  path: string;
}

/** A file the run writes. */
export interface WrittenFile {
  /** How messages name it, e.g. `--output out.json`. */
  name: string;
  /** As the user wrote it. */
  shown: string;
  path: string;
}

/**
 * The files among `locations` (`[what, location]`) that are files: not `-` (standard input) and
 * not URLs.
 */
export function inputFiles(locations: readonly (readonly [string, string])[]): ReadFile[] {
  return locations
    .filter(([, location]) => location !== "-" && !/^https?:\/\//i.test(location))
    .map(([what, location]) => ({ what, shown: location, path: location }));
}

/**
 * Throws a `UsageError` (exit 2) when `written` is one of `read`. Nothing is read or written
 * here beyond the paths' metadata.
 */
export async function refuseOverwrite(
  written: WrittenFile,
  read: readonly ReadFile[],
): Promise<void> {
  if (read.length === 0) return;
  const target = await identify(written.path);
  for (const file of read) {
    if (!same(target, await identify(file.path))) continue;
    const also = file.shown === written.shown ? "" : ` (${file.shown})`;
    throw new UsageError(
      `${written.name} is ${file.what}${also}; asset-diff does not write over a file it reads, choose another file`,
    );
  }
}

// --- internal ---

interface Identity {
  /** The real path: of the file, or of its directory joined with its name when it does not exist. */
  real: string;
  /** `dev:ino` of a file that exists (absent where the file system has no inode numbers). */
  inode?: string;
}

async function identify(path: string): Promise<Identity> {
  try {
    const real = await realpath(path);
    const { dev, ino } = await stat(real, { bigint: true });
    return ino === 0n ? { real } : { real, inode: `${dev}:${ino}` };
  } catch {
    // Not there (yet): where it would be created.
    try {
      return { real: join(await realpath(dirname(path)), basename(path)) };
    } catch {
      return { real: resolve(path) };
    }
  }
}

function same(a: Identity, b: Identity): boolean {
  return a.real === b.real || (a.inode !== undefined && a.inode === b.inode);
}
