import { createReadStream } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { InputReadError } from "../errors";
import { LIMITS } from "./limits";

/**
 * Largest input read as bytes by default ({@link LIMITS}`.inputBytes`).
 *
 * @internal Exported for the test that holds the defaults to {@link LIMITS}.
 */
export const DEFAULT_MAX_INPUT_BYTES: number = LIMITS.inputBytes.value;

/**
 * Largest input read as one text by default ({@link LIMITS}`.textBytes`): about the longest
 * string a JavaScript engine can hold.
 */
export const DEFAULT_MAX_TEXT_BYTES: number = LIMITS.textBytes.value;

/** Options of {@link readInputText}. */
export interface ReadInputOptions {
  /**
   * Refuse inputs larger than this many bytes (default {@link DEFAULT_MAX_INPUT_BYTES} for a file
   * or standard input, {@link DEFAULT_MAX_TEXT_BYTES} for what is held as one text).
   */
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
  const maxBytes = Math.min(options.maxBytes ?? DEFAULT_MAX_TEXT_BYTES, DEFAULT_MAX_TEXT_BYTES);
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

/**
 * Reads a whole input as bytes, as {@link readInputText} reads it as text: a file path, or `-`
 * for standard input. A gzip-compressed input (told by its first bytes, whatever its name) is
 * decompressed as it is read, and the limit applies to the decompressed bytes. The bytes are not
 * one string, so an input may be larger than the longest string a JavaScript engine holds.
 * `onBytes` is told of the bytes read so far (and the file's size, when known) about every 4 MiB.
 *
 * @example
 * const bytes = await readInputBytes("prod.json.gz");
 */
export async function readInputBytes(
  path: string,
  options: ReadInputOptions = {},
  onBytes: (read: number, total: number | undefined) => void = () => {},
): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (path === "-") return readBytes(options.stdin ?? process.stdin, STDIN_NAME, maxBytes, onBytes);
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, "r");
  } catch (error) {
    throw new InputReadError(path, describeFsError(error), { cause: error });
  }
  try {
    let size: number;
    try {
      const info = await file.stat();
      if (info.isDirectory()) throw new InputReadError(path, "is a directory, not a file");
      size = info.size;
    } catch (error) {
      if (error instanceof InputReadError) throw error;
      throw new InputReadError(path, describeFsError(error), { cause: error });
    }
    const head = Buffer.alloc(2);
    const { bytesRead } = await file.read(head, 0, 2, 0).catch((error: unknown) => {
      throw new InputReadError(path, describeFsError(error), { cause: error });
    });
    if (bytesRead === 2 && isGzip(head)) {
      return await readBytes(
        createReadStream(path, { highWaterMark: CHUNK }),
        path,
        maxBytes,
        onBytes,
      );
    }
    if (size > maxBytes) throw new InputReadError(path, tooLarge(size, maxBytes));
    // Into one buffer of the file's size: no chunks to join (readFile stops at 2 GiB).
    const buffer = Buffer.allocUnsafe(size);
    let filled = 0;
    try {
      while (filled < size) {
        const { bytesRead: read } = await file.read(
          buffer,
          filled,
          Math.min(CHUNK, size - filled),
          filled,
        );
        if (read === 0) break;
        filled += read;
        onBytes(filled, size);
      }
    } catch (error) {
      throw new InputReadError(path, describeFsError(error), { cause: error });
    }
    return filled === size ? buffer : buffer.subarray(0, filled);
  } finally {
    await file.close().catch(() => {});
  }
}

// --- internal ---

/** Bytes read at a time. */
const CHUNK = 4 * 1024 * 1024;

/** gzip's magic number. */
function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** A stream's bytes, decompressed when they are gzip, refused past `maxBytes`. */
async function readBytes(
  stream: AsyncIterable<Uint8Array | string>,
  name: string,
  maxBytes: number,
  onBytes: (read: number, total: number | undefined) => void,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const take = async (inflated: AsyncIterable<Uint8Array | string>): Promise<void> => {
    for await (const chunk of inflated) {
      const buffer = toBuffer(chunk);
      total += buffer.length;
      if (total > maxBytes) throw new InputReadError(name, tooLarge(total, maxBytes, true));
      chunks.push(buffer);
      onBytes(total, undefined);
    }
  };
  let gzip = false;
  try {
    const source = stream[Symbol.asyncIterator]();
    // Enough of the start to tell gzip by its two magic bytes, however the stream is chunked.
    const start: Buffer[] = [];
    let startBytes = 0;
    while (startBytes < 2) {
      const next = await source.next();
      if (next.done) break;
      const chunk = toBuffer(next.value);
      start.push(chunk);
      startBytes += chunk.length;
    }
    if (startBytes === 0) return Buffer.alloc(0);
    const head = start.length === 1 ? (start[0] as Buffer) : Buffer.concat(start);
    async function* whole(): AsyncGenerator<Buffer> {
      yield head;
      for (;;) {
        const next = await source.next();
        if (next.done) return;
        yield toBuffer(next.value);
      }
    }
    gzip = isGzip(head);
    if (gzip) await pipeline(whole(), createGunzip({ chunkSize: 1024 * 1024 }), take);
    else await take(whole());
  } catch (error) {
    if (error instanceof InputReadError) throw error;
    const why = gzip
      ? `is not valid gzip (${(error as Error).message})`
      : `could not be read (${(error as Error).message})`;
    throw new InputReadError(name, why, { cause: error });
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  return typeof chunk === "string"
    ? Buffer.from(chunk, "utf8")
    : Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

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
