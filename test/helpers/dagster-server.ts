import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSchema, type GraphQLSchema } from "graphql";
import { createHandler } from "graphql-http";

/** A request the test server received. */
interface ReceivedRequest {
  /** The request target: path and query. */
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A loopback HTTP server for one test; `url` ends in `/graphql`. */
export interface TestServer {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  received: ReceivedRequest,
  count: number,
) => void | Promise<void>;

/** Starts an HTTP server on 127.0.0.1 with a random port. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const received = {
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(received);
      Promise.resolve(handler(req, res, received, requests.length)).catch((error: unknown) => {
        res.statusCode = 599;
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Dagster's schema, cut to the types asset-diff uses (fixtures/dagster/schema.graphql). */
export const DAGSTER_SDL = readFileSync("fixtures/dagster/schema.graphql", "utf8");

/** A GraphQL endpoint executing `sdl` (Dagster's types by default) over `data` as root value. */
export function graphqlEndpoint(data: unknown, sdl: string = DAGSTER_SDL): Handler {
  const schema: GraphQLSchema = buildSchema(sdl);
  const handle = createHandler({ schema, rootValue: data });
  return async (req, res, received) => {
    const [body, init] = await handle({
      url: req.url ?? "/graphql",
      method: req.method ?? "POST",
      headers: req.headers,
      body: received.body,
      raw: req,
      context: undefined,
    });
    res.writeHead(init.status, init.statusText, init.headers).end(body);
  };
}

/** Reads a fixture response's `data` member. */
export function fixtureData(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")).data;
}

/** Answers with a fixed status, content type and body. */
export function answer(status: number, body: string, contentType = "application/json"): Handler {
  return (_req, res) => {
    res.writeHead(status, { "content-type": contentType });
    res.end(body);
  };
}
