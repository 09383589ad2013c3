import { createServer, type Server, type Socket } from "node:net";

/**
 * What the fault server does with one request, once it has received it whole:
 * - `answer`: a complete HTTP/1.1 answer (`Connection: close`, then the server ends the socket);
 *   `body` is sent as given (bytes, text, or JSON for anything else);
 * - `truncate`: announces `Content-Length: declared`, sends `body` (shorter), then closes cleanly (FIN);
 * - `reset-mid-body`: announces a body, sends part of it, then resets the connection (RST); the
 *   answer is keep-alive unless `connectionClose`;
 * - `drop`: closes the connection without answering (`reset: true` for an RST instead of a FIN);
 * - `no-answer`: never answers; the socket is held until the client lets go (or the safety limit);
 * - `drip`: sends the headers and then `chunk` every `intervalMs`, at most `maxChunks` times
 *   (chunked, or with `contentLength` a `Content-Length` announcing all of them);
 * - `big`: a 200 of `bytes` bytes of JSON-ish filler, with `Content-Length` or chunked, written
 *   with backpressure so only what the client reads leaves the server.
 */
export type Fault =
  | { kind: "answer"; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: "truncate"; declared: number; body: string }
  | { kind: "reset-mid-body"; declared: number; body: string; connectionClose?: boolean }
  | { kind: "drop"; reset?: boolean }
  | { kind: "no-answer" }
  | { kind: "drip"; intervalMs: number; chunk: string; maxChunks: number; contentLength?: boolean }
  | { kind: "big"; bytes: number; chunked: boolean };

export interface FaultServerOptions {
  /** Port to listen on (default: any free one). */
  port?: number;
  /** Host to listen on (default 127.0.0.1). */
  host?: string;
  /** The faults for the first requests, in order; later requests get `otherwise`. */
  script?: Fault[];
  /** The fault for requests past the script (default: a 200 with `{}`). */
  otherwise?: Fault;
  /** Chooses the fault from the request's path, before the script: one server, several failures. */
  faultFor?: (path: string) => Fault | undefined;
  /** The server stops accepting requests after this many (default 20); extra connections are destroyed. */
  maxRequests?: number;
  /** The server destroys every socket and closes itself after this long (default 20 s). */
  lifetimeMs?: number;
  /** A socket held by `no-answer` is destroyed by the server after this long (default 10 s). */
  holdMs?: number;
}

export interface RecordedFaultRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  fault: Fault["kind"];
  /** When the request had arrived whole (`performance.now()`). */
  at: number;
}

export interface FaultServer {
  readonly url: string;
  readonly port: number;
  /** Every request received whole, in order. */
  readonly requests: RecordedFaultRequest[];
  /** Connections accepted so far. */
  readonly connections: number;
  /**
   * Sockets the server had to destroy itself because the client never let go (the `no-answer`
   * hold or the lifetime ran out): each one is a hang or a leak on the client's side.
   */
  readonly forcedCloses: number;
  /** Sockets currently open, as node:net's `getConnections()` counts them (idle ones included). */
  openSockets(): Promise<number>;
  /**
   * Polls until no socket that carried a request (or part of one) is open; resolves to the number
   * still open when `withinMs` ran out (0 = all released). With `idleToo`, waits for every socket,
   * including connections undici's pool opened without sending anything on them.
   */
  waitForNoSockets(withinMs?: number, idleToo?: boolean): Promise<number>;
  /** Replaces the script for the next requests. */
  setScript(script: Fault[], otherwise?: Fault): void;
  close(): Promise<void>;
}

const DEFAULT_OK: Fault = { kind: "answer", status: 200, body: {} };

/**
 * A real HTTP/1.1 server on loopback (node:net, so it can misbehave at the byte level) that
 * answers each request with a scripted fault. It is bounded: it serves at most `maxRequests`
 * requests, holds no socket past `holdMs`, and closes itself after `lifetimeMs`, so a broken
 * client cannot keep a test process alive. It tracks its open sockets so tests can assert that
 * the client released every connection.
 */
export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const maxRequests = options.maxRequests ?? 20;
  const holdMs = options.holdMs ?? 10_000;
  let script = [...(options.script ?? [])];
  let otherwise = options.otherwise ?? DEFAULT_OK;
  const requests: RecordedFaultRequest[] = [];
  const sockets = new Set<Socket>();
  // Sockets that received at least one byte. Node's fetch (undici) may open a spare connection
  // after an aborted request and send nothing on it; it closes it after its keep-alive timeout
  // (4 s). Such a socket carries no call, so it is told apart from one a call left open.
  const used = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;
  let forcedCloses = 0;

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
    return timer;
  };
  const force = (socket: Socket) => {
    if (socket.destroyed) return;
    forcedCloses++;
    socket.destroy();
  };

  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      used.delete(socket);
    });
    socket.on("error", () => {}); // EPIPE / ECONNRESET when the client lets go mid-answer: expected
    if (requests.length >= maxRequests) {
      socket.destroy();
      return;
    }
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      used.add(socket);
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString("latin1").split("\r\n");
      const [method = "", path = ""] = (head[0] ?? "").split(" ");
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers["content-length"] ?? 0);
      if (buffer.length < end + 4 + length) return;
      socket.off("data", onData);
      const fault = options.faultFor?.(path) ?? script.shift() ?? otherwise;
      requests.push({
        method,
        path,
        headers,
        body: buffer.subarray(end + 4, end + 4 + length).toString("utf8"),
        fault: fault.kind,
        at: performance.now(),
      });
      perform(socket, fault);
    };
    socket.on("data", onData);
  });

  function perform(socket: Socket, fault: Fault): void {
    switch (fault.kind) {
      case "answer": {
        const body =
          fault.body === undefined
            ? Buffer.alloc(0)
            : Buffer.isBuffer(fault.body)
              ? fault.body
              : Buffer.from(typeof fault.body === "string" ? fault.body : JSON.stringify(fault.body), "utf8");
        const headers = { "content-type": "application/json", ...fault.headers };
        socket.end(Buffer.concat([head(fault.status, headers, body.length), body]));
        return;
      }
      case "truncate":
        socket.end(`${headText(200, { "content-type": "application/json" }, fault.declared)}${fault.body}`);
        return;
      case "reset-mid-body":
        // Keep-alive framing, as a load balancer in front of Authlete sends: with `Connection: close`
        // undici reports a reset mid-body like an orderly early close (see docs/client.md, Faults).
        socket.write(
          `${headText(200, { "content-type": "application/json" }, fault.declared, fault.connectionClose ?? false)}${fault.body}`,
          () => {
            later(30, () => socket.resetAndDestroy());
          },
        );
        return;
      case "drop":
        if (fault.reset) socket.resetAndDestroy();
        else socket.destroy();
        return;
      case "no-answer":
        later(holdMs, () => force(socket));
        return;
      case "drip": {
        const bytes = Buffer.byteLength(fault.chunk);
        socket.write(
          fault.contentLength
            ? headText(200, { "content-type": "application/json" }, bytes * fault.maxChunks)
            : headText(200, { "content-type": "application/json", "transfer-encoding": "chunked" }),
        );
        let sent = 0;
        const tick = () => {
          if (socket.destroyed) return;
          if (sent++ >= fault.maxChunks) {
            if (fault.contentLength) socket.end();
            else socket.end("0\r\n\r\n");
            return;
          }
          socket.write(fault.contentLength ? fault.chunk : `${bytes.toString(16)}\r\n${fault.chunk}\r\n`);
          later(fault.intervalMs, tick);
        };
        tick();
        return;
      }
      case "big": {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (fault.chunked) headers["transfer-encoding"] = "chunked";
        socket.write(fault.chunked ? headText(200, headers) : headText(200, headers, fault.bytes));
        const piece = Buffer.alloc(64 * 1024, 0x61);
        let left = fault.bytes;
        const pump = () => {
          while (left > 0 && !socket.destroyed) {
            const part = piece.subarray(0, Math.min(piece.length, left));
            left -= part.length;
            const framed = fault.chunked
              ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from("\r\n")])
              : part;
            if (!socket.write(framed)) {
              socket.once("drain", pump);
              return;
            }
          }
          if (socket.destroyed) return;
          if (fault.chunked) socket.end("0\r\n\r\n");
          else socket.end();
        };
        pump();
        return;
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  const host = options.host ?? "127.0.0.1";
  const lifetime = later(options.lifetimeMs ?? 20_000, () => void close());
  lifetime.unref();

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) force(socket);
      server.close(() => resolve());
    });
    return closing;
  }

  const openSockets = () =>
    new Promise<number>((resolve, reject) => {
      server.getConnections((error, count) => (error ? reject(error) : resolve(count)));
    });

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    requests,
    get connections() {
      return connections;
    },
    get forcedCloses() {
      return forcedCloses;
    },
    openSockets,
    async waitForNoSockets(withinMs = 3_000, idleToo = false) {
      const until = Date.now() + withinMs;
      for (;;) {
        const open = idleToo ? (server.listening ? await openSockets() : sockets.size) : used.size;
        if (open === 0 || Date.now() >= until) return open;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    setScript(next, fallback) {
      script = [...next];
      if (fallback) otherwise = fallback;
    },
    close,
  };
}

function headText(status: number, headers: Record<string, string>, contentLength?: number, close = true): string {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? "Whatever"}`];
  if (close) lines.push("connection: close");
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (contentLength !== undefined) lines.push(`content-length: ${contentLength}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

function head(status: number, headers: Record<string, string>, contentLength: number): Buffer {
  return Buffer.from(headText(status, headers, contentLength), "latin1");
}

const REASONS: Record<number, string> = {
  200: "OK",
  307: "Temporary Redirect",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};
