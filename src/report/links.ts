import { type AssetChange, assetChangeKind } from "../diff/change-set";

/**
 * Where the Dagster UI of each side is, so that reports link every asset to its page: the branch
 * deployment for assets the branch has, production (the base) for REMOVED ones. Each is the UI's
 * root, e.g. `http://localhost:3000` or, for Dagster+, `https://acme.dagster.cloud/prod`.
 */
export interface DagsterLinks {
  /** The UI of the base (production) deployment. */
  base?: string;
  /** The UI of the branch deployment. */
  branch?: string;
}

/**
 * The root of a Dagster UI as a report links it: an `http:` or `https:` URL without credentials,
 * query or fragment, and without a trailing `/`. Undefined for anything else, so a link never
 * carries a token or points at a `javascript:` URL.
 *
 * @example
 * dagsterUiRoot("https://acme.dagster.cloud/prod/"); // "https://acme.dagster.cloud/prod"
 */
export function dagsterUiRoot(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  parsed.username = "";
  parsed.password = "";
  parsed.search = "";
  parsed.hash = "";
  return parsed.href.replace(/\/+$/, "");
}

/**
 * The UI root a Dagster GraphQL endpoint belongs to: the endpoint's URL without its final
 * `/graphql` (Dagster serves the UI and `/graphql` from one root, with any `--path-prefix`, and a
 * Dagster+ deployment's endpoint is `https://ORG.dagster.cloud/DEPLOYMENT/graphql`). Undefined
 * when the URL is not an `http(s)` URL ending in `/graphql`.
 *
 * @example
 * uiRootOfGraphqlUrl("https://acme.dagster.cloud/prod/graphql"); // "https://acme.dagster.cloud/prod"
 * uiRootOfGraphqlUrl("http://localhost:3000/graphql"); // "http://localhost:3000"
 */
export function uiRootOfGraphqlUrl(url: string): string | undefined {
  const root = dagsterUiRoot(url);
  if (root === undefined) return undefined;
  const match = /^(.*)\/graphql$/i.exec(root);
  return match ? dagsterUiRoot(match[1] as string) : undefined;
}

/**
 * The page of an asset in the Dagster UI: `ROOT/assets/` and the key's components, each
 * percent-encoded (a component may itself hold `/`).
 *
 * @example
 * assetPageUrl("http://localhost:3000", ["marts", "fct_revenue"]);
 * // "http://localhost:3000/assets/marts/fct_revenue"
 */
export function assetPageUrl(root: string, path: readonly string[]): string {
  return `${root}/assets/${path.map(encodeURIComponent).join("/")}`;
}

/**
 * The link of a changed asset: its page in the branch deployment, or in production when the
 * branch removed it. Undefined when that side's UI is not known.
 */
export function assetLink(
  links: DagsterLinks | undefined,
  asset: Pick<AssetChange, "path" | "changeTypes" | "extraChangeTypes">,
): string | undefined {
  const root = assetChangeKind(asset) === "removed" ? links?.base : links?.branch;
  return root === undefined ? undefined : assetPageUrl(root, asset.path);
}
