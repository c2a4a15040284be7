/**
 * What the stand-in Dagster server of the client tests needs: its schema built from the committed
 * subset, and fixture responses brought up to the current query.
 */
import { buildSchema, Kind, parse, printType, visit } from "graphql";

/** The scalars every GraphQL schema has without defining them. */
const BUILT_IN = new Set(["String", "Int", "Float", "Boolean", "ID"]);

/**
 * A schema subset completed with the input types its arguments need but the subset leaves out
 * (the subset keeps an argument's own type, not the types of that input's fields), taken from
 * `full`, so that the subset builds into a schema the test server can run.
 *
 * @example
 * completeInputTypes(dagsterSchemaSubset(sdl), sdl);
 */
export function completeInputTypes(subset: string, full: string): string {
  const schema = buildSchema(full);
  let text = subset;
  const added: string[] = [];
  for (;;) {
    const defined = new Set<string>();
    const referenced = new Set<string>();
    visit(parse(text), {
      enter(node) {
        if (isDefinition(node.kind) && "name" in node && node.name) defined.add(node.name.value);
        if (node.kind === Kind.NAMED_TYPE) referenced.add(node.name.value);
      },
    });
    const missing = [...referenced]
      .filter((name) => !defined.has(name) && !BUILT_IN.has(name))
      .sort();
    if (missing.length === 0) break;
    for (const name of missing) {
      const type = schema.getType(name);
      if (!type) throw new Error(`${name} is not in the full schema`);
      added.push(printType(type));
    }
    text = `${subset}\n${added.join("\n\n")}\n`;
  }
  if (added.length === 0) return subset;
  return `${subset}\n# Input types the arguments above need (the subset leaves them out).\n\n${added.join("\n\n")}\n`;
}

function isDefinition(kind: Kind): boolean {
  return kind.endsWith("TypeDefinition");
}

/** The asset nodes of a workspace response's `data`, for tests to edit in place. */
export function workspaceNodes(data: unknown): Record<string, unknown>[] {
  const workspace = (data as { workspaceOrError: { locationEntries: unknown[] } }).workspaceOrError;
  return workspace.locationEntries.flatMap((entry) => {
    const location = (entry as { locationOrLoadError?: { repositories?: unknown[] } | null })
      .locationOrLoadError;
    return (location?.repositories ?? []).flatMap(
      (repo) => (repo as { assetNodes: Record<string, unknown>[] }).assetNodes,
    );
  });
}

/**
 * A copy of a workspace response's `data` in which every asset node has `assetChecksOrError`:
 * its own where it has one, else `checks` for the nodes named in `checks` (by key joined with `/`)
 * and none for the others. A fixture saved before the query selected checks thus still answers
 * the current query.
 *
 * @example
 * withAssetChecks(data, { "marts/fct_revenue": [{ name: "positive", ... }] });
 */
export function withAssetChecks<T>(data: T, checks: Record<string, unknown[]> = {}): T {
  const copy = structuredClone(data);
  for (const node of workspaceNodes(copy)) {
    if ("assetChecksOrError" in node) continue;
    const key = (node.assetKey as { path: string[] }).path.join("/");
    node.assetChecksOrError = { __typename: "AssetChecks", checks: checks[key] ?? [] };
  }
  return copy;
}
