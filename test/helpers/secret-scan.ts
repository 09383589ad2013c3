/**
 * The suite-wide secret scan, loaded by vitest's `setupFiles` into every test file's worker.
 *
 * From the moment it loads, it looks for every secret of `test/helpers/secrets.ts` (in every form
 * `needlesOf` knows) in:
 *
 * - everything written to `process.stdout` / `process.stderr` and every `console` call (rendered
 *   with `util.format` at depth 10 and as JSON, deeper than console prints);
 * - every HTTP response body and header block sent by a `node:http` server in the process (the
 *   token endpoint through `toNodeHandler`, fake Authletes, test servers);
 * - every web `Response` built in the process with a string or byte body (what the token
 *   endpoint returns) and every body read through `Response#text/json/arrayBuffer/bytes`;
 * - whatever a test passes to {@link exposeForScan}: errors and log records, rendered with
 *   `String`, `util.inspect` (showHidden, depth 10), `JSON.stringify`, message, stack and causes.
 *
 * Tokens the Authlete stand-ins issue (`ISSUED_TOKEN_PREFIX`) are looked for in the same places
 * except response bodies, which is where they belong.
 *
 * After each test file (the last `afterAll`), it fails the file if any secret was seen, naming the
 * secret and the channel but never quoting the text, and records the counts with
 * `recordOutcome` (category "Secrets").
 *
 * Not seen: child processes' output (tests expose what they capture of it), request bodies and
 * headers sent *to* Authlete (they must carry the token and the client secret), data a test keeps
 * in memory without exposing it, bytes written straight to a socket, output after the file's last
 * hook, and anything vitest's main process prints (including its failure diffs). A secret
 * transformed some other way (hex, split, hashed, another charset) is not recognized.
 */
import { ServerResponse } from "node:http";
import { basename } from "node:path";
import { formatWithOptions, inspect } from "node:util";
import { afterAll, expect } from "vitest";
import { recordOutcome } from "./reliability.js";
import { type Finding, findSecrets, ISSUED_TOKEN_NEEDLES, NEEDLES, type Needle } from "./secrets.js";

/** What one test file's worker has scanned so far. */
export interface ScanState {
  items: number;
  /** Items in which at least one secret was found. */
  leakedItems: number;
  bytes: number;
  occurrences: number;
  findings: (Finding & { channel: string })[];
  channels: Record<string, { items: number; bytes: number }>;
}

const STATE = Symbol.for("authlete-token.secret-scan.state");
const INSTALLED = Symbol.for("authlete-token.secret-scan.installed");
const MUTED = Symbol.for("authlete-token.secret-scan.muted");
const WRAPPED = Symbol.for("authlete-token.secret-scan.wrapped");
type Global = typeof globalThis & { [STATE]?: ScanState; [INSTALLED]?: boolean; [MUTED]?: boolean };
const global = globalThis as Global;

function emptyState(): ScanState {
  return { items: 0, leakedItems: 0, bytes: 0, occurrences: 0, findings: [], channels: {} };
}

/** The counters of this worker (one test file). */
export function scanState(): ScanState {
  global[STATE] ??= emptyState();
  return global[STATE];
}

/** Channels that carry response bodies, where issued tokens legitimately travel. */
const BODY_CHANNELS = new Set(["http response body", "web Response body", "web Response body read"]);
const ALL_NEEDLES: readonly Needle[] = [...NEEDLES, ...ISSUED_TOKEN_NEEDLES];

/**
 * Scans one piece of text seen on `channel`. Keeps counts only, never the text. Service access
 * tokens and client secrets are looked for everywhere; issued tokens everywhere but in response
 * bodies (and the header blocks, which carry DPoP nonces but no tokens, are scanned for both).
 */
export function scanText(
  channel: string,
  text: string,
  needles: readonly Needle[] = BODY_CHANNELS.has(channel) ? NEEDLES : ALL_NEEDLES,
): Finding[] {
  const state = scanState();
  state.items++;
  state.bytes += text.length;
  state.channels[channel] ??= { items: 0, bytes: 0 };
  const perChannel = state.channels[channel];
  perChannel.items++;
  perChannel.bytes += text.length;
  const findings = findSecrets(text, needles);
  if (findings.length > 0) state.leakedItems++;
  for (const finding of findings) {
    state.occurrences += finding.count;
    state.findings.push({ ...finding, channel });
  }
  return findings;
}

/** Every way a value may end up in a log or a response: String, inspect, JSON, message, stack, causes. */
export function renderForScan(value: unknown): string {
  const parts: string[] = [];
  const attempt = (render: () => unknown) => {
    try {
      const text = render();
      if (typeof text === "string") parts.push(text);
    } catch {
      // A value that cannot be rendered one way is still rendered the others.
    }
  };
  attempt(() => String(value));
  attempt(() => inspect(value, { showHidden: true, depth: 10, maxArrayLength: null, maxStringLength: null }));
  attempt(() => JSON.stringify(value));
  let current: unknown = value;
  for (let depth = 0; depth < 10 && current instanceof Error; depth++) {
    const error = current;
    attempt(() => error.message);
    attempt(() => error.stack);
    attempt(() => JSON.stringify(error, Object.getOwnPropertyNames(error)));
    current = error.cause;
    if (current !== undefined && !(current instanceof Error)) {
      const cause = current;
      attempt(() => String(cause));
      attempt(() => JSON.stringify(cause));
    }
  }
  if (value instanceof AggregateError) for (const inner of value.errors) parts.push(renderForScan(inner));
  return parts.join("\n");
}

/**
 * Scans a value a test produced (an error, a log record, a captured output): call it on every
 * error a test provokes. Returns the value, so it can wrap an expression.
 */
export function exposeForScan<T>(value: T, channel = "exposed"): T {
  scanText(channel, renderForScan(value));
  return value;
}

/**
 * Runs `fn` with fresh counters and, with `mute`, without passing stdout/stderr/console output
 * on; returns what was scanned meanwhile and restores the file's own counters. Only for proving
 * that the scan sees a deliberate leak without failing the file or printing the secret.
 */
export async function withScratchScan(fn: () => unknown, options: { mute?: boolean } = {}): Promise<ScanState> {
  const saved = scanState();
  const scratch = emptyState();
  global[STATE] = scratch;
  global[MUTED] = options.mute === true;
  try {
    await fn();
  } finally {
    global[STATE] = saved;
    global[MUTED] = false;
  }
  return scratch;
}

function chunkText(chunk: unknown): string {
  if (typeof chunk === "string") return chunk;
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("utf8");
  if (chunk instanceof ArrayBuffer) return Buffer.from(chunk).toString("utf8");
  return chunk == null ? "" : String(chunk);
}

/** Marks an object as wrapped; false when it already was (a worker running a second file). */
function firstWrap(target: object): boolean {
  const marked = target as { [WRAPPED]?: boolean };
  if (marked[WRAPPED]) return false;
  Object.defineProperty(marked, WRAPPED, { value: true, enumerable: false });
  return true;
}

function install(): void {
  // process.stdout / process.stderr
  for (const [name, stream] of [
    ["stdout", process.stdout],
    ["stderr", process.stderr],
  ] as const) {
    if (!firstWrap(stream)) continue;
    const write = stream.write;
    stream.write = function (this: typeof stream, chunk: unknown, ...rest: unknown[]) {
      scanText(`process.${name}`, chunkText(chunk));
      if (global[MUTED]) return true;
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
  }

  // console (vitest's own console in a worker writes elsewhere, so both are wrapped)
  const consoleMethods = ["log", "info", "warn", "error", "debug", "trace", "dir", "table"] as const;
  for (const method of firstWrap(console) ? consoleMethods : []) {
    const original = console[method] as (...args: unknown[]) => void;
    if (typeof original !== "function") continue;
    (console as unknown as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
      let json = "";
      try {
        json = JSON.stringify(args) ?? "";
      } catch {
        // circular: the formatted text is still scanned
      }
      scanText(`console.${method}`, `${formatWithOptions({ depth: 10 }, ...args)}\n${json}`);
      if (global[MUTED]) return;
      return original.apply(this, args);
    };
  }

  // Everything below patches the process's shared classes: once per process.
  if (global[INSTALLED]) return;
  global[INSTALLED] = true;

  // node:http responses: bodies and the serialized header block
  const proto = ServerResponse.prototype as ServerResponse & { _header?: string | null };
  const write = proto.write;
  const end = proto.end;
  proto.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (chunk != null && typeof chunk !== "function") scanText("http response body", chunkText(chunk));
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof proto.write;
  proto.end = function (this: ServerResponse & { _header?: string | null }, chunk?: unknown, ...rest: unknown[]) {
    if (chunk != null && typeof chunk !== "function") scanText("http response body", chunkText(chunk));
    const result = (end as (...args: unknown[]) => unknown).call(this, chunk, ...rest);
    if (typeof this._header === "string") scanText("http response headers", this._header);
    return result;
  } as typeof proto.end;

  // web Responses: bodies given to the constructor, and bodies read through the Body methods
  const OriginalResponse = globalThis.Response;
  globalThis.Response = new Proxy(OriginalResponse, {
    construct(target, args, newTarget) {
      const [body, init] = args as [unknown, ResponseInit | undefined];
      if (typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer) {
        scanText("web Response body", chunkText(body));
      }
      if (init?.headers !== undefined) {
        try {
          scanText("web Response headers", JSON.stringify([...new Headers(init.headers)]));
        } catch {
          // headers the constructor will refuse anyway
        }
      }
      return Reflect.construct(target, args, newTarget);
    },
  });
  // Response.json(data) builds its body inside: scan the data.
  const json = OriginalResponse.json;
  if (typeof json === "function") {
    OriginalResponse.json = ((data: unknown, init?: ResponseInit) => {
      try {
        scanText("web Response body", JSON.stringify(data) ?? "");
      } catch {
        // Response.json will throw the same error itself
      }
      return json.call(OriginalResponse, data, init);
    }) as typeof OriginalResponse.json;
  }
  const body = OriginalResponse.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of ["text", "json", "arrayBuffer", "bytes"] as const) {
    const original = body[method];
    if (typeof original !== "function") continue;
    body[method] = async function (this: Response, ...args: unknown[]) {
      const value = await original.apply(this, args);
      scanText(
        "web Response body read",
        typeof value === "string"
          ? value
          : value instanceof ArrayBuffer || value instanceof Uint8Array
            ? chunkText(value)
            : (JSON.stringify(value) ?? ""),
      );
      return value;
    };
  }
}

install();
// Fresh counters for this test file, even in a worker that ran another file before.
global[STATE] = emptyState();

afterAll(() => {
  const state = scanState();
  const file = basename(expect.getState().testPath ?? "unknown");
  const channels = Object.entries(state.channels)
    .map(([name, c]) => `${name} ${c.items}`)
    .join(", ");
  recordOutcome({
    category: "Secrets",
    name: file,
    tried: state.items,
    passed: state.items - state.leakedItems,
    lost: state.occurrences,
    note: `${state.bytes} characters scanned for ${NEEDLES.length} encodings of the suite's secrets and ${ISSUED_TOKEN_NEEDLES.length} of issued tokens (${channels})`,
  });
  if (state.occurrences > 0) {
    const where = state.findings.map((f) => `${f.secret} (${f.form}) ×${f.count} in ${f.channel}`).join("; ");
    throw new Error(`A secret leaked: ${where}`);
  }
});
