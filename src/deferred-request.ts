/**
 * The `Request` the client hands to openapi-fetch through its documented `Request` option.
 * openapi-fetch builds a `Request` from its URL and init, and `fetch` then builds a second one
 * from the first; with no middleware to look at the request, the first is pure cost. This one
 * keeps the URL and init as they are (so {@link sendDeferred} calls `fetch(url, init)` and one
 * request is built) and builds the real `Request` only if something reads more than that.
 */
export class DeferredRequest implements Request {
  readonly url: string;
  readonly method: string;
  readonly init: RequestInit;
  #real: Request | undefined;

  constructor(input: RequestInfo | URL, init: RequestInit = {}) {
    this.url = input instanceof Request ? input.url : String(input);
    this.method = init.method ?? (input instanceof Request ? input.method : "GET");
    this.init = init;
  }

  /** The real request, built the first time a property other than url, method or init is read. */
  get real(): Request {
    this.#real ??= new Request(this.url, this.init);
    return this.#real;
  }

  get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.real.body;
  }
  get bodyUsed(): boolean {
    return this.real.bodyUsed;
  }
  get cache(): RequestCache {
    return this.real.cache;
  }
  get credentials(): RequestCredentials {
    return this.real.credentials;
  }
  get destination(): RequestDestination {
    return this.real.destination;
  }
  get headers(): Headers {
    return this.real.headers;
  }
  get integrity(): string {
    return this.real.integrity;
  }
  get keepalive(): boolean {
    return this.real.keepalive;
  }
  get mode(): RequestMode {
    return this.real.mode;
  }
  get redirect(): RequestRedirect {
    return this.real.redirect;
  }
  get referrer(): string {
    return this.real.referrer;
  }
  get referrerPolicy(): ReferrerPolicy {
    return this.real.referrerPolicy;
  }
  get signal(): AbortSignal {
    return this.real.signal;
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.real.arrayBuffer();
  }
  blob(): Promise<Blob> {
    return this.real.blob();
  }
  bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.real.bytes();
  }
  formData(): Promise<FormData> {
    return this.real.formData();
  }
  json(): Promise<unknown> {
    return this.real.json();
  }
  text(): Promise<string> {
    return this.real.text();
  }
  clone(): Request {
    return this.real.clone();
  }
}

/**
 * The `fetch` that goes with {@link DeferredRequest}: `fetch(url, init)` with the caller's `fetch`
 * or, by default, the platform's (looked up per call, so a later polyfill or instrumentation
 * applies), its response passed through `check` before openapi-fetch sees it (the client turns a
 * non-2xx answer into its error there, so openapi-fetch never reads an unbounded error body).
 */
export function sendDeferred(
  custom: ((input: string | Request, init?: RequestInit) => Promise<Response>) | undefined,
  check: (response: Response) => Response | Promise<Response>,
): (request: Request) => Promise<Response> {
  const send = custom ?? ((input: string | Request, init?: RequestInit) => globalThis.fetch(input, init));
  return (request) =>
    (request instanceof DeferredRequest ? send(request.url, request.init) : send(request)).then(check);
}

/** {@link DeferredRequest} as the `Request` constructor openapi-fetch's options ask for. */
export const DeferredRequestConstructor: typeof Request = DeferredRequest;
