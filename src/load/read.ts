import { readFile, stat } from "node:fs/promises";
import { InputReadError } from "../errors";
import { LIMITS } from "./limits";

/**
 * Largest input read by default ({@link LIMITS}`.inputBytes`): about the longest string a
 * JavaScript engine can hold.
 */
export const DEFAULT_MAX_INPUT_BYTES: number = LIMITS.inputBytes.value;

/** Options of {@link readInputText}. */
export interface ReadInputOptions {
  /** Refuse inputs larger than this many bytes (default {@link DEFAULT_MAX_INPUT_BYTES}). */
  maxBytes?: number;
  /** Where `-` reads from; `process.stdin` by default. */
  stdin?: AsyncIterable<Uint8Array | string>;
}

/** The name used for standard input in messages. */
export const STDIN_NAME = "<stdin>";

/**
 * Reads a whole input as UTF-8 text: a file path, or `-` for standard input. Missing files,
 * directories and inputs over the size limit give an {@link InputReadError}.
 *
 * @example
 * const text = await readInputText("prod.json");
 */
export async function readInputText(path: string, options: ReadInputOptions = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (path === "-") return readStream(options.stdin ?? process.stdin, maxBytes);
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputReadError(path, "is a directory, not a file");
    size = info.size;
  } catch (error) {
    if (error instanceof InputReadError) throw error;
    throw new InputReadError(path, describeFsError(error), { cause: error });
  }
  if (size > maxBytes) throw new InputReadError(path, tooLarge(size, maxBytes));
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new InputReadError(path, describeFsError(error), { cause: error });
  }
}

// --- internal ---

async function readStream(
  stream: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
      total += buffer.length;
      if (total > maxBytes) throw new InputReadError(STDIN_NAME, tooLarge(total, maxBytes, true));
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof InputReadError) throw error;
    throw new InputReadError(STDIN_NAME, `could not be read (${(error as Error).message})`, {
      cause: error,
    });
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge(size: number, maxBytes: number, atLeast = false): string {
  return `is ${atLeast ? "over " : ""}${formatBytes(size)}, larger than the ${formatBytes(maxBytes)} limit`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "does not exist";
    case "EACCES":
    case "EPERM":
      return "cannot be read (permission denied)";
    case "EISDIR":
      return "is a directory, not a file";
    default:
      return `cannot be read (${code ?? (error as Error | undefined)?.message ?? "unknown error"})`;
  }
}
