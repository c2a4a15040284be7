import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { runCli } from "../../src/cli/main";
import { startServer, type TestServer } from "../helpers/dagster-server";
import {
  type Echo,
  type EchoShape,
  leaksIn,
  secretSpellings,
  startEchoServer,
} from "../helpers/echo-server";

// The same secrets as the library's leak tests, through the CLI: stdout, stderr, --output files.
const TOKEN = 'agent:tk_9Zq"7/+x=Y';
const USER = "ci-bot";
const PASSWORD = 'p@ss w0rd/ü€"x';
const QUERY: Record<string, string> = {
  api_token: "QT-1a2b3c4d",
  key: "k3y-V4lue",
  password: "pa$$word99",
  "X-Amz-Signature": "abcdef0123456789",
};
const QUERY_STRING = `${new URLSearchParams({ ...QUERY, page: "2" })}`;
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
const userinfo = `${USER}:${encodeURIComponent(PASSWORD)}@`;

const dir = mkdtempSync(join(tmpdir(), "asset-diff-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** How many (output, secret spelling) pairs were checked, over the whole file. */
let leakChecks = 0;
afterAll(() => {
  expect(leakChecks).toBeGreaterThanOrEqual(2_500);
});

// --- credential kinds ---

interface Kind {
  name: string;
  /** The URL of `path` (`/base/graphql`, say) on `server` with this kind of credential. */
  url(server: TestServer, path: string): string;
  env: Record<string, string>;
  /** Routes the Dagster+ host to the loopback server, as DNS would route it to Dagster+. */
  route: boolean;
  secrets: string[];
}

const origin = (server: TestServer) => new URL(server.url).origin;
const KINDS: Kind[] = [
  {
    name: "DAGSTER_CLOUD_API_TOKEN for a Dagster+ host",
    url: (_server, path) => `https://acme.dagster.cloud${path}`,
    env: { DAGSTER_CLOUD_API_TOKEN: TOKEN },
    route: true,
    secrets: [TOKEN],
  },
  {
    name: "user:password in the URL",
    url: (server, path) => `${origin(server).replace("http://", `http://${userinfo}`)}${path}`,
    env: {},
    route: false,
    secrets: [PASSWORD, encodeURIComponent(PASSWORD), `${USER}:${PASSWORD}`, BASIC],
  },
  {
    name: "secrets in the query string",
    url: (server, path) => `${origin(server)}${path}?${QUERY_STRING}`,
    env: {},
    route: false,
    secrets: Object.values(QUERY),
  },
  {
    name: "all of them at once, on a Dagster+ host",
    url: (_server, path) => `https://${userinfo}acme.dagster.cloud${path}?${QUERY_STRING}`,
    env: { DAGSTER_CLOUD_API_TOKEN: TOKEN },
    route: true,
    secrets: [TOKEN, PASSWORD, `${USER}:${PASSWORD}`, BASIC, ...Object.values(QUERY)],
  },
];

function routeTo(server: TestServer): typeof globalThis.fetch {
  const loopback = new URL(server.url);
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname === "acme.dagster.cloud") {
      url.protocol = "http:";
      url.host = loopback.host;
    }
    return globalThis.fetch(url, init);
  };
}

// --- what the server answers ---

/**
 * A workspace whose every kind of text repeats the request: one asset changes in every compared
 * way between `/base/` and `/branch/`, one is keyed by the echo (so new in one, removed in the
 * other), and a second location failed to load with the echo as its error.
 */
function workspace(e: Echo, side: "base" | "branch"): unknown {
  const asset = (path: string[], version: string) => ({
    assetKey: { path },
    opVersion: `${version} ${e.line}`,
    description: `${side} description: ${e.text}`,
    groupName: "default",
    dependencyKeys: [{ path: ["upstream", e.line] }],
    tags: [
      { key: "echo", value: `${side} ${e.line}` },
      { key: `${side} ${e.line}`, value: "tag key" },
    ],
    metadataEntries: [
      { __typename: "TextMetadataEntry", label: "text", text: `${side} ${e.text}` },
      {
        __typename: "JsonMetadataEntry",
        label: "json",
        jsonString: JSON.stringify({ side, echo: e.lines, [e.line]: e.line }),
      },
      { __typename: "TextMetadataEntry", label: `${side} ${e.line}`, text: "metadata key" },
    ],
    owners: [{ __typename: "UserAssetOwner", email: `${side}.${e.printable}@example.com` }],
  });
  const location = `location ${e.line}`;
  return {
    data: {
      workspaceOrError: {
        __typename: "Workspace",
        locationEntries: [
          {
            name: "analytics",
            loadStatus: "LOADED",
            locationOrLoadError: {
              __typename: "RepositoryLocation",
              name: "analytics",
              repositories: [
                {
                  name: "__repository__",
                  assetNodes: [
                    asset(["echo", "changed"], side),
                    asset(["echo", side, e.line], side),
                  ],
                },
              ],
            },
          },
          {
            name: location,
            loadStatus: "LOADED",
            locationOrLoadError: {
              __typename: "PythonError",
              message: `DagsterImportError: ${e.text}`,
              className: e.line,
            },
          },
        ],
      },
    },
  };
}

const success: EchoShape = (e, req) => ({
  body: workspace(e, req.url?.startsWith("/branch/") ? "branch" : "base"),
});

const FAILURES: { name: string; shape: (other: TestServer) => EchoShape }[] = [
  {
    name: "GraphQL errors",
    shape: () => (e) => ({ body: { data: null, errors: [{ message: `denied: ${e.text}` }] } }),
  },
  {
    name: "a PythonError for the workspace",
    shape: () => (e) => ({
      body: {
        data: { workspaceOrError: { __typename: "PythonError", message: e.text, className: null } },
      },
    }),
  },
  {
    name: "HTTP 401 with the request in body and status text",
    shape: () => (e) => ({ status: 401, statusText: e.printable, body: e.text }),
  },
  {
    name: "HTTP 500 with the request in body and status text",
    shape: () => (e) => ({ status: 500, statusText: e.printable, body: { error: e.text } }),
  },
  {
    name: "an HTML page",
    shape: () => (e) => ({ headers: { "content-type": "text/html" }, body: `<p>${e.text}</p>` }),
  },
  {
    name: "a content type that repeats the request",
    shape: () => (e) => ({
      headers: { "content-type": `text/x-${e.printable.replace(/json/gi, "")}` },
      body: e.text,
    }),
  },
  {
    name: "malformed JSON that starts with a secret",
    shape: () => (e) => ({ headers: { "content-type": "application/json" }, body: e.first }),
  },
  {
    name: "a redirect to another origin",
    shape: (other) => (e) => ({
      status: 307,
      headers: { location: `${other.url}?token=${encodeURIComponent(e.first)}` },
      body: e.text,
    }),
  },
];

// --- running the CLI ---

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  file?: string;
}

async function run(args: string[], kind: Kind, server: TestServer): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await runCli([...args, "--retries", "1", "--timeout", "5"], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from([]),
    env: kind.env,
    ...(kind.route ? { fetch: routeTo(server) } : {}),
  });
  return { code, stdout, stderr };
}

let files = 0;
/** Runs `args`, with `--output FILE` when `toFile`, and reads the file back. */
async function runTo(
  args: string[],
  toFile: boolean,
  kind: Kind,
  server: TestServer,
): Promise<Run> {
  if (!toFile) return run(args, kind, server);
  const file = join(dir, `out-${++files}`);
  const result = await run([...args, "--output", file], kind, server);
  return existsSync(file) ? { ...result, file: readFileSync(file, "utf8") } : result;
}

function expectNoSecret(result: Run, kind: Kind): void {
  const texts: Record<string, string> = { stdout: result.stdout, stderr: result.stderr };
  if (result.file !== undefined) texts["--output file"] = result.file;
  leakChecks += Object.keys(texts).length * kind.secrets.flatMap(secretSpellings).length;
  expect(leaksIn(texts, kind.secrets)).toEqual([]);
}

const COMMANDS: { name: string; args: (base: string, branch: string) => string[] }[] = [
  { name: "diff (text)", args: (base, branch) => ["diff", base, branch] },
  {
    name: "diff --format json",
    args: (base, branch) => ["diff", base, branch, "--format", "json"],
  },
  {
    name: "diff --format markdown",
    args: (base, branch) => ["diff", base, branch, "--format", "markdown"],
  },
  { name: "snapshot", args: (_base, branch) => ["snapshot", branch] },
];

describe.each(KINDS)("the CLI shows no secret, with $name", (kind) => {
  describe.each(COMMANDS)("$name", (command) => {
    test.each([
      ["to stdout", false],
      ["to an --output file", true],
    ])("a workspace that repeats the request everywhere, %s", async (_name, toFile) => {
      const server = await startEchoServer(success);
      servers.push(server);
      const args = command.args(
        kind.url(server, "/base/graphql"),
        kind.url(server, "/branch/graphql"),
      );
      const result = await runTo(args, toFile, kind, server);
      expect(result.stderr).toMatch(/^asset-diff: warning( \(\w+\))?: code location location /);
      // The workspace has a location that failed to load: diff fails on it (after the report).
      expect(result.code).toBe(command.name === "snapshot" ? 0 : 1);
      const report = toFile ? result.file : result.stdout;
      if (toFile) expect(result.stdout).toBe("");
      // The echoed texts got through (redacted), so the check below can fail.
      expect(report).toContain("echo");
      expect(`${report}${result.stderr}`).toContain("[redacted]");
      expectNoSecret(result, kind);
    });
  });

  describe.each(FAILURES)("$name", (failure) => {
    test.each([
      ["diff", (url: string) => ["diff", url, "fixtures/example/branch.json"]],
      ["snapshot -o", (url: string) => ["snapshot", url, "-o", join(dir, "never-written.json")]],
    ])("%s fails with one line on stderr", async (_name, args) => {
      const other = await startServer((_req, res) => {
        res.writeHead(200).end("{}");
      });
      servers.push(other);
      const server = await startEchoServer(failure.shape(other));
      servers.push(server);
      const result = await run(args(kind.url(server, "/graphql")), kind, server);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^asset-diff: [^\n]*\n$/);
      expect(other.requests).toEqual([]);
      expect(existsSync(join(dir, "never-written.json"))).toBe(false);
      expectNoSecret(result, kind);
    });
  });
});
