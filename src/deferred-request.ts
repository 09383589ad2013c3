/**
 * A stand-in for `Request` that `openapi-fetch` constructs instead of a real one. openapi-fetch
 * builds a `Request` from its URL and init, and `fetch` then builds a second one from the first;
 * with no middleware to show the request to, the first is pure cost. This keeps the URL and init
 * as they are and {@link sendDeferred} hands them to `fetch` directly, so one request is built.
 */
export class DeferredRequest {
  readonly url: string;
  readonly method: string;
  readonly init: RequestInit;

  constructor(url: string, init: RequestInit) {
    this.url = url;
    this.method = init.method ?? "GET";
    this.init = init;
  }
}

/**
 * The `fetch` that goes with {@link DeferredRequest}: `fetch(url, init)` with the caller's `fetch`
 * or, by default, the platform's (looked up per call, so a later polyfill or instrumentation
 * applies), its response passed through `check` before openapi-fetch sees it (the client turns a
 * non-2xx answer into its error there, so openapi-fetch never reads an unbounded error body).
 */
export function sendDeferred(
  custom: ((input: string, init: RequestInit) => Promise<Response>) | undefined,
  check: (response: Response) => Response | Promise<Response>,
): (request: Request) => Promise<Response> {
  return (request) => {
    const { url, init } = request as unknown as DeferredRequest;
    return (custom ? custom(url, init) : globalThis.fetch(url, init)).then(check);
  };
}
