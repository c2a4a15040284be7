/**
 * The Dagster GraphQL parser's public entry: composes the three steps, each in its own file.
 * `envelope.ts` finds the raw asset nodes (with their code location and repository) and the code
 * locations' statuses in a response, `node.ts` reads each node into an `Asset`, and `metadata.ts`
 * reads its metadata entries into typed values. Input issues from all three are collected here
 * and thrown together as one `ValidationError`; the graph is then normalized.
 */

import { type InputIssue, type JsonPath, ValidationError } from "../../errors";
import type { Asset, AssetGraph } from "../../model/asset";
import { normalizeAssetAlone, normalizeValidated } from "../../normalize/normalize";
import { plural } from "../../text";
import { checkAssetCount } from "../limits";
import { PROGRESS_NODES, type ReadNode, sharingOf } from "../reuse";
import { isRawElement, parseRawElement } from "../split";
import { locateAssetNodes } from "./envelope";
import type { IssueReport } from "./metadata";
import { assetFromNode, type ChecksUnavailableReport, type LocatedNode } from "./node";

/** Options of {@link parseDagsterGraphql}. */
export interface ParseDagsterGraphqlOptions {
  /** Names the input in error messages, e.g. a file name. */
  source?: string;
  /**
   * Receives what was read with a caveat: one message per graph when the server could not list
   * some assets' checks (e.g. `AssetCheckNeedsMigrationError`), whose checks are then unknown.
   */
  onWarning?: (message: string) => void;
}

/**
 * Reads a Dagster GraphQL response into an asset graph. Accepts a full response
 * (`{"data": {...}}`), its bare `data` member, or a bare list of asset nodes, where the data holds
 * `assetNodes`, `repositoriesOrError`, `repositoryOrError` or `workspaceOrError` (nodes nested per
 * repository keep their code location and repository). Sections the query did not select are
 * left unknown; unknown `__typename`s are kept as opaque values; unknown fields are ignored.
 * Asset checks the server could not list (an `assetChecksOrError` error member) are unknown, and
 * said so once to `onWarning`.
 *
 * @example
 * const graph = parseDagsterGraphql(JSON.parse(text), { source: "prod.json" });
 */
export function parseDagsterGraphql(
  json: unknown,
  options: ParseDagsterGraphqlOptions = {},
): AssetGraph {
  const issues = new Issues(options.source);
  const located = locateAssetNodes(json, options.source, issues.report);
  checkAssetCount(located.nodes.length, options.source, []);
  const assets: Asset[] = [];
  const unavailable = new UnavailableChecks();
  const sharing = sharingOf(json);
  const total = located.nodes.length;
  for (let i = 0; i < total; i++) {
    if (i % PROGRESS_NODES === 0) sharing?.onNodes?.(i, total);
    const item = located.nodes[i] as LocatedNode;
    const raw = item.node;
    if (!isRawElement(raw)) {
      const asset = assetFromNode(item, issues.report, unavailable.report);
      if (asset) assets.push(asset);
      continue;
    }
    // A node of a split input: read once for both graphs of a comparison when written alike.
    const context = `${item.codeLocation}\u0000${item.repository}`;
    const known = sharing?.reuse?.find(context, raw);
    if (known !== undefined) {
      if (known.checksUnavailable) unavailable.report(...known.checksUnavailable);
      assets.push(known.asset);
      continue;
    }
    let checksUnavailable: ReadNode["checksUnavailable"];
    const asset = assetFromNode({ ...item, node: parseRawElement(raw) }, issues.report, (t, m) => {
      checksUnavailable = [t, m];
      unavailable.report(t, m);
    });
    if (asset === undefined) continue;
    const normalized = sharing?.role === "remember" ? normalizeAssetAlone(asset) : undefined;
    if (normalized === undefined) {
      assets.push(asset);
      continue;
    }
    assets.push(normalized);
    sharing?.reuse?.remember(
      context,
      raw,
      checksUnavailable ? { asset: normalized, checksUnavailable } : { asset: normalized },
    );
  }
  sharing?.onNodes?.(total, total);
  issues.throwIfIssues();
  const warning = unavailable.warning();
  if (warning !== undefined) options.onWarning?.(warning);
  const graph: AssetGraph = { assets, source: sourceOf(options.source) };
  if (located.codeLocations) graph.codeLocations = located.codeLocations;
  return normalizeValidated(graph, options.source === undefined ? {} : { source: options.source });
}

// --- internal ---

/** Most issues collected before giving up on a badly wrong input. */
const MAX_ISSUES = 50;

/** Collects the input issues of every step (up to {@link MAX_ISSUES}) to throw them together. */
class Issues {
  private readonly issues: InputIssue[] = [];

  constructor(private readonly source: string | undefined) {}

  throwIfIssues(): void {
    if (this.issues.length > 0) throw new ValidationError(this.source, this.issues);
  }

  readonly report: IssueReport = (path: JsonPath, message: string): void => {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, message });
  };
}

/** Tallies the nodes whose checks the server could not list, for one warning per graph. */
class UnavailableChecks {
  private count = 0;
  /** The first message of each error member, by typename, in the order met. */
  private readonly messages = new Map<string, string | undefined>();

  readonly report: ChecksUnavailableReport = (typename, message) => {
    this.count++;
    if (!this.messages.has(typename)) this.messages.set(typename, message?.split("\n", 1)[0]);
  };

  warning(): string | undefined {
    if (this.count === 0) return undefined;
    const reasons = [...this.messages]
      .map(([typename, message]) => (message ? `${typename}: ${message}` : typename))
      .join("; ");
    return `the server could not list the asset checks of ${plural(this.count, "asset")} (${reasons}); their checks are not compared`;
  }
}

function sourceOf(name: string | undefined): NonNullable<AssetGraph["source"]> {
  return name === undefined ? { format: "dagster-graphql" } : { format: "dagster-graphql", name };
}
