import { serverErrorResponse } from "./response-headers.js";

/**
 * The parts of Node's `http.IncomingMessage` the adapter reads. Typed structurally so this module
 * needs no Node typings and stays importable on every runtime.
 */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  method?: string | undefined;
  url?: string | undefined;
  /** Alternating names and values, duplicates kept (Node's `rawHeaders`). */
  rawHeaders: string[];
  /** Node's socket; a `TLSSocket` has `encrypted: true`. */
  socket?: unknown;
}

/** The parts of Node's `http.ServerResponse` the adapter writes. */
export interface NodeResponseLike {
  statusCode: number;
  readonly headersSent: boolean;
  readonly writableFinished?: boolean | undefined;
  setHeader(name: string, value: string | string[]): unknown;
  end(chunk?: Uint8Array): unknown;
  once(event: "close", listener: () => void): unknown;
}

/** Options of {@link toNodeHandler}. */
export interface NodeHandlerOptions {
  /**
   * The scheme and host to build `request.url` with, e.g. `https://as.example.com`. By default
   * they come from the connection and the `Host` header.
   */
  origin?: string | undefined;
}

/** A web-standard handler, like the one {@link createTokenEndpoint} returns. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * Adapts a web-standard handler to Node's `http.createServer` (also Express and Connect, which
 * pass the same objects). The request body is streamed to the handler; the response is buffered,
 * which suits token responses. A handler that throws is answered with `500 server_error`.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * createServer(toNodeHandler(createTokenEndpoint({ client }))).listen(8080);
 * ```
 */
export function toNodeHandler(
  handler: FetchHandler,
  options: NodeHandlerOptions = {},
): (req: NodeRequestLike, res: NodeResponseLike) => Promise<void> {
  return async (req, res) => {
    const aborter = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) aborter.abort(new Error("The client closed the connection"));
    });
    let response: Response;
    try {
      response = await handler(toRequest(req, aborter.signal, options));
    } catch {
      response = serverErrorResponse();
    }
    await writeResponse(response, res);
  };
}

function toRequest(req: NodeRequestLike, signal: AbortSignal, options: NodeHandlerOptions): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
    } catch {
      // HTTP/2 pseudo-headers (":path") and the like are not HTTP fields.
    }
  }
  const method = req.method ?? "GET";
  const init: RequestInit & { duplex?: "half" } = { method, headers, signal };
  if (method !== "GET" && method !== "HEAD") {
    init.body = toStream(req);
    // Required by Node's fetch for a streamed request body.
    init.duplex = "half";
  }
  return new Request(requestUrl(req, headers, options), init);
}

function requestUrl(req: NodeRequestLike, headers: Headers, options: NodeHandlerOptions): URL {
  const socket = req.socket as { encrypted?: unknown } | null | undefined;
  const scheme = socket?.encrypted === true ? "https" : "http";
  let base: URL;
  try {
    base = new URL(options.origin ?? `${scheme}://${headers.get("Host") ?? "localhost"}`);
  } catch {
    base = new URL(`${scheme}://localhost`);
  }
  try {
    return new URL(req.url ?? "/", base);
  } catch {
    return new URL("/", base);
  }
}

function toStream(req: NodeRequestLike): ReadableStream<Uint8Array> {
  const iterator = req[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === "string" ? encoder.encode(value) : value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

async function writeResponse(response: Response, res: NodeResponseLike): Promise<void> {
  let body: Uint8Array | undefined;
  try {
    body = response.body === null ? undefined : new Uint8Array(await response.arrayBuffer());
  } catch {
    response = serverErrorResponse();
    body = new Uint8Array(await response.arrayBuffer());
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("Set-Cookie", cookies);
  res.end(body);
}
