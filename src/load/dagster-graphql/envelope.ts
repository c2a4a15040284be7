/**
 * The envelope: where the asset nodes are in a Dagster GraphQL response. Reads a full response
 * (`{"data": ..., "errors": ...}`), its bare `data` member or a bare list of nodes; the root
 * fields `assetNodes`, `repositoriesOrError`, `repositoryOrError` and `workspaceOrError`; the
 * `XOrError` unions (PythonError, RepositoryNotFoundError, ...); top-level GraphQL `errors`; and,
 * per workspace location entry, load errors and the LOADING status. It yields the raw nodes, each
 * with the code location and repository it was nested under, and the code locations' statuses;
 * the nodes themselves are read by `node.ts`.
 */
import {
  GraphQLResponseError,
  type InputIssue,
  type JsonPath,
  UnknownFormatError,
  ValidationError,
} from "../../errors";
import type { CodeLocation } from "../../model/asset";
import { isJsonObject } from "../../model/json";
import type { IssueReport } from "./metadata";
import type { LocatedNode } from "./node";

/** The GraphQL root fields asset-diff reads asset nodes from. */
const DAGSTER_GRAPHQL_ROOT_FIELDS = [
  "workspaceOrError",
  "repositoriesOrError",
  "repositoryOrError",
  "assetNodes",
] as const;

/**
 * True when `json` looks like a Dagster GraphQL response (any of the shapes
 * {@link parseDagsterGraphql} reads).
 */
export function looksLikeDagsterGraphql(json: unknown): boolean {
  if (Array.isArray(json))
    return json.length === 0 || (isJsonObject(json[0]) && "assetKey" in json[0]);
  if (!isJsonObject(json)) return false;
  if ("errors" in json && !("formatVersion" in json)) return true;
  const data = "data" in json && isJsonObject(json.data) ? json.data : json;
  return DAGSTER_GRAPHQL_ROOT_FIELDS.some((field) => field in data);
}

/**
 * Finds the asset nodes in a response, each with the code location and repository it was nested
 * under, and the code locations' statuses when the response is a workspace. Shapes the response
 * cannot be read past are thrown; other issues go to `report`.
 */
export function locateAssetNodes(
  json: unknown,
  source: string | undefined,
  report: IssueReport,
): { nodes: LocatedNode[]; codeLocations?: CodeLocation[] } {
  return new Envelope(source, report).collect(json);
}

// --- internal ---

class Envelope {
  constructor(
    private readonly source: string | undefined,
    private readonly issue: IssueReport,
  ) {}

  collect(json: unknown): { nodes: LocatedNode[]; codeLocations?: CodeLocation[] } {
    if (Array.isArray(json)) return { nodes: this.list(json, [], null, null) };
    if (!isJsonObject(json)) {
      throw new UnknownFormatError(
        this.source,
        "expected a Dagster GraphQL response object or a list of asset nodes",
      );
    }
    let data: Record<string, unknown> = json;
    let base: JsonPath = [];
    if ("data" in json || "errors" in json) {
      this.checkErrors(json);
      if (!isJsonObject(json.data)) {
        throw new ValidationError(this.source, [
          { path: ["data"], message: "expected an object with the query's data" },
        ]);
      }
      data = json.data;
      base = ["data"];
    }
    if ("workspaceOrError" in data)
      return this.workspace(data.workspaceOrError, [...base, "workspaceOrError"]);
    if ("repositoriesOrError" in data) {
      const path = [...base, "repositoriesOrError"];
      const value = this.unwrapUnion(data.repositoriesOrError, path, "RepositoryConnection");
      const nodes = this.array(value.nodes, [...path, "nodes"]);
      return {
        nodes: nodes.flatMap((repo, i) => this.repository(repo, [...path, "nodes", i], null)),
      };
    }
    if ("repositoryOrError" in data) {
      const path = [...base, "repositoryOrError"];
      return {
        nodes: this.repository(
          this.unwrapUnion(data.repositoryOrError, path, "Repository"),
          path,
          null,
        ),
      };
    }
    if ("assetNodes" in data) {
      return {
        nodes: this.list(
          this.array(data.assetNodes, [...base, "assetNodes"]),
          [...base, "assetNodes"],
          null,
          null,
        ),
      };
    }
    throw new UnknownFormatError(
      this.source,
      `expected one of the root fields ${DAGSTER_GRAPHQL_ROOT_FIELDS.join(", ")} at ${base.length ? "$.data" : "$"}`,
    );
  }

  private checkErrors(json: Record<string, unknown>): void {
    const errors = json.errors;
    if (errors === undefined || errors === null) return;
    if (!Array.isArray(errors)) {
      throw new ValidationError(this.source, [
        { path: ["errors"], message: "expected a list of GraphQL errors" },
      ]);
    }
    if (errors.length === 0) return;
    const issues = errors.map((error, i): InputIssue => {
      const message =
        isJsonObject(error) && typeof error.message === "string"
          ? error.message
          : "unnamed GraphQL error";
      return { path: ["errors", i], message: `GraphQL error: ${message}` };
    });
    throw new GraphQLResponseError("INPUT_GRAPHQL_ERRORS", this.source, issues);
  }

  /** Resolves an `XOrError` union: the expected member, or a typed error naming the error member. */
  private unwrapUnion(value: unknown, path: JsonPath, expected: string): Record<string, unknown> {
    if (!isJsonObject(value)) {
      throw new ValidationError(this.source, [{ path, message: `expected a ${expected} object` }]);
    }
    const typename = value.__typename;
    if (typeof typename === "string" && typename !== expected) {
      const message = typeof value.message === "string" ? `: ${value.message}` : "";
      throw new GraphQLResponseError("INPUT_GRAPHQL_ERRORS", this.source, [
        { path, message: `the server returned ${typename} instead of ${expected}${message}` },
      ]);
    }
    if (
      typename === undefined &&
      typeof value.message === "string" &&
      !("nodes" in value) &&
      !("assetNodes" in value)
    ) {
      throw new GraphQLResponseError("INPUT_GRAPHQL_ERRORS", this.source, [
        { path, message: `the server returned an error instead of ${expected}: ${value.message}` },
      ]);
    }
    return value;
  }

  private workspace(
    value: unknown,
    path: JsonPath,
  ): { nodes: LocatedNode[]; codeLocations: CodeLocation[] } {
    const workspace = this.unwrapUnion(value, path, "Workspace");
    const entries = this.array(workspace.locationEntries, [...path, "locationEntries"]);
    const nodes: LocatedNode[] = [];
    const codeLocations: CodeLocation[] = [];
    entries.forEach((entry, i) => {
      const entryPath = [...path, "locationEntries", i];
      if (!isJsonObject(entry) || typeof entry.name !== "string") {
        this.issue(entryPath, "expected a location entry with a name");
        return;
      }
      const name = entry.name;
      const location = entry.locationOrLoadError;
      const locationPath = [...entryPath, "locationOrLoadError"];
      if (location === null || location === undefined) {
        // Still loading (or never loaded): its assets are unknown, not removed.
        codeLocations.push({ name, status: entry.loadStatus === "LOADED" ? "failed" : "loading" });
        return;
      }
      if (!isJsonObject(location)) {
        this.issue(locationPath, "expected a RepositoryLocation or PythonError object");
        return;
      }
      const isError =
        (typeof location.__typename === "string" && location.__typename !== "RepositoryLocation") ||
        (location.__typename === undefined &&
          !("repositories" in location) &&
          "message" in location);
      if (isError) {
        codeLocations.push({
          name,
          status: "failed",
          error: {
            message:
              typeof location.message === "string"
                ? location.message
                : `${String(location.__typename)}`,
            className: typeof location.className === "string" ? location.className : null,
          },
        });
        return;
      }
      codeLocations.push({ name, status: entry.loadStatus === "LOADING" ? "loading" : "loaded" });
      if (entry.loadStatus === "LOADING") return;
      const locationName = typeof location.name === "string" ? location.name : name;
      const repos = this.array(location.repositories, [...locationPath, "repositories"]);
      repos.forEach((repo, j) => {
        // One at a time: spreading a repository of 150,000 nodes into push's arguments overflows.
        const located = this.repository(repo, [...locationPath, "repositories", j], locationName);
        for (const node of located) nodes.push(node);
      });
    });
    return { nodes, codeLocations };
  }

  private repository(value: unknown, path: JsonPath, locationName: string | null): LocatedNode[] {
    if (!isJsonObject(value)) {
      this.issue(path, "expected a Repository object");
      return [];
    }
    const repoName = typeof value.name === "string" ? value.name : null;
    const location =
      locationName ??
      (isJsonObject(value.location) && typeof value.location.name === "string"
        ? value.location.name
        : null);
    if (!("assetNodes" in value)) {
      this.issue(
        [...path, "assetNodes"],
        "expected the repository's assetNodes (select assetNodes in the query)",
      );
      return [];
    }
    return this.list(
      this.array(value.assetNodes, [...path, "assetNodes"]),
      [...path, "assetNodes"],
      location,
      repoName,
    );
  }

  private list(
    nodes: unknown[],
    path: JsonPath,
    codeLocation: string | null,
    repository: string | null,
  ): LocatedNode[] {
    return nodes.map((node, i) => ({ node, path: [...path, i], codeLocation, repository }));
  }

  private array(value: unknown, path: JsonPath): unknown[] {
    if (Array.isArray(value)) return value;
    this.issue(
      path,
      value === undefined ? "expected a list, but the field is missing" : "expected a list",
    );
    return [];
  }
}
