import { AuthleteConfigurationError } from "../errors.js";
import {
  oauthErrorBody,
  oauthErrorResponse,
  serverErrorResponse,
  TOKEN_RESPONSE_CONTENT_TYPE,
} from "./oauth-response.js";

/**
 * The parts of Node's `http.IncomingMessage` the adapter reads. Typed structurally so this module
 * needs no Node typings and stays importable on every runtime.
 */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  method?: string | undefined;
  url?: string | undefined;
  /** `"1.1"`, `"1.0"`, … (Node's `httpVersion`). */
  httpVersion?: string | undefined;
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

/** The parts of Node's `net.Socket` {@link onNodeClientError} uses. */
export interface NodeSocketLike {
  readonly writable: boolean;
  end(data: string, callback?: () => void): unknown;
  destroy(): unknown;
  /** The response in flight on this connection, if any (Node's `socket._httpMessage`). */
  readonly _httpMessage?: { readonly headersSent?: boolean } | null | undefined;
}

/** The parts of Node's `http.Server` {@link answerNodeProtocolErrors} uses. */
export interface NodeServerLike {
  /** Node's own check for a missing `Host` header (bodiless 400); {@link toNodeHandler} makes it instead. */
  requireHostHeader?: boolean | undefined;
  on(event: "clientError", listener: (error: Error & { code?: string }, socket: NodeSocketLike) => void): unknown;
  on(event: "checkExpectation", listener: (req: unknown, res: NodeResponseLike) => void): unknown;
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
  const { origin } = options;
  if (origin !== undefined && !(/^https?:\/\/[^/?#@]+\/?$/i.test(String(origin)) && URL.canParse(origin))) {
    throw new AuthleteConfigurationError(
      "toNodeHandler: origin must be a scheme and host, e.g. https://as.example.com",
    );
  }
  return async (req, res) => {
    const aborter = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) aborter.abort(new Error("The client closed the connection"));
    });
    if (req.httpVersion === "1.1" && !hasHost(req.rawHeaders)) {
      // RFC 9112 section 3.2 (Node checks it itself unless answerNodeProtocolErrors turned that off).
      await writeResponse(invalidRequestResponse("The request has no Host header"), res);
      return;
    }
    let request: Request;
    try {
      request = toRequest(req, aborter.signal, options);
    } catch {
      // A request Node's parser accepts but fetch's Request refuses (the methods TRACE and TRACK):
      // the client's doing, so a 400 rather than a handler's 500.
      await writeResponse(invalidRequestResponse("The request cannot be handled"), res);
      return;
    }
    let response: Response;
    try {
      response = await handler(request);
    } catch {
      response = serverErrorResponse();
    }
    await writeResponse(response, res);
  };
}

function invalidRequestResponse(description: string): Response {
  return oauthErrorResponse(400, "invalid_request", description);
}

function hasHost(rawHeaders: string[]): boolean {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === "host") return true;
  }
  return false;
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
  const target = req.url ?? "/";
  if (options.origin === undefined) {
    const socket = req.socket as { encrypted?: unknown } | null | undefined;
    const scheme = socket?.encrypted === true ? "https" : "http";
    let base: URL;
    try {
      base = new URL(`${scheme}://${headers.get("Host") ?? "localhost"}`);
    } catch {
      base = new URL(`${scheme}://localhost`);
    }
    try {
      return new URL(target, base);
    } catch {
      return new URL("/", base);
    }
  }
  // `origin` wins over everything the client sent: an absolute-form target
  // (`POST http://elsewhere/token HTTP/1.1`, RFC 9112 section 3.2.2) or a path starting with `//`
  // only gives its path and query.
  const url = new URL(options.origin);
  const query = target.indexOf("?");
  let path = query < 0 ? target : target.slice(0, query);
  let search = query < 0 ? "" : target.slice(query);
  if (!path.startsWith("/")) {
    try {
      const absolute = new URL(target);
      path = absolute.pathname;
      search = absolute.search;
    } catch {
      path = "/";
      search = "";
    }
  }
  url.pathname = path;
  url.search = search;
  url.hash = "";
  return url;
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

/**
 * A `clientError` listener for a Node `http.Server`: answers a request Node's HTTP parser refused
 * (a header with a control character, an invalid method or request line, broken chunked framing,
 * headers over `maxHeaderSize`) with an OAuth error in JSON, as the token endpoint answers every
 * other malformed request, instead of Node's bodiless `400 Bad Request`. Such requests never reach
 * the handler of {@link toNodeHandler}. The error's details and the request's bytes are not sent.
 *
 * @example
 * ```ts
 * const server = createServer(toNodeHandler(endpoint));
 * server.on("clientError", onNodeClientError);
 * ```
 */
export function onNodeClientError(error: Error & { code?: string | undefined }, socket: NodeSocketLike): void {
  // Nothing to answer: the peer is gone, or a response on this connection has begun.
  if (error.code === "ECONNRESET" || !socket.writable || socket._httpMessage?.headersSent === true) {
    socket.destroy();
    return;
  }
  const [status, reason, description] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request Header Fields Too Large", "The request headers are too large"]
      : error.code === "HPE_CHUNK_EXTENSIONS_OVERFLOW"
        ? [413, "Content Too Large", "The chunk extensions are too large"]
        : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "Request Timeout", "The request was not received in time"]
          : [400, "Bad Request", "The request is not valid HTTP"];
  const body = oauthErrorBody("invalid_request", description);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      `Content-Type: ${TOKEN_RESPONSE_CONTENT_TYPE}\r\nCache-Control: no-store\r\nPragma: no-cache\r\n` +
      `Content-Length: ${new TextEncoder().encode(body).byteLength}\r\nConnection: close\r\n\r\n${body}`,
    // Closed once the answer is out, as Node does: a client that never closes its side must not
    // keep the connection.
    () => socket.destroy(),
  );
}

/**
 * A `checkExpectation` listener for a Node `http.Server`: answers a request with an `Expect`
 * header other than `100-continue` with `417` and an OAuth error in JSON, instead of Node's
 * bodiless `417`. Such requests never reach the handler of {@link toNodeHandler}.
 */
export function onNodeCheckExpectation(_req: unknown, res: NodeResponseLike): void {
  const response = oauthErrorResponse(417, "invalid_request", "The Expect header is not supported");
  res.statusCode = 417;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.end(new TextEncoder().encode(oauthErrorBody("invalid_request", "The Expect header is not supported")));
}

/**
 * Makes a Node `http.Server` answer the requests its HTTP layer refuses before any handler runs
 * (malformed request line or headers, oversized headers, broken framing, an unsupported `Expect`,
 * an HTTP/1.1 request without `Host`) with an OAuth error in JSON and the no-store headers, like
 * every other answer of the token endpoint. Adds {@link onNodeClientError} and
 * {@link onNodeCheckExpectation}, and leaves the `Host` check to {@link toNodeHandler} (which
 * answers 400 `invalid_request`): only use it on a server whose requests all go through
 * `toNodeHandler`. Returns the server. Not covered: `CONNECT`, which Node never passes to a request
 * handler (without a `connect` listener it closes the connection).
 *
 * @example
 * ```ts
 * answerNodeProtocolErrors(createServer(toNodeHandler(endpoint))).listen(8080);
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-3.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function answerNodeProtocolErrors<S extends NodeServerLike>(server: S): S {
  server.on("clientError", onNodeClientError);
  server.on("checkExpectation", onNodeCheckExpectation);
  if (server.requireHostHeader !== undefined) server.requireHostHeader = false;
  return server;
}
