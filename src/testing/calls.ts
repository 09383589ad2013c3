/** The fake Authlete's record of each request it received, safe to print. */
import { REDACTED, redactParameters, showRedacted } from "../redact.js";

/** One request the fake received. */
export interface FakeCall {
  /** The HTTP method. */
  readonly method: string;
  /** The path, e.g. `/api/715948317/auth/token`. */
  readonly path: string;
  /** Which operation the path names, when it names one. */
  readonly operation: "token" | "issue" | "fail" | "create" | "nativesso" | "reissue" | undefined;
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
 * Wraps a call so that `util.inspect`, `JSON.stringify` and `String()` show the bearer token, the
 * client secret and the credentials of the form body as `[REDACTED]`; the fields themselves keep
 * the real values for assertions.
 */
export function redactedCall(call: FakeCall): FakeCall {
  return showRedacted(call, () => ({
    method: call.method,
    path: call.path,
    operation: call.operation,
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
  // The tokens and the device secret of the grant-finishing calls are credentials as well.
  for (const name of ["clientSecret", "accessToken", "refreshToken", "deviceSecret"]) {
    if (name in copy) copy[name] = REDACTED;
  }
  return copy;
}
