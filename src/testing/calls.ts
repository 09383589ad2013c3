/** The fake Authlete's record of each request it received, safe to print. */
import type {
  TokenFailRequest,
  TokenFailResponse,
  TokenIssueRequest,
  TokenIssueResponse,
  TokenRequest,
  TokenResponse,
} from "../index.js";
import { credentialsOf, REDACTED, redact, redactFields, showRedacted } from "../redact.js";

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
 * Wraps a call so that `util.inspect`, `JSON.stringify` and `String()` of it, of its `headers` and
 * of its `body` show every credential (bearer token, client secret, access token, ticket, DPoP
 * proof, client attestation and its proof, form credentials such as `password`) as `[REDACTED]`;
 * `headers` and `body` keep the real values for assertions. `rawBody` is a string and cannot hide
 * itself, so it holds the body with those credentials already masked.
 */
export function redactedCall<C extends FakeCall>(call: C): C {
  const recorded: C = { ...call, rawBody: maskedRawBody(call) };
  const headersView = () => ({
    ...call.headers,
    authorization:
      call.headers.authorization === undefined ? undefined : redactAuthorization(call.headers.authorization),
  });
  showRedacted(call.headers, headersView);
  const bodyView = () => redactFields(call.body) as Record<string, unknown>;
  if (isPlainObject(call.body)) showRedacted(call.body, bodyView);
  return showRedacted(recorded, () => ({
    method: call.method,
    path: call.path,
    operation: call.operation,
    api: call.api,
    body: isPlainObject(call.body) ? bodyView() : call.body,
    // Text that is not JSON may hold credentials in forms nobody can tell.
    rawBody: call.body === undefined && recorded.rawBody !== "" ? REDACTED : recorded.rawBody,
    headers: headersView(),
    status: call.status,
    action: call.action,
  }));
}

/** `Bearer [REDACTED]`: the scheme stays visible, the credential does not. */
function redactAuthorization(value: string): string {
  const space = value.indexOf(" ");
  return space < 0 ? REDACTED : `${value.slice(0, space)} ${REDACTED}`;
}

/**
 * The body as received with its credentials masked: a JSON body as its fields are masked, other
 * text with every echo of the credentials the call carried replaced.
 */
function maskedRawBody(call: FakeCall): string {
  if (call.rawBody === "") return "";
  if (isPlainObject(call.body) && JSON.stringify(call.body) === call.rawBody) {
    return JSON.stringify(redactFields(call.body));
  }
  const authorization = call.headers.authorization;
  const bearer = authorization?.slice(authorization.indexOf(" ") + 1).trim();
  return redact(call.rawBody, credentialsOf(call.body ?? parsedOrUndefined(call.rawBody), bearer || undefined));
}

/** A body the fake refused (not the API's request) may still be JSON carrying credentials. */
function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
