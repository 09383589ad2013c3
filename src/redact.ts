/**
 * The one home of redaction: what counts as a credential of a call, and how it is hidden from
 * text that may echo it (Authlete's `resultMessage`, a proxy's error page, a log line).
 *
 * A call to Authlete carries the bearer token, the credential fields of its body
 * ({@link CREDENTIAL_FIELDS}: the client secret, the access token a server minted, a ticket, a DPoP
 * proof…) and, inside `parameters`, the credential form parameters of the token request
 * ({@link CREDENTIAL_PARAMETERS}). Whatever echoes them may do so as they were sent or re-encoded
 * in any of the usual ways, so the text is not matched against one pattern per encoding: it is
 * normalised ({@link redact}) and the credentials are looked for in the normalised views.
 */

/** What replaces a credential. */
export const REDACTED = "[REDACTED]";

/**
 * Form parameters that carry a credential: a client secret sent with `client_secret_post`, a
 * resource owner's password, and the codes, tokens and assertions that stand for a grant
 * (OpenID4VCI's pre-authorized code and its transaction code included).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3.2
 * @see https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html#section-6.1
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
  "pre-authorized_code",
  "tx_code",
]);

/**
 * Fields of a request body to Authlete that carry a credential: the client secret, the access and
 * refresh tokens a server mints itself or presents (`/auth/token`, `/auth/token/issue` and the
 * like), the ticket of a PASSWORD grant, the DPoP proof and the client attestation with its proof
 * of possession (both replayable for a while), and the like.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4
 * @see https://datatracker.ietf.org/doc/draft-ietf-oauth-attestation-based-client-auth/
 */
export const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set([
  "clientSecret",
  "accessToken",
  "refreshToken",
  "ticket",
  "password",
  "dpop",
  "oauthClientAttestation",
  "oauthClientAttestationPop",
  "deviceSecret",
  "subjectToken",
  "actorToken",
  "assertion",
]);

/**
 * The credentials a call carried: `bearer` (the Authlete access token), and of `body` (a request
 * to Authlete) every string of its {@link CREDENTIAL_FIELDS} and the credential parameters of its
 * `parameters` form body, both as decoded and as sent.
 */
export function credentialsOf(body: unknown, bearer?: string): string[] {
  const found: string[] = [];
  if (bearer) found.push(bearer);
  if (typeof body !== "object" || body === null) return found;
  const record = body as Record<string, unknown>;
  for (const name of CREDENTIAL_FIELDS) {
    const value = Object.hasOwn(record, name) ? record[name] : undefined;
    if (typeof value === "string" && value !== "") found.push(value);
  }
  const { parameters } = record;
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
 * `text` with every credential replaced by {@link REDACTED}, however it was echoed; `text` itself
 * when none occurs.
 *
 * The text is decoded, up to three times over (an HTML page quoting JSON quoting a form body), by
 * one normaliser that undoes JSON escapes (`\uXXXX` in either case, `\/`, `\"`…), percent-encoding
 * (either case, UTF-8) and HTML character references (`&quot;`, `&#39;`, `&#x2F;`…); `+` and space
 * compare equal, as form encoding makes them. The credentials are looked for in the text as it is
 * and in each decoded view; each match is mapped back to the characters of the original text it
 * came from, and those are replaced, so the result keeps the text's own encoding and nothing of a
 * credential survives in it.
 */
export function redact(text: string, credentials: readonly string[]): string {
  if (credentials.length === 0 || text === "") return text;
  const needles = [...new Set(credentials.filter((c) => c !== "").map(fold))];
  if (needles.length === 0) return text;
  const spans: Span[] = [];
  let view: View = { text, from: undefined, to: undefined };
  for (let pass = 0; ; pass++) {
    findIn(view, needles, spans);
    // Most text (a 2xx resultMessage) has nothing to decode: this runs on every call.
    if (pass === MAX_DECODING_PASSES || !ENCODED.test(view.text)) break;
    const next = decodeOnce(view);
    if (next.text === view.text) break;
    view = next;
  }
  return spans.length === 0 ? text : replaceSpans(text, spans);
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
 * A shallow copy of a request body to Authlete, for printing: each of its
 * {@link CREDENTIAL_FIELDS} that is set reads {@link REDACTED}, and so does every credential
 * parameter of its `parameters`. Anything but a plain object is returned as it is.
 */
export function redactFields(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...body };
  if (typeof copy.parameters === "string") copy.parameters = redactParameters(copy.parameters);
  for (const name of CREDENTIAL_FIELDS) if (Object.hasOwn(copy, name) && copy[name] != null) copy[name] = REDACTED;
  return copy;
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

/** Text decoded from another: `from[i]`/`to[i]` are where its character `i` starts and ends in the original (identity when absent). */
interface View {
  text: string;
  from: Int32Array | undefined;
  to: Int32Array | undefined;
}

/** A range of the original text, end excluded. */
type Span = [start: number, end: number];

/** Enough for an HTML page quoting JSON quoting a form body; each pass is linear in the text. */
const MAX_DECODING_PASSES = 3;

/** The start of an escape {@link decodeOnce} may undo. */
const ENCODED = /[\\%&]/;

/** JSON's two-character escapes. */
const JSON_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** The named HTML character references that escape what credentials and form bodies hold. */
const HTML_ENTITIES: Readonly<Record<string, string>> = {
  quot: '"',
  apos: "'",
  amp: "&",
  lt: "<",
  gt: ">",
  nbsp: "\u00a0",
  sol: "/",
  bsol: "\\",
  equals: "=",
  plus: "+",
  percnt: "%",
  num: "#",
  excl: "!",
  quest: "?",
  colon: ":",
  semi: ";",
  comma: ",",
  period: ".",
  lpar: "(",
  rpar: ")",
  ast: "*",
  dollar: "$",
  commat: "@",
  tilde: "~",
  grave: "`",
  lsqb: "[",
  rsqb: "]",
  lcub: "{",
  rcub: "}",
  verbar: "|",
  Hat: "^",
  lowbar: "_",
  hyphen: "-",
  dash: "-",
};

const JSON_UNICODE = /^\\u([0-9a-fA-F]{4})/;
const PERCENT = /^%([0-9a-fA-F]{2})/;
const HTML_REFERENCE = /^&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));/;

/** Form encoding writes a space as `+`: both sides compare with `+` read as a space. */
function fold(text: string): string {
  return text.includes("+") ? text.replaceAll("+", " ") : text;
}

/**
 * Below this length a credential is only hidden where it stands alone (not inside a word):
 * replacing every `t` of a message would leave nothing of it to read, and hide nothing more.
 */
const SHORT_CREDENTIAL = 4;

const WORD_CHARACTER = /[\w.~-]/;

/** Adds to `spans` where, in the original text, each needle occurs in `view`. */
function findIn(view: View, needles: readonly string[], spans: Span[]): void {
  const haystack = fold(view.text);
  for (const needle of needles) {
    for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) {
      const last = at + needle.length - 1;
      if (
        needle.length < SHORT_CREDENTIAL &&
        (WORD_CHARACTER.test(haystack[at - 1] ?? "") || WORD_CHARACTER.test(haystack[last + 1] ?? ""))
      ) {
        continue;
      }
      spans.push([view.from ? (view.from[at] as number) : at, view.to ? (view.to[last] as number) : last + 1]);
    }
  }
}

/** One pass of the normaliser: every escape of `view.text` undone once, with where each character came from. */
function decodeOnce(view: View): View {
  const source = view.text;
  let text = "";
  const from: number[] = [];
  const to: number[] = [];
  const emit = (decoded: string, start: number, end: number) => {
    text += decoded;
    const originalStart = view.from ? (view.from[start] as number) : start;
    const originalEnd = view.to ? (view.to[end - 1] as number) : end;
    for (let k = 0; k < decoded.length; k++) {
      from.push(originalStart);
      to.push(originalEnd);
    }
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === "\\") {
      const unicode = JSON_UNICODE.exec(source.slice(i, i + 6));
      if (unicode) {
        emit(String.fromCharCode(Number.parseInt(unicode[1] as string, 16)), i, i + 6);
        i += 6;
        continue;
      }
      const short = JSON_ESCAPES[source[i + 1] ?? ""];
      if (short !== undefined) {
        emit(short, i, i + 2);
        i += 2;
        continue;
      }
    } else if (c === "%") {
      const consumed = decodePercentRun(source, i, emit);
      if (consumed > 0) {
        i += consumed;
        continue;
      }
    } else if (c === "&") {
      const reference = HTML_REFERENCE.exec(source.slice(i, i + 12));
      const decoded = reference && htmlCharacter(reference);
      if (decoded) {
        emit(decoded, i, i + (reference?.[0].length ?? 0));
        i += reference?.[0].length ?? 0;
        continue;
      }
    }
    emit(c, i, i + 1);
    i++;
  }
  return { text, from: Int32Array.from(from), to: Int32Array.from(to) };
}

/**
 * Decodes the UTF-8 character whose `%XX` bytes start at `i`, reporting it through `emit`; returns
 * how many characters of `source` it took, or 0 when there is none there (an invalid sequence
 * stays as it is).
 */
function decodePercentRun(
  source: string,
  i: number,
  emit: (decoded: string, start: number, end: number) => void,
): number {
  const first = PERCENT.exec(source.slice(i, i + 3));
  if (!first) return 0;
  const lead = Number.parseInt(first[1] as string, 16);
  const length =
    lead < 0x80
      ? 1
      : lead >= 0xc2 && lead <= 0xdf
        ? 2
        : lead >= 0xe0 && lead <= 0xef
          ? 3
          : lead >= 0xf0 && lead <= 0xf4
            ? 4
            : 0;
  if (length === 0) return 0;
  const bytes = new Uint8Array(length);
  bytes[0] = lead;
  for (let k = 1; k < length; k++) {
    const next = PERCENT.exec(source.slice(i + 3 * k, i + 3 * k + 3));
    if (!next) return 0;
    bytes[k] = Number.parseInt(next[1] as string, 16);
  }
  let decoded: string;
  try {
    decoded = UTF8.decode(bytes);
  } catch {
    return 0;
  }
  emit(decoded, i, i + 3 * length);
  return 3 * length;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The character an HTML character reference stands for, or `undefined` for one this does not know. */
function htmlCharacter(reference: RegExpExecArray): string | undefined {
  const [, decimal, hex, name] = reference;
  if (name !== undefined) return HTML_ENTITIES[name];
  const code = Number.parseInt((decimal ?? hex) as string, decimal === undefined ? 16 : 10);
  return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : undefined;
}

/** `text` with each of `spans` (merged where they overlap) replaced by {@link REDACTED}. */
function replaceSpans(text: string, spans: Span[]): string {
  spans.sort((a, b) => a[0] - b[0]);
  let result = "";
  let copied = 0;
  let [start, end] = spans[0] as Span;
  for (const [s, e] of spans) {
    if (s < end) {
      end = Math.max(end, e);
      continue;
    }
    result += `${text.slice(copied, start)}${REDACTED}`;
    copied = end;
    [start, end] = [s, e];
  }
  return `${result}${text.slice(copied, start)}${REDACTED}${text.slice(end)}`;
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
