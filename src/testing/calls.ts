/** The fake Authlete's record of each request it received, safe to print. */
import type {
  TokenFailRequest,
  TokenFailResponse,
  TokenIssueRequest,
  TokenIssueResponse,
  TokenRequest,
  TokenResponse,
} from "../index.js";
import { REDACTED, redactParameters, showRedacted } from "../redact.js";

/**
 * The APIs the fake serves, by path (after `/api/{serviceId}`), with the request body and the
 * response body of each: the one home of that mapping, which {@link FakeCall}, `next()` and
 * `failNext()` read.
 */
export interface FakeApis {
  "/auth/token": { operation: "token"; request: TokenRequest; response: TokenResponse };
  "/auth/token/issue": { operation: "issue"; request: TokenIssueRequest; response: TokenIssueResponse };
  "/auth/token/fail": { operation: "fail"; request: TokenFailRequest; response: TokenFailResponse };
}

/** The path of an API the fake serves, as Authlete's docs name it, e.g. `/auth/token/issue`. */
export type FakeApiPath = keyof FakeApis;

/** The operation of each API path, to tell the paths the fake serves from others at run time. */
export const FAKE_APIS: { readonly [P in FakeApiPath]: FakeApis[P]["operation"] } = {
  "/auth/token": "token",
  "/auth/token/issue": "issue",
  "/auth/token/fail": "fail",
};

/** Whether `path` (after `/api/{serviceId}`) is an API the fake serves. */
export function isFakeApiPath(path: string): path is FakeApiPath {
  return Object.hasOwn(FAKE_APIS, path);
}

/** What every record has, whatever the path. */
interface FakeCallBase {
  /** The HTTP method. */
  readonly method: string;
  /** The path, e.g. `/api/715948317/auth/token`. */
  readonly path: string;
  /** The body as received. */
  readonly rawBody: string;
  /**
   * The request headers that matter to Authlete, by lower-case name as HTTP has them (RFC 9110
   * §5.1): `call.headers["content-type"]`.
   * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.1
   */
  readonly headers: {
    readonly authorization: string | undefined;
    readonly "content-type": string | undefined;
    readonly accept: string | undefined;
    readonly "user-agent": string | undefined;
  };
  /** The HTTP status answered, or `undefined` when the connection was dropped. */
  readonly status: number | undefined;
}

/** A request to one of the APIs the fake serves, its body typed as that API's request. */
export type FakeApiCall<P extends FakeApiPath> = FakeCallBase & {
  /** Which API the path names: `"token"` for `/auth/token`, `"issue"` for `/auth/token/issue`, … */
  readonly operation: FakeApis[P]["operation"];
  /** The API's path, e.g. `/auth/token/issue`. */
  readonly api: P;
  /**
   * The parsed JSON body, as the spec types it; `undefined` when it was not JSON or broke the
   * request schema (the fake answered 400: see `rawBody`).
   */
  readonly body: FakeApis[P]["request"] | undefined;
  /** The `action` of a 200 answer; `undefined` for an HTTP error or a dropped connection. */
  readonly action: FakeApis[P]["response"]["action"] | undefined;
};

/** A request to a path that names no API of the fake (answered 404). */
export type FakeUnknownCall = FakeCallBase & {
  readonly operation: undefined;
  readonly api: undefined;
  /** The parsed JSON body, if it was JSON. */
  readonly body: unknown;
  readonly action: undefined;
};

/**
 * One request the fake received: a union by API, so checking `operation` (or `api`) types `body`
 * and `action`: `if (call.operation === "issue") call.body?.subject`.
 */
export type FakeCall = { [P in FakeApiPath]: FakeApiCall<P> }[FakeApiPath] | FakeUnknownCall;

/**
 * Wraps a call so that `util.inspect`, `JSON.stringify` and `String()` show the bearer token, the
 * client secret and the credentials of the form body as `[REDACTED]`; the fields themselves keep
 * the real values for assertions.
 */
export function redactedCall<C extends FakeCall>(call: C): C {
  return showRedacted(call, () => ({
    method: call.method,
    path: call.path,
    operation: call.operation,
    api: call.api,
    body: redactBody(call.body),
    rawBody: call.body === undefined ? REDACTED : JSON.stringify(redactBody(call.body)),
    headers: {
      ...call.headers,
      authorization:
        call.headers.authorization === undefined ? undefined : redactAuthorization(call.headers.authorization),
    },
    status: call.status,
    action: call.action,
  }));
}

/** `Bearer [REDACTED]`: the scheme stays visible, the credential does not. */
function redactAuthorization(value: string): string {
  const space = value.indexOf(" ");
  return space < 0 ? REDACTED : `${value.slice(0, space)} ${REDACTED}`;
}

function redactBody(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...body };
  if (typeof copy.parameters === "string") copy.parameters = redactParameters(copy.parameters);
  for (const name of ["clientSecret", "accessToken"]) if (name in copy) copy[name] = REDACTED;
  return copy;
}
