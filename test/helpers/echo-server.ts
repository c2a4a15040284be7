import type { IncomingMessage } from "node:http";
import { startServer, type TestServer } from "./dagster-server";

/**
 * What a hostile (or merely chatty) server repeats of a request: the full URL, every header value,
 * the user and password of a Basic `Authorization` header decoded, and each of these
 * percent-decoded, percent-encoded, base64-encoded and JSON-escaped. `lines` has one per line;
 * `line` joins them on one line, and `printable` is `line` in printable ASCII (for a status text or
 * a header).
 */
export interface Echo {
  lines: string[];
  text: string;
  line: string;
  printable: string;
  /** The one value a short body repeats: the token, else the password, else the first query value. */
  first: string;
}

/** The request as the echo server saw it. */
function echoOf(req: IncomingMessage): Echo {
  const host = req.headers.host ?? "localhost";
  const url = `http://${host}${req.url ?? "/"}`;
  const items: string[] = [url, req.url ?? "/"];
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : [value ?? ""]) items.push(`${name}: ${v}`, v);
  }
  const basic = /^Basic (.*)$/i.exec(String(req.headers.authorization ?? ""));
  const pair = basic ? Buffer.from(basic[1] ?? "", "base64").toString("utf8") : undefined;
  if (pair !== undefined) items.push(pair, pair.slice(pair.indexOf(":") + 1));
  const query = new URL(url).searchParams;
  for (const [name, value] of query) items.push(`${name}=${value}`, value);
  const lines = [...new Set(items.flatMap(spellings))];
  const line = lines.join(" | ");
  const first =
    (req.headers["dagster-cloud-api-token"] as string | undefined) ??
    (pair === undefined ? undefined : pair.slice(pair.indexOf(":") + 1)) ??
    [...query.values()][0] ??
    url;
  return {
    lines,
    text: lines.join("\n"),
    line,
    printable: line.replace(/[^\x20-\x7e]/g, "?"),
    first,
  };
}

/** A response of the echo server. */
export interface EchoReply {
  status?: number;
  statusText?: string;
  headers?: Record<string, string>;
  /** A JSON value (sent as JSON) or a text body. */
  body: unknown;
}

/** Builds a response from what the request carried; `count` is 1 for the first request. */
export type EchoShape = (echo: Echo, req: IncomingMessage, count: number) => EchoReply;

/** A test server that also keeps what it answered (status line, headers and body). */
export interface EchoServer extends TestServer {
  replies: string[];
}

/** A loopback server that answers every request with `shape`, fed the request's {@link Echo}. */
export async function startEchoServer(shape: EchoShape): Promise<EchoServer> {
  const replies: string[] = [];
  const server = await startServer((req, res, _received, count) => {
    const reply = shape(echoOf(req), req, count);
    const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    const headers = {
      "content-type": typeof reply.body === "string" ? "text/plain" : "application/json",
      ...reply.headers,
    };
    const status = reply.status ?? 200;
    replies.push(`${status} ${reply.statusText ?? ""}\n${JSON.stringify(headers)}\n${text}`);
    if (reply.statusText === undefined) res.writeHead(status, headers);
    else res.writeHead(status, reply.statusText, headers);
    res.end(text);
  });
  return { ...server, replies };
}

/**
 * A secret and the spellings a leak would show it in: as is, percent-decoded and -encoded,
 * base64 (unpadded, and base64url) and JSON-escaped; those shorter than 4 characters left out.
 */
export function secretSpellings(secret: string): string[] {
  let decoded = secret;
  try {
    decoded = decodeURIComponent(secret);
  } catch {}
  const forms = [
    secret,
    decoded,
    encodeURIComponent(secret),
    Buffer.from(secret, "utf8").toString("base64").replace(/=+$/, ""),
    Buffer.from(secret, "utf8").toString("base64url"),
    JSON.stringify(secret).slice(1, -1),
  ];
  return [...new Set(forms)].filter((f) => f.length >= 4);
}

/** Each `where: spelling` found in the named texts, for any of `secrets`. */
export function leaksIn(texts: Record<string, string>, secrets: readonly string[]): string[] {
  const found: string[] = [];
  const forms = secrets.flatMap(secretSpellings);
  for (const [where, text] of Object.entries(texts)) {
    for (const form of forms)
      if (text.includes(form)) found.push(`${where} shows ${JSON.stringify(form)}`);
  }
  return found;
}

// --- internal ---

function spellings(text: string): string[] {
  let decoded = text;
  try {
    decoded = decodeURIComponent(text.replace(/\+/g, " "));
  } catch {}
  return [
    text,
    decoded,
    encodeURIComponent(decoded),
    Buffer.from(decoded, "utf8").toString("base64"),
    JSON.stringify(decoded).slice(1, -1),
  ];
}
