import { inspect } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTokenClient, type TokenClientOptions, type TokenRequest } from "../../src/index.js";
import { type FaultServer, type FaultServerOptions, startFaultServer } from "./fault-server.js";
import { recordOutcome } from "./reliability.js";
import { exposeForScan } from "./secret-scan.js";
import { FAULT_ACCESS_TOKEN, FAULT_CLIENT_SECRET } from "./secrets.js";

/** The secrets every fault case sends, and then looks for in what the client gave back. */
export const ACCESS_TOKEN = FAULT_ACCESS_TOKEN;
export const CLIENT_SECRET = FAULT_CLIENT_SECRET;

/** The token request of the fault cases: an authorization code grant carrying the client secret. */
export const REQUEST: TokenRequest = {
  parameters: "grant_type=authorization_code&code=Sp1x-one-time-code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
  clientId: "26478243745571",
  clientSecret: CLIENT_SECRET,
};

/** The body of a successful answer of Authlete's token API. */
export const OK_BODY = { resultCode: "A050001", resultMessage: "[A050001] ok", action: "OK", responseContent: "{}" };

/** A client of the fault cases' service, with their access token, sending to `target` (a fault server or a URL). */
export function faultClient(target: FaultServer | string, options: Partial<TokenClientOptions> = {}) {
  const baseUrl = typeof target === "string" ? target : target.url;
  return createTokenClient({ serviceId: "715948317", accessToken: ACCESS_TOKEN, baseUrl, ...options });
}

/**
 * Counts unhandled promise rejections while installed. Install it once per file (`beforeAll`),
 * uninstall it in `afterAll`; cases read `count` before and after themselves.
 */
export function unhandledRejections(): { readonly count: number; readonly reasons: unknown[]; uninstall(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => {
    reasons.push(reason);
  };
  process.on("unhandledRejection", listener);
  return {
    get count() {
      return reasons.length;
    },
    reasons,
    uninstall: () => void process.off("unhandledRejection", listener),
  };
}

/** Every way an error may end up in a log: String, util.inspect (hidden too), JSON, message, stack, cause. */
export function renderings(value: unknown): string {
  const parts = [String(value), inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value) ?? ""];
  if (value instanceof Error) {
    parts.push(
      value.message,
      value.stack ?? "",
      String(value.cause),
      inspect(value.cause, { depth: 10, showHidden: true }),
    );
    parts.push(JSON.stringify(value.cause) ?? "");
    if (value.cause instanceof Error) parts.push(value.cause.message, value.cause.stack ?? "");
  }
  return parts.join("\n");
}

/** How many times the access token or the client secret appear in any rendering of `value`. */
export function secretOccurrences(value: unknown): number {
  const text = renderings(value);
  return text.split(ACCESS_TOKEN).length - 1 + (text.split(CLIENT_SECRET).length - 1);
}

/** The rejection of a promise expected to fail (a resolution fails the case). */
export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

export interface CaseContext {
  /** The fault server of this case. */
  server: FaultServer;
  /** Starts another fault server that is checked (and closed) like the first. */
  another(options: FaultServerOptions): Promise<FaultServer>;
}

export interface CaseOptions {
  category: string;
  name: string;
  /** The fault server of the case. */
  server: FaultServerOptions;
  /** A case taking longer than this is a hang (default 15 s). */
  watchdogMs?: number;
  /** How long the servers' sockets may take to close once the case is done (default 3 s). */
  releaseMs?: number;
  /** Also wait for idle connections (opened by the fetch pool, never used) to close. */
  idleToo?: boolean;
  note?: string;
  unhandled: { readonly count: number };
}

const HANG = Symbol("hang");

/**
 * The setup of a test file of fault cases in `category`: counts unhandled rejections from its
 * beforeAll to its afterAll, and returns the function that declares one case (a test running
 * `faultCase`).
 */
export function useFaultCases(category: string) {
  let unhandled: ReturnType<typeof unhandledRejections> | undefined;
  beforeAll(() => {
    unhandled = unhandledRejections();
  });
  afterAll(() => unhandled?.uninstall());
  return (
    name: string,
    server: FaultServerOptions,
    body: Parameters<typeof faultCase>[1],
    extra: Pick<CaseOptions, "idleToo" | "releaseMs" | "watchdogMs" | "note"> = {},
  ) => {
    it(name, () => {
      if (!unhandled) throw new Error("fault cases run after their file's beforeAll");
      return faultCase({ category, name, server, unhandled, ...extra }, body);
    });
  };
}

/**
 * Runs one fault case: starts its server(s), runs `body` under a watchdog, then counts what was
 * lost — unhandled rejections during the case, sockets still open (or that the server had to
 * destroy itself), a hang, and occurrences of the secrets in every rendering of the values `body`
 * returns (the errors it caught). Records the outcome, closes the servers, and fails the test if
 * `body` failed or anything was lost.
 */
export async function faultCase(options: CaseOptions, body: (context: CaseContext) => Promise<unknown[]>) {
  const servers = [await startFaultServer(options.server)];
  const context: CaseContext = {
    server: servers[0] as FaultServer,
    async another(more) {
      const server = await startFaultServer(more);
      servers.push(server);
      return server;
    },
  };
  const unhandledBefore = options.unhandled.count;
  let failure: unknown;
  let hangs = 0;
  let shown: unknown[] = [];
  let watchdog: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      body(context),
      new Promise<typeof HANG>((resolve) => {
        watchdog = setTimeout(() => resolve(HANG), options.watchdogMs ?? 15_000);
      }),
    ]);
    if (result === HANG) hangs = 1;
    else shown = result;
  } catch (error) {
    failure = error;
  } finally {
    clearTimeout(watchdog);
  }
  let leakedSockets = 0;
  for (const server of servers) {
    leakedSockets += (await server.waitForNoSockets(options.releaseMs ?? 3_000, options.idleToo)) + server.forcedCloses;
  }
  // Let a rejection that nobody handled surface (Node reports it after the microtask queue drains).
  await new Promise((resolve) => setTimeout(resolve, 50));
  const unhandled = options.unhandled.count - unhandledBefore;
  const secrets = shown.reduce<number>((sum, value) => sum + secretOccurrences(value), 0);
  // The suite-wide scan sees them too (every secret of the suite, in every encoding).
  for (const value of shown) exposeForScan(value, "client error");
  await Promise.all(servers.map((server) => server.close()));
  const lost = unhandled + leakedSockets + hangs + secrets;
  recordOutcome({
    category: options.category,
    name: options.name,
    tried: 1,
    passed: failure === undefined && lost === 0 ? 1 : 0,
    lost,
    note: options.note ?? "lost = unhandled rejections + sockets not released + hangs + secret occurrences",
  });
  if (failure !== undefined) throw failure;
  expect({ unhandled, leakedSockets, hangs, secrets }).toEqual({
    unhandled: 0,
    leakedSockets: 0,
    hangs: 0,
    secrets: 0,
  });
}
