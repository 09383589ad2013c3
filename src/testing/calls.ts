/** The fake Authlete's record of each request it received, safe to print. */
import { credentialsOf, REDACTED, redact, redactFields, showRedacted } from "../redact.js";

/** One request the fake received. */
export interface FakeCall {
  /** The HTTP method. */
  readonly method: string;
  /** The path, e.g. `/api/715948317/auth/token`. */
  readonly path: string;
  /** Which operation the path names, when it names one. */
  readonly operation: "token" | "issue" | "fail" | undefined;
  /** The parsed JSON body (`undefined` when it was not JSON; see `rawBody`). */
  readonly body: unknown;
  /** The body as received. */
  readonly rawBody: string;
  /** The request headers that matter to Authlete, by lower-case name. */
  readonly headers: {
    readonly authorization: string | undefined;
    readonly contentType: string | undefined;
    readonly accept: string | undefined;
    readonly userAgent: string | undefined;
  };
  /** The HTTP status answered, or `undefined` when the connection was dropped. */
  readonly status: number | undefined;
  /** The `action` of a 200 answer. */
  readonly action: string | undefined;
}

/**
 * Wraps a call so that `util.inspect`, `JSON.stringify` and `String()` of it, of its `headers` and
 * of its `body` show every credential (bearer token, client secret, access token, ticket, DPoP
 * proof, client attestation and its proof, form credentials such as `password`) as `[REDACTED]`;
 * `headers` and `body` keep the real values for assertions. `rawBody` is a string and cannot hide
 * itself, so it holds the body with those credentials already masked.
 */
export function redactedCall(call: FakeCall): FakeCall {
  const recorded: FakeCall = { ...call, rawBody: maskedRawBody(call) };
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
  return redact(call.rawBody, credentialsOf(call.body, bearer || undefined));
}

function isPlainObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
