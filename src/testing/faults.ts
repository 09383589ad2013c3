/** The HTTP faults of `failNext()`: what a fault is, the queue of them, and how one is answered. */
import { resultBody } from "./bodies.js";
import { type FakeApiPath, isFakeApiPath } from "./calls.js";

/** Options of `FakeAuthlete.failNext`. */
export interface HttpFaultOptions {
  /** Fail only calls of this API, e.g. `/auth/token/issue`; calls of the others are answered as usual. Defaults to any. */
  path?: FakeApiPath | undefined;
  /** `Retry-After` to send with a status fault: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
  retryAfter?: number | string | undefined;
  /** The error body; Authlete's `{ resultCode, resultMessage }` by default. */
  body?: unknown;
  /** Wait this long before answering (or dropping), to exercise time limits. */
  delayMs?: number | undefined;
  /** How many consecutive calls get the fault. Defaults to 1. */
  times?: number | undefined;
}

/** An HTTP fault in one object, for `FakeAuthlete.failNext`: `{ path: "/auth/token/issue", status: 500 }`. */
export interface HttpFault extends HttpFaultOptions {
  /** The HTTP error status to answer (400-599). Defaults to 500 unless `drop` is set. */
  status?: number | undefined;
  /** Close the connection without an answer instead. */
  drop?: boolean | undefined;
}

/** How the fake answers a call: a status and a JSON body, or a connection closed without an answer. */
export type Answer = { status: number; body: unknown; headers?: Record<string, string> } | "drop";

/** A queued fault. */
export interface Fault {
  fault: number | "drop";
  options: HttpFaultOptions;
}

/** The faults queued by `failNext()`, in order. */
export interface FaultQueue {
  /** Queues a fault, refusing what is not an HTTP error status, "drop" or an API of the fake. */
  add(fault: number | "drop" | HttpFault, options?: HttpFaultOptions): void;
  /** The first fault queued for `api` (or for any API), used up once its `times` are. */
  take(api: FakeApiPath | undefined): Fault | undefined;
  clear(): void;
}

/** An empty {@link FaultQueue}. */
export function createFaultQueue(): FaultQueue {
  const faults: Fault[] = [];
  return {
    add(fault, faultOptions = {}) {
      const [status, rest] = typeof fault === "object" ? faultOf(fault) : [fault, faultOptions];
      if (status !== "drop" && !(Number.isInteger(status) && status >= 400 && status <= 599)) {
        throw new TypeError('failNext takes an HTTP error status (400-599) or "drop"');
      }
      if (rest.path !== undefined && !isFakeApiPath(rest.path)) {
        throw new TypeError(`failNext: the fake serves no API ${JSON.stringify(rest.path)}`);
      }
      faults.push({ fault: status, options: rest });
    },
    take(api) {
      const index = faults.findIndex((fault) => fault.options.path === undefined || fault.options.path === api);
      const first = faults[index];
      if (first === undefined) return undefined;
      const times = (first.options.times ?? 1) - 1;
      if (times <= 0) faults.splice(index, 1);
      else faults[index] = { ...first, options: { ...first.options, times } };
      return first;
    },
    clear() {
      faults.length = 0;
    },
  };
}

/** The status (or drop) and the options of a fault given in one object. */
function faultOf(fault: HttpFault): [number | "drop", HttpFaultOptions] {
  const { status, drop, ...options } = fault;
  if (drop === true && status !== undefined) throw new TypeError("failNext takes a status or drop, not both");
  return [drop === true ? "drop" : (status ?? 500), options];
}

/** An HTTP fault's answer, its default body naming the API the call was for, as Authlete's do. */
export async function faultAnswer(fault: Fault, api: string, signal: AbortSignal): Promise<Answer> {
  const { delayMs, retryAfter, body } = fault.options;
  if (delayMs !== undefined && delayMs > 0) await delay(delayMs, signal);
  if (fault.fault === "drop") return "drop";
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers["Retry-After"] = String(retryAfter);
  const status = fault.fault;
  return {
    status,
    headers,
    body:
      body ??
      resultBody(status >= 500 ? "A001101" : "A001201", api, status >= 500 ? "Authlete Server error." : "Bad request."),
  };
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
