import type { AssetChange } from "../diff/change-set";
import type { Asset, AssetGraph } from "../model/asset";
import { assetId } from "../model/key";
import type { CodeReference } from "../model/metadata";
import { normalize } from "../normalize/normalize";

/**
 * Where a changed asset is defined, from its code-reference metadata (`dagster/code_references`):
 * what the renderers that point into the repository (GitHub annotations, GitLab Code Quality)
 * share.
 */

/** Code hosts whose blob URLs name a file of the repository; the single source for {@link CodeHost}. */
const CODE_HOSTS = ["github", "gitlab"] as const;

/** See {@link CODE_HOSTS}. */
type CodeHost = (typeof CODE_HOSTS)[number];

/** A file of the repository, relative to its root, and the line when the reference names one. */
export interface SourcePosition {
  file: string;
  line: number | null;
}

/** How code references are read: where the checkout is, and which hosts' URLs are understood. */
export interface PositionOptions {
  /** The checkout's root: absolute paths under it are made relative; others are not used. */
  workspace?: string | undefined;
  /** The hosts whose blob URLs are read (a URL of another host is not used). */
  hosts: readonly CodeHost[];
}

/**
 * Finds the definition of each changed asset in the graphs it came from: the base's for a removed
 * asset, the branch's otherwise. Graphs built in code are validated as everywhere else (a
 * `ValidationError`, not a `TypeError` on a malformed code reference).
 */
export function definitionsOf(
  graphs: { base: AssetGraph; branch: AssetGraph } | undefined,
): (change: AssetChange) => Asset | undefined {
  if (graphs === undefined) return () => undefined;
  const base = byIdentity(normalize(graphs.base));
  const branch = byIdentity(normalize(graphs.branch));
  return (change) =>
    (change.changeTypes.includes("REMOVED") ? base : branch).get(
      assetId({
        key: change.path,
        codeLocation: change.codeLocation,
        repository: change.repository,
      }),
    );
}

/**
 * Where an asset is defined, from its first usable code reference: a local file (relative, or
 * absolute under the workspace) or a blob URL of one of the hosts.
 */
export function sourcePosition(asset: Asset, options: PositionOptions): SourcePosition | undefined {
  const entry = asset.metadata?.find((m) => m.key === "dagster/code_references");
  if (entry?.value.type !== "codeReferences") return undefined;
  for (const ref of entry.value.codeReferences) {
    const position = referencePosition(ref, options);
    if (position) return position;
  }
  return undefined;
}

// --- internal ---

/**
 * Blob URLs, by host: the file's path (percent-encoded) and the line.
 * GitHub: `https://github.com/OWNER/REPO/blob/REF/path/to/file.py#L12`;
 * GitLab (any instance, groups nested): `https://HOST/GROUP/PROJECT/-/blob/REF/path/to/file.py#L12`.
 */
const BLOB_URLS: Record<CodeHost, RegExp> = {
  github: /^https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/[^/]+\/([^#?]+)(?:#L(\d+))?/,
  gitlab: /^https?:\/\/[^/]+\/(?:[^/]+\/)+-\/blob\/[^/]+\/([^#?]+)(?:#L(\d+))?/,
};

function byIdentity(graph: AssetGraph): Map<string, Asset> {
  return new Map(graph.assets.map((a) => [assetId(a), a]));
}

function referencePosition(
  ref: CodeReference,
  options: PositionOptions,
): SourcePosition | undefined {
  if (ref.type === "localFile") {
    const file = relativeTo(ref.filePath, options.workspace);
    return file === undefined ? undefined : { file, line: lineOf(ref.lineNumber) };
  }
  if (ref.type === "url") {
    for (const host of options.hosts) {
      const match = BLOB_URLS[host].exec(ref.url);
      if (match?.[1])
        return { file: decodePath(match[1]), line: match[2] ? lineOf(Number(match[2])) : null };
    }
  }
  return undefined;
}

/** A line number a report can point at (a whole number from 1, as an exact integer), or null. */
function lineOf(line: number | null): number | null {
  return line !== null && Number.isSafeInteger(line) && line >= 1 ? line : null;
}

/** A URL path percent-decoded; a malformed escape (`%E0%A4%A`) is kept as written. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function relativeTo(path: string, workspace: string | undefined): string | undefined {
  if (!path.startsWith("/")) return path.replace(/^\.\//, "");
  if (!workspace) return undefined;
  const root = workspace.endsWith("/") ? workspace : `${workspace}/`;
  return path.startsWith(root) ? path.slice(root.length) : undefined;
}
