/**
 * The one home of redaction: what counts as a credential of a call, and how it is hidden from
 * text that may echo it (Authlete's `resultMessage`, a proxy's error page, a log line).
 *
 * A call to Authlete carries the bearer token, a client secret (`clientSecret`) and, inside
 * `parameters`, the credential form parameters of the token request ({@link CREDENTIAL_PARAMETERS}).
 * Whatever echoes them may do so as they were sent or re-encoded, so each one is hidden in its raw,
 * JSON-escaped, percent-encoded and form-encoded (`+` and `%20` for spaces) forms, and, for form
 * parameters, as the bytes of the body they came in.
 */

/** What replaces a credential. */
export const REDACTED = "[REDACTED]";

/**
 * Form parameters that carry a credential: a client secret sent with `client_secret_post`, a
 * resource owner's password, and the codes, tokens and assertions that stand for a grant.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3.2
 */
export const CREDENTIAL_PARAMETERS: ReadonlySet<string> = new Set([
  "client_secret",
  "password",
  "code",
  "code_verifier",
  "refresh_token",
  "client_assertion",
  "assertion",
  "subject_token",
  "actor_token",
  "device_code",
  "auth_req_id",
]);

/** Fields of a call's JSON body, besides `clientSecret`, that carry a credential. */
const CREDENTIAL_FIELDS = ["accessToken", "refreshToken", "deviceSecret"] as const;

/**
 * The credentials a call carried: `bearer` (the Authlete access token), and of `body` (a token
 * request) its `clientSecret`, `accessToken`, `refreshToken` and `deviceSecret`, and the credential
 * parameters of its `parameters` form body, both as decoded and as sent.
 */
export function credentialsOf(body: unknown, bearer?: string): string[] {
  const found: string[] = [];
  if (bearer) found.push(bearer);
  if (typeof body !== "object" || body === null) return found;
  const { clientSecret, parameters } = body as { clientSecret?: unknown; parameters?: unknown };
  if (typeof clientSecret === "string" && clientSecret !== "") found.push(clientSecret);
  // The tokens and device secret that /nativesso, /idtoken/reissue and /auth/token/create carry.
  for (const field of CREDENTIAL_FIELDS) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === "string" && value !== "") found.push(value);
  }
  if (typeof parameters === "string" && parameters !== "") {
    for (const pair of parameters.split("&")) {
      const equals = pair.indexOf("=");
      const raw = pair.slice(equals + 1);
      if (equals < 0 || raw === "" || !isCredentialParameter(pair.slice(0, equals))) continue;
      found.push(raw);
      const decoded = formDecode(raw);
      if (decoded !== undefined && decoded !== raw && decoded !== "") found.push(decoded);
    }
  }
  return found;
}

/**
 * `text` with every form of every credential replaced by {@link REDACTED}; `text` itself when
 * none occurs. Longer forms are replaced first, so that no part of one survives a shorter one.
 */
export function redact(text: string, credentials: readonly string[]): string {
  if (credentials.length === 0 || text === "") return text;
  const forms: string[] = [];
  for (const credential of credentials) {
    for (const form of encodingsOf(credential)) if (form !== "" && text.includes(form)) forms.push(form);
  }
  let result = text;
  for (const form of forms.sort((a, b) => b.length - a.length)) result = result.replaceAll(form, REDACTED);
  return result;
}

/** A form body with the value of every credential parameter replaced by {@link REDACTED}. */
export function redactParameters(parameters: string): string {
  return parameters
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      if (equals < 0) return pair;
      const rawName = pair.slice(0, equals);
      return isCredentialParameter(rawName) ? `${rawName}=${REDACTED}` : pair;
    })
    .join("&");
}

/**
 * Makes `target` show `view()` instead of itself to `util.inspect` (and so `console.log`),
 * `JSON.stringify` and `String()`, with non-enumerable members so its own fields stay as they are.
 */
export function showRedacted<T extends object>(target: T, view: () => Record<string, unknown>): T {
  Object.defineProperties(target, {
    [Symbol.for("nodejs.util.inspect.custom")]: { enumerable: false, value: view },
    toJSON: { enumerable: false, value: view },
    toString: { enumerable: false, value: () => JSON.stringify(view()) },
  });
  return target;
}

/** The forms in which `value` can be echoed. */
function encodingsOf(value: string): string[] {
  // Letters, digits and _.- (most tokens and secrets) read the same in every form.
  if (/^[\w.-]*$/.test(value)) return [value];
  const json = JSON.stringify(value).slice(1, -1);
  const percent = encodeURIComponent(value);
  // The WHATWG form serializer (URLSearchParams) also escapes !'()~ and writes a space as +.
  const form = percent
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll("%20", "+");
  return [
    value,
    json,
    json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
    percent,
    percent.replaceAll("%20", "+"),
    form,
  ];
}

/** A parameter name (as sent) that names a credential; one that cannot be decoded counts as one. */
function isCredentialParameter(rawName: string): boolean {
  const name = formDecode(rawName);
  return name === undefined || CREDENTIAL_PARAMETERS.has(name);
}

/** Decodes `application/x-www-form-urlencoded`, or `undefined` for a bad `%` sequence. */
function formDecode(value: string): string | undefined {
  // Most names and values have nothing to decode: this runs on every call.
  if (!/[%+]/.test(value)) return value;
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    return undefined;
  }
}
