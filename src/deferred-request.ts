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
    if (!delegating) delegateToRealRequest();
    this.url = input instanceof Request ? input.url : String(input);
    this.method = init.method ?? (input instanceof Request ? input.method : "GET");
    this.init = init;
  }

  /** The real request, built the first time a property other than url, method or init is read. */
  get real(): Request {
    this.#real ??= new Request(this.url, this.init);
    return this.#real;
  }

  // Every other member of Request reads the real request: the getters are installed by
  // delegateToRealRequest() from the platform's own Request.prototype, so they follow what the
  // platform's Request has.
  declare readonly body: Request["body"];
  declare readonly bodyUsed: boolean;
  declare readonly cache: RequestCache;
  declare readonly credentials: RequestCredentials;
  declare readonly destination: RequestDestination;
  declare readonly headers: Headers;
  declare readonly integrity: string;
  declare readonly keepalive: boolean;
  declare readonly mode: RequestMode;
  declare readonly redirect: RequestRedirect;
  declare readonly referrer: string;
  declare readonly referrerPolicy: ReferrerPolicy;
  declare readonly signal: AbortSignal;
  declare readonly arrayBuffer: Request["arrayBuffer"];
  declare readonly blob: Request["blob"];
  declare readonly bytes: Request["bytes"];
  declare readonly formData: Request["formData"];
  declare readonly json: Request["json"];
  declare readonly text: Request["text"];
  declare readonly clone: Request["clone"];
}

let delegating = false;

/**
 * Installs a getter on DeferredRequest.prototype for every member of the platform's
 * Request.prototype it does not have, reading the real request. Done at the first construction,
 * not at import: in Node, the first touch of `Request` loads the whole fetch implementation, which
 * an import of the package alone should not pay for.
 */
function delegateToRealRequest(): void {
  delegating = true;
  for (const name of Object.getOwnPropertyNames(Request.prototype)) {
    // The constructor and `real` stay; url and method are own fields of each instance, so theirs shadow these.
    if (name in DeferredRequest.prototype) continue;
    Object.defineProperty(DeferredRequest.prototype, name, {
      get(this: DeferredRequest) {
        const real = this.real;
        const value: unknown = Reflect.get(real, name);
        return typeof value === "function" ? value.bind(real) : value;
      },
    });
  }
}

/**
 * The `fetch` that goes with {@link DeferredRequest}: `fetch(url, init)` with the caller's `fetch`
 * or, by default, the platform's (looked up per call, so a later polyfill or instrumentation
 * applies).
 */
export function sendDeferred(
  custom: ((input: string | Request, init?: RequestInit) => Promise<Response>) | undefined,
): (request: Request) => Promise<Response> {
  const send = custom ?? ((input: string | Request, init?: RequestInit) => globalThis.fetch(input, init));
  return (request) => (request instanceof DeferredRequest ? send(request.url, request.init) : send(request));
}

/** {@link DeferredRequest} as the `Request` constructor openapi-fetch's options ask for. */
export const DeferredRequestConstructor: typeof Request = DeferredRequest;
