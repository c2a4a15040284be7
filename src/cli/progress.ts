/**
 * Progress on stderr while the inputs are read: on a terminal one line, rewritten in place at
 * most ten times a second and cleared at the end; elsewhere (`--progress` into a log) one line
 * per input and step once it is done, so that a CI log stays short. Never on stdout.
 */
import type { LoadProgress } from "../load/index";
import { formatCount } from "../text";

/** Where progress goes: stderr, and whether it is a terminal. */
export interface ProgressTarget {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Tells of each input's progress; `end` clears the terminal line. */
export interface ProgressReporter {
  onProgress(progress: LoadProgress, side: string): void;
  end(): void;
}

/**
 * A {@link ProgressReporter} writing to `target`.
 *
 * @example
 * const progress = progressReporter(process.stderr);
 * await loadAssetGraphs(base, branch, { onProgress: progress.onProgress });
 * progress.end();
 */
export function progressReporter(
  target: ProgressTarget,
  now: () => number = Date.now,
): ProgressReporter {
  const terminal = target.isTTY === true;
  let shownAt = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    onProgress(progress, side) {
      const complete = progress.total !== undefined && progress.done >= progress.total;
      if (!terminal) {
        if (complete) target.write(`asset-diff: ${describe(progress, side)}\n`);
        return;
      }
      const time = now();
      if (!complete && time - shownAt < INTERVAL_MS) return;
      shownAt = time;
      shown = true;
      target.write(`\r${CLEAR_LINE}asset-diff: ${describe(progress, side)}`);
    },
    end() {
      if (terminal && shown) target.write(`\r${CLEAR_LINE}`);
      shown = false;
    },
  };
}

// --- internal ---

/** Shortest time between two updates of the terminal line. */
const INTERVAL_MS = 100;

/** Erases from the cursor to the end of the line. */
const CLEAR_LINE = "\u001b[K";

function describe(progress: LoadProgress, side: string): string {
  const { done, total } = progress;
  if (progress.step === "read") {
    const of = total === undefined ? "" : ` of ${mebibytes(total)}`;
    return `reading ${side}: ${mebibytes(done)}${of}`;
  }
  return `reading ${side}: ${formatCount(done)} of ${formatCount(total ?? done)} assets`;
}

function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
