import { inspect } from "node:util";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { isAssetDiffError, SourceError, UsageError } from "../../../src/errors";
import {
  type FetchDagsterAssetGraphOptions,
  type FetchedAssetGraph,
  fetchDagsterAssetGraph,
} from "../../../src/load/dagster-graphql/client";
import {
  isSecretQueryParameter,
  requestCredentials,
} from "../../../src/load/dagster-graphql/secrets";
import { startServer, type TestServer } from "../../helpers/dagster-server";
import {
  type Echo,
  type EchoReply,
  type EchoServer,
  type EchoShape,
  leaksIn,
  secretSpellings,
  startEchoServer,
} from "../../helpers/echo-server";

// Secrets with characters that percent-encoding, base64 and JSON escaping all change.
const TOKEN = 'agent:tk_9Zq"7/+x=Y';
const USER = "ci-bot";
const PASSWORD = 'p@ss w0rd/ü€"x';
const QUERY: Record<string, string> = {
  api_token: "QT-1a2b3c4d",
  Token: "T0k3n/slash",
  key: "k3y-V4lue",
  password: "pa$$word99",
  secret: "s3cr3t-sauce",
  access_token: "acc3ss.t0ken",
  sig: "S1gnatur3==",
  "X-Amz-Signature": "abcdef0123456789",
};
const QUERY_STRING = `${new URLSearchParams({ ...QUERY, page: "2" })}`;
const basicHeader = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const withUser = (url: string) =>
  url.replace("http://", `http://${USER}:${encodeURIComponent(PASSWORD)}@`);

const fast = { retries: 1, retryDelayMs: 5, timeoutMs: 5_000 };
const servers: TestServer[] = [];
const track = <T extends TestServer>(server: T): T => {
  servers.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** How many (surface, secret spelling) pairs were checked for a leak, over the whole file. */
let leakChecks = 0;
afterAll(() => {
  expect(leakChecks).toBeGreaterThanOrEqual(8_000);
});

/** Everything a caller may look at: a result's graph and warnings, or an error and its causes. */
function surfaces(outcome: Outcome): Record<string, string> {
  if ("result" in outcome) {
    const { graph, warnings } = outcome.result;
    return {
      "JSON.stringify(graph)": JSON.stringify(graph),
      "util.inspect(graph)": inspect(graph, { depth: Number.POSITIVE_INFINITY }),
      warnings: warnings.join("\n"),
    };
  }
  const out: Record<string, string> = {};
  let current: unknown = outcome.error;
  for (let depth = 0; current !== undefined && current !== null && depth < 20; depth++) {
    const e = current as Error;
    const at = depth === 0 ? "error" : `cause ${depth}`;
    out[`${at}.message`] = String(e.message);
    out[`${at}.stack`] = String(e.stack);
    out[`String(${at})`] = String(e);
    out[`JSON.stringify(${at})`] = stringify(e);
    out[`JSON.stringify(${at}, own names)`] = stringify(e, Object.getOwnPropertyNames(e));
    out[`util.inspect(${at})`] = inspect(e, { depth: Number.POSITIVE_INFINITY });
    out[`util.inspect(${at}, showHidden)`] = inspect(e, {
      depth: Number.POSITIVE_INFINITY,
      showHidden: true,
    });
    current = e.cause;
  }
  return out;
}

/** `JSON.stringify`, or what it says about a cycle (a cyclic `cause`). */
function stringify(value: unknown, keys?: string[]): string {
  try {
    return JSON.stringify(value, keys) ?? "";
  } catch (error) {
    return String(error);
  }
}

/** Fails with every (surface, spelling) where a secret shows. */
function expectNoSecret(outcome: Outcome, secrets: readonly string[]): void {
  const texts = surfaces(outcome);
  leakChecks += Object.keys(texts).length * secrets.flatMap(secretSpellings).length;
  expect(leaksIn(texts, secrets)).toEqual([]);
}

type Outcome = { result: FetchedAssetGraph } | { error: unknown };

async function outcomeOf(url: string, options: FetchDagsterAssetGraphOptions): Promise<Outcome> {
  return fetchDagsterAssetGraph(url, options).then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
}

// --- credential kinds ---

interface Kind {
  name: string;
  /** The URL and options that read `server` with this kind of credential. */
  read(server: TestServer): { url: string; options: FetchDagsterAssetGraphOptions };
  /** The secrets it sends. */
  secrets: string[];
  /** True when a request carried the credential (e.g. after a same-origin redirect). */
  carried(request: TestServer["requests"][number]): boolean;
}

/** Routes `https://acme.dagster.cloud` to the loopback server, as DNS would route it to Dagster+. */
function dagsterPlusRoute(server: TestServer): typeof globalThis.fetch {
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

const KINDS: Kind[] = [
  {
    name: "the token option",
    read: (server) => ({ url: server.url, options: { ...fast, token: TOKEN } }),
    secrets: [TOKEN],
    carried: (request) => request.headers["dagster-cloud-api-token"] === TOKEN,
  },
  {
    name: "DAGSTER_CLOUD_API_TOKEN for a Dagster+ host",
    read: (server) => ({
      url: "https://acme.dagster.cloud/prod/graphql",
      options: {
        ...fast,
        env: { DAGSTER_CLOUD_API_TOKEN: TOKEN },
        fetch: dagsterPlusRoute(server),
      },
    }),
    secrets: [TOKEN],
    carried: (request) => request.headers["dagster-cloud-api-token"] === TOKEN,
  },
  {
    name: "user:password in the URL",
    read: (server) => ({ url: withUser(server.url), options: fast }),
    secrets: [
      PASSWORD,
      encodeURIComponent(PASSWORD),
      `${USER}:${PASSWORD}`,
      basicHeader(USER, PASSWORD),
    ],
    carried: (request) => request.headers.authorization === basicHeader(USER, PASSWORD),
  },
  {
    name: "secrets in the query string",
    read: (server) => ({ url: `${server.url}?${QUERY_STRING}`, options: fast }),
    secrets: Object.values(QUERY),
    carried: (request) => request.url.includes(QUERY_STRING),
  },
  {
    name: "all of them at once",
    read: (server) => ({
      url: `${withUser(server.url)}?${QUERY_STRING}`,
      options: { ...fast, token: TOKEN },
    }),
    secrets: [TOKEN, PASSWORD, `${USER}:${PASSWORD}`, ...Object.values(QUERY)],
    carried: (request) =>
      request.headers["dagster-cloud-api-token"] === TOKEN &&
      request.headers.authorization === basicHeader(USER, PASSWORD) &&
      request.url.includes(QUERY_STRING),
  },
];

// --- response shapes ---

const workspace = (locationEntries: unknown[]) => ({
  data: { workspaceOrError: { __typename: "Workspace", locationEntries } },
});

/** One location with one asset whose every kind of text repeats the request. */
function assetData(e: Echo): unknown {
  const node = {
    assetKey: { path: ["echo", e.line] },
    opVersion: e.line,
    description: `described as ${e.text}`,
    groupName: "default",
    dependencyKeys: [{ path: [e.line] }],
    tags: [
      { key: "echo", value: e.line },
      { key: e.line, value: "tag key" },
    ],
    metadataEntries: [
      { __typename: "TextMetadataEntry", label: "text", text: e.text },
      {
        __typename: "JsonMetadataEntry",
        label: "json",
        jsonString: JSON.stringify({ echo: e.lines, [e.line]: e.line }),
      },
      { __typename: "MarkdownMetadataEntry", label: e.line, mdStr: `# ${e.text}` },
      {
        __typename: "TableMetadataEntry",
        label: "table",
        table: { records: [JSON.stringify({ echo: e.line })] },
      },
    ],
    [e.line]: e.line,
  };
  const location = `location ${e.line}`;
  return workspace([
    {
      name: location,
      loadStatus: "LOADED",
      locationOrLoadError: {
        __typename: "RepositoryLocation",
        name: location,
        repositories: [{ name: `repository ${e.line}`, assetNodes: [node] }],
      },
    },
  ]);
}

interface Shape {
  name: string;
  reply: (other: TestServer) => EchoShape;
  /** What the read gives: a graph, or an error with this code. */
  expect: { code: string } | "graph";
  /** Checks of the outcome beyond the leaks. */
  also?: (outcome: Outcome, server: EchoServer, other: TestServer, kind: Kind) => void;
}

const json = (status: number, body: unknown, statusText?: string): EchoReply =>
  statusText === undefined ? { status, body } : { status, body, statusText };

const SHAPES: Shape[] = [
  {
    name: "(a) GraphQL errors[].message",
    reply: () => (e) =>
      json(200, {
        data: null,
        errors: [
          { message: `Unauthorized request: ${e.text}`, extensions: { request: e.lines } },
          { message: e.line, path: [e.line] },
        ],
      }),
    expect: { code: "INPUT_GRAPHQL_ERRORS" },
  },
  {
    name: "(a) GraphQL errors with HTTP 400",
    reply: () => (e) => json(400, { errors: [{ message: `Bad request: ${e.text}` }] }),
    expect: { code: "INPUT_GRAPHQL_ERRORS" },
  },
  {
    name: "(b) a PythonError for the workspace",
    reply: () => (e) =>
      json(200, {
        data: {
          workspaceOrError: {
            __typename: "PythonError",
            message: `could not load the workspace for ${e.text}`,
            className: e.line,
            stack: e.lines,
            errorChain: [{ error: { message: e.text } }],
          },
        },
      }),
    expect: { code: "INPUT_GRAPHQL_ERRORS" },
  },
  {
    name: "(c) a location's load error",
    reply: () => (e) =>
      json(
        200,
        workspace([
          {
            name: `location ${e.line}`,
            loadStatus: "LOADED",
            locationOrLoadError: {
              __typename: "PythonError",
              message: `DagsterImportError: ${e.text}`,
              className: e.line,
              stack: e.lines,
            },
          },
        ]),
      ),
    expect: "graph",
    also: (outcome) => {
      if (!("result" in outcome)) throw new Error("expected a graph");
      expect(outcome.result.graph.codeLocations).toMatchObject([
        { status: "failed", error: { message: expect.stringContaining("[redacted]") } },
      ]);
      expect(outcome.result.warnings).toEqual([
        expect.stringMatching(/^code location location .*\[redacted\].* failed to load: /),
      ]);
    },
  },
  {
    name: "(d) asset data: key, code version, description, tags, metadata, names",
    reply: () => (e) => json(200, assetData(e)),
    expect: "graph",
    also: (outcome) => {
      if (!("result" in outcome)) throw new Error("expected a graph");
      const [asset, ...rest] = outcome.result.graph.assets;
      expect(rest).toEqual([]);
      expect(asset?.key[0]).toBe("echo");
      expect(asset?.description).toMatch(/^described as .*\[redacted\]/s);
      expect(asset?.codeLocation).toMatch(/^location .*\[redacted\]/);
      expect(asset?.metadata?.map((m) => m.value.type).sort()).toEqual([
        "json",
        "markdown",
        "table",
        "text",
      ]);
    },
  },
  {
    name: "(e) HTTP 401 with the request in its body and status text",
    reply: () => (e) => json(401, { error: e.text }, `Unauthorized ${e.printable}`),
    expect: { code: "SOURCE_AUTH" },
  },
  {
    name: "(e) HTTP 403 with the request in a text body",
    reply: () => (e) => ({ status: 403, statusText: e.printable, body: e.text }),
    expect: { code: "SOURCE_AUTH" },
  },
  {
    name: "(e) HTTP 500 with the request in its body and status text, on every attempt",
    reply: () => (e) => json(500, { error: e.text }, e.printable),
    expect: { code: "SOURCE_HTTP" },
  },
  {
    name: "(e) HTTP 400 with a JSON body that is no GraphQL response",
    reply: () => (e) => json(400, { message: e.text, request: e.lines }, e.printable),
    expect: { code: "SOURCE_HTTP" },
  },
  {
    name: "(f) an HTML page",
    reply: () => (e) => ({
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8" },
      body: `<html><body><pre>${e.text}</pre></body></html>`,
    }),
    expect: { code: "SOURCE_NOT_JSON" },
  },
  {
    name: "(f) a content type that repeats the request",
    reply: () => (e) => ({
      status: 200,
      headers: { "content-type": `text/x-${e.printable.replace(/json/gi, "")}` },
      body: e.text,
    }),
    expect: { code: "SOURCE_NOT_JSON" },
  },
  {
    name: "(f) malformed JSON that starts with a secret (JSON.parse quotes it)",
    reply: () => (e) => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: e.first,
    }),
    expect: { code: "INPUT_JSON_SYNTAX" },
  },
  {
    name: "(g) a redirect within the origin is followed, with the credentials",
    reply: () => (e, req) =>
      req.url?.startsWith("/moved/")
        ? json(200, assetData(e))
        : { status: 307, headers: { location: `/moved${req.url}` }, body: e.text },
    expect: "graph",
    also: (outcome, server, _other, kind) => {
      if (!("result" in outcome)) throw new Error("expected a graph");
      expect(server.requests).toHaveLength(2);
      const [, second] = server.requests;
      if (!second) throw new Error("no second request");
      expect(second.url).toMatch(/^\/moved\//);
      expect(kind.carried(second)).toBe(true);
    },
  },
  {
    name: "(g) a redirect to another origin is refused; that origin gets nothing",
    reply: (other) => (e) => ({
      status: 302,
      headers: {
        location: `${other.url}?echo=${encodeURIComponent(e.line)}&token=${encodeURIComponent(e.first)}`,
      },
      body: e.text,
    }),
    expect: { code: "SOURCE_REDIRECT" },
    also: (outcome, server, other) => {
      if (!("error" in outcome)) throw new Error("expected an error");
      const origin = new URL(other.url).origin;
      expect((outcome.error as Error).message).toContain(
        `the server redirects (HTTP 302) to another origin, ${origin}; asset-diff does not follow it`,
      );
      expect((outcome.error as Error).message).not.toContain("echo=");
      expect(server.requests).toHaveLength(1);
      expect(other.requests).toEqual([]);
    },
  },
  {
    name: "(g) endless redirects within the origin stop",
    reply: () => (e, req) => ({
      status: 308,
      headers: { location: `/again${req.url}` },
      body: e.text,
    }),
    expect: { code: "SOURCE_REDIRECT" },
    also: (outcome, server) => {
      expect((outcome as { error: Error }).error.message).toMatch(/redirected more than 5 times$/);
      expect(server.requests).toHaveLength(6);
    },
  },
];

describe.each(KINDS)("no secret leaks with $name", (kind) => {
  test.each(SHAPES)("$name", async (shape) => {
    const other = track(
      await startServer((_req, res) => {
        res.writeHead(200).end("{}");
      }),
    );
    const server = track(await startEchoServer(shape.reply(other)));
    const { url, options } = kind.read(server);
    const outcome = await outcomeOf(url, options);

    if (shape.expect === "graph") {
      if ("error" in outcome) throw outcome.error;
    } else {
      expect("error" in outcome && isAssetDiffError(outcome.error)).toBe(true);
      expect((outcome as { error: { code: string } }).error.code).toBe(shape.expect.code);
    }
    shape.also?.(outcome, server, other, kind);
    // The server did repeat a secret, so the checks below can fail.
    const replies = server.replies.join("\n");
    expect(
      kind.secrets.some(
        (s) => replies.includes(s) || replies.includes(JSON.stringify(s).slice(1, -1)),
      ),
    ).toBe(true);
    expectNoSecret(outcome, kind.secrets);
  });
});

describe("redaction itself", () => {
  test.each([
    ["api_token", true],
    ["API_TOKEN", true],
    ["token", true],
    ["id_token", true],
    ["access_token", true],
    ["accessToken", true],
    ["key", true],
    ["api_key", true],
    ["x-api-key", true],
    ["apiKey", true],
    ["password", true],
    ["passwd", true],
    ["pwd", true],
    ["secret", true],
    ["client_secret", true],
    ["sig", true],
    ["signature", true],
    ["X-Amz-Signature", true],
    ["X-Amz-Credential", true],
    ["X-Amz-Security-Token", true],
    ["auth", true],
    ["jwt", true],
    ["session", true],
    ["page", false],
    ["monkey", false],
    ["keyword", false],
    ["design", false],
    ["passage", false],
    ["author", false],
    ["limit", false],
  ])("the query parameter %s is secret: %s", (name, secret) => {
    expect(isSecretQueryParameter(name)).toBe(secret);
  });

  test.each([
    ["a short token", "http://127.0.0.1/graphql", "abc", "the API token"],
    ["a short password", "http://me:pw@127.0.0.1/graphql", undefined, "the URL's password"],
    [
      "a short query secret",
      "http://127.0.0.1/graphql?token=abc",
      undefined,
      'the query parameter "token"',
    ],
    [
      "a password short once decoded",
      "http://me:%41%42@127.0.0.1/graphql",
      undefined,
      "the URL's password",
    ],
  ])("%s is refused before anything is sent, without being shown", async (_n, url, token, what) => {
    let sent = 0;
    const error = await fetchDagsterAssetGraph(url, {
      ...(token === undefined ? {} : { token }),
      fetch: async () => {
        sent++;
        return new Response("{}");
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `${what} is shorter than 4 characters; asset-diff does not send so short a secret, since it could keep it out of what it prints only by garbling the data`,
    );
    expect(sent).toBe(0);
  });

  test("a user without a password, and an empty token, are no secrets", () => {
    const { headers, redactor } = requestCredentials(new URL("http://me@127.0.0.1/graphql"), "");
    expect(headers).toEqual({ Authorization: basicHeader("me", "") });
    expect(redactor.text("hello me")).toBe("hello me");
    expect(redactor.text(`sent ${basicHeader("me", "")}`)).toBe("sent [redacted]");
  });

  test("keys are renamed in place, in order, and a __proto__ key stays data", () => {
    const { redactor } = requestCredentials(new URL("http://127.0.0.1/graphql"), TOKEN);
    const parsed = JSON.parse(
      JSON.stringify({ a: 1, [`k ${TOKEN}`]: [TOKEN], z: { __proto__: TOKEN } }).replace(
        '"z":{}',
        `"z":{"__proto__":${JSON.stringify(TOKEN)}}`,
      ),
    );
    const out = redactor.parsed(parsed);
    expect(out).toBe(parsed);
    expect(Object.keys(out)).toEqual(["a", "k [redacted]", "z"]);
    expect(out["k [redacted]"]).toEqual(["[redacted]"]);
    expect(Object.getPrototypeOf(out.z)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out.z, "__proto__")?.value).toBe("[redacted]");
  });

  test("any depth, without recursion", () => {
    const { redactor } = requestCredentials(new URL("http://127.0.0.1/graphql"), TOKEN);
    let deep: unknown = TOKEN;
    for (let i = 0; i < 200_000; i++) deep = i % 2 ? [deep] : { [TOKEN]: deep };
    const strings: string[] = [];
    for (let at: unknown = redactor.parsed(deep); typeof at === "object" && at !== null; ) {
      const [key, value] = Object.entries(at)[0] ?? [];
      if (key !== undefined) strings.push(key);
      if (typeof value === "string") strings.push(value);
      at = value;
    }
    expect(strings.filter((s) => s === "[redacted]")).toHaveLength(100_001);
    expect(strings.filter((s) => s.includes(TOKEN))).toEqual([]);
  });

  test("a secret that is part of [redacted] is replaced by ***; one formed around it, the whole text", () => {
    const { redactor } = requestCredentials(
      new URL("http://u:redacted@127.0.0.1/graphql"),
      undefined,
    );
    expect(redactor.text("password redacted!")).toBe("password ***!");
    const tricky = requestCredentials(new URL("http://127.0.0.1/graphql"), "ted]-x-[red").redactor;
    // Replacing "ted]-x-[red" inside "[redacted]-x-[redacted]" leaves it formed again.
    expect(tricky.text("[redacted]-x-[redacted]")).not.toContain("ted]-x-[red");
  });

  test("shared values are copied, never changed", () => {
    const { redactor } = requestCredentials(new URL("http://127.0.0.1/graphql"), TOKEN);
    const shared = Object.freeze({ note: `with ${TOKEN}`, clean: "x" });
    const out = redactor.value(shared);
    expect(out).not.toBe(shared);
    expect(out).toEqual({ note: "with [redacted]", clean: "x" });
    const clean = { a: "b" };
    expect(redactor.value(clean)).toBe(clean);
  });

  test("thrown errors: own errors in place, others copied, any cause chain (cycles too)", () => {
    const { redactor } = requestCredentials(new URL("http://127.0.0.1/graphql"), TOKEN);
    const dom = new DOMException(`aborted ${TOKEN}`, "AbortError");
    const aggregate = new AggregateError([new Error(TOKEN)], `many ${TOKEN}`, { cause: dom });
    const foreign = Object.assign(
      new TypeError(`fetch failed for ${TOKEN}`, { cause: aggregate }),
      {
        code: TOKEN,
        details: { header: TOKEN },
      },
    );
    const ours = new SourceError("SOURCE_HTTP", "http://127.0.0.1/graphql", `said ${TOKEN}`, {
      cause: foreign,
    });
    const cyclic = new Error(`cycle ${TOKEN}`);
    (cyclic as { cause?: unknown }).cause = cyclic;
    (dom as unknown as { cause?: unknown }).cause = cyclic;

    const cleaned = redactor.error(ours);
    expect(cleaned).toBe(ours);
    expect(ours).toBeInstanceOf(SourceError);
    expect(ours.message).toBe("http://127.0.0.1/graphql: said [redacted]");
    const cause = ours.cause as Error & { code: string; details: unknown };
    expect(cause).not.toBe(foreign);
    expect(cause.name).toBe("TypeError");
    expect(cause.code).toBe("[redacted]");
    expect(cause.details).toEqual({ header: "[redacted]" });
    expectNoSecret({ error: ours }, [TOKEN]);
    // What holds no secret is left alone, and so is a thrown non-error.
    const clean = new RangeError("too deep");
    expect(redactor.error(clean)).toBe(clean);
    expect(redactor.error(`text ${TOKEN}`)).toBe("text [redacted]");
  });

  test("linear in the size of the text, even against near misses", () => {
    const secret = `${"a".repeat(63)}b`;
    const { redactor } = requestCredentials(new URL("http://127.0.0.1/graphql"), secret);
    const time = (size: number) => {
      const text = "a".repeat(size);
      const started = performance.now();
      expect(redactor.text(text)).toBe(text);
      return performance.now() - started;
    };
    time(1 << 16);
    const small = time(1 << 20);
    const large = time(1 << 23);
    // Eight times the text should take about eight times as long; allow a noisy machine.
    expect(large).toBeLessThan(Math.max(small, 5) * 40);
    const many = JSON.parse(JSON.stringify(Array.from({ length: 200_000 }, (_, i) => `v${i}`)));
    const started = performance.now();
    redactor.parsed(many);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
