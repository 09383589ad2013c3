/**
 * Every secret the test suite hands to the code under test: Authlete service access tokens and
 * OAuth client secrets. `test/helpers/secret-scan.ts` looks for each of them, in several
 * encodings, in everything the suite's test processes print, log, answer over HTTP or turn into
 * an error. Tests use these constants (or their literal is listed here): a check of
 * test/project/secrets.reliability.test.ts fails when a secret-looking literal in a test file is neither.
 *
 * Values must be long and distinctive enough (≥ 8 characters, not an English word) that finding
 * one is never a coincidence. Shorter stand-ins used where a value cannot leave the test (`"t"` as
 * a token in option validation) are listed in {@link UNSCANNABLE_LITERALS} with the reason.
 */

/** The Authlete service access token of the client tests. */
export const ACCESS_TOKEN = "svc-token-Zq8xK2pL9mN4vB7cX1wE";
/** The Authlete service access token of the token endpoint tests. */
export const ENDPOINT_ACCESS_TOKEN = "authlete-service-access-token";
/** The token the end-to-end demo process is started with. */
export const DEMO_ACCESS_TOKEN = "demo-authlete-token";
/** What the demo sends to its embedded Prism mock. */
export const DEMO_PRISM_ACCESS_TOKEN = "prism-accepts-any-token";
/** The token the contract tests send to Prism. */
export const PRISM_ACCESS_TOKEN = "prism-test-token";
/** The reliability tests' service access token (load, fuzz, secrets). */
export const RELIABILITY_ACCESS_TOKEN = "rel-svc-token-Hq3Vn8Wd2Lk5Jp7Tz";

/** The fault-injection and retry tests' service access token. */
export const FAULT_ACCESS_TOKEN = "svc-token-Fault-7Qw2Zr9Lp4Xk";

/**
 * The access token `createFakeAuthlete()` of `authlete-token/testing` accepts by default (its
 * `FAKE_ACCESS_TOKEN`, used by the demo and the testing example too).
 */
export const FAKE_AUTHLETE_ACCESS_TOKEN = "fake-authlete-access-token-7Kp2";
/** The testing tests' own service access token, given to `createFakeAuthlete({ accessToken })`. */
export const TESTING_ACCESS_TOKEN = "svc-token-Testing-Jx5Rw2Nq8";

/** The token test/project/runtimes-smoke.ts (run by Deno and Bun, which keep it standalone) uses. */
export const RUNTIME_ACCESS_TOKEN = "runtime-smoke-access-token";

/** A plain client secret (client tests). */
export const CLIENT_SECRET = "client-secret-9f8e7d6c5b4a";
/** A client secret with every character RFC 6749's form encoding changes (token endpoint tests). */
export const ENDPOINT_CLIENT_SECRET = "client:secret%+ ü";
/** The end-to-end tests' client secret (sent by oauth4webapi). */
export const DEMO_CLIENT_SECRET = "s3cr:et %+ 🔑";
/** The parse tests' client secret. */
export const PARSE_CLIENT_SECRET = "sec:ret%+ 🔑";
/** The secret `parseTokenRequest` must hide from `util.inspect`. */
export const INSPECT_CLIENT_SECRET = "top-secret-value";
/** The secret a malformed Basic header carries, which the error must not repeat. */
export const MALFORMED_BASIC_SECRET = "very-secret-value";
/** The reliability tests' client secret, with characters that form and Base64 encoding change. */
export const RELIABILITY_CLIENT_SECRET = "rel-cl!ent:s3cret/+=%Ω";

/** The fault-injection and retry tests' client secret. */
export const FAULT_CLIENT_SECRET = "client-secret-Fault-3e5d7c9b1a";

/** The testing tests' client secret, registered with the fake Authlete. */
export const TESTING_CLIENT_SECRET = "client-secret-Testing-4Hd8Vb2Ke";
/** The client secret of the documented testing example (examples/testing). */
export const EXAMPLE_CLIENT_SECRET = "example-client-secret-Lq6Ts";
/** The redaction tests' service access token. */
export const REDACTION_ACCESS_TOKEN = "redact-svc-token-Pw4Kd9Rm2Xq";
/** The redaction tests' client secret: a `"` (echoed JSON-escaped), spaces and `+` (form-encoded two ways). */
export const REDACTION_CLIENT_SECRET = 'red "sec" ret+/Ω 7Hx';
/** The redaction tests' resource owner password, sent inside the form body. */
export const REDACTION_PASSWORD = 'owner pw+&= 9Zt"q"';
/** The redaction tests' client assertion, sent inside the form body. */
export const REDACTION_ASSERTION = "eyJhbGciOiJSUzI1NiJ9.redaction-assertion-Jv6.sig";
/** The redaction tests' access token minted by the server and sent to `/auth/token/issue`. */
export const REDACTION_MINTED_TOKEN = "minted-at-Tq7Wz3Kp9Lx";
/** The client secret of the grant-finishing tests (test/endpoint/grants.test.ts). */
export const GRANT_CLIENT_SECRET = "grant-client-secret-Qw7";
/** The redaction tests' OpenID4VCI pre-authorized code: characters strict RFC 3986 encoders escape. */
export const REDACTION_PRE_AUTHORIZED_CODE = "pre!auth(code)*'Mv5 é";

/**
 * Every access and refresh token the suite's Authlete stand-ins issue starts with this. Issued
 * tokens belong in the token endpoint's response bodies (that is the point of the endpoint), but
 * never in a log, an error or console output: the scan looks for it everywhere except in HTTP
 * response bodies.
 */
export const ISSUED_TOKEN_PREFIX = "issued-tok-Vn4Qx7Lm2Rp9";

export interface Secret {
  name: string;
  value: string;
  kind: "access token" | "client secret" | "issued token";
}

/** Everything the scanner looks for. */
export const SECRETS: readonly Secret[] = Object.freeze([
  { name: "ACCESS_TOKEN", value: ACCESS_TOKEN, kind: "access token" },
  { name: "ENDPOINT_ACCESS_TOKEN", value: ENDPOINT_ACCESS_TOKEN, kind: "access token" },
  { name: "DEMO_ACCESS_TOKEN", value: DEMO_ACCESS_TOKEN, kind: "access token" },
  { name: "DEMO_PRISM_ACCESS_TOKEN", value: DEMO_PRISM_ACCESS_TOKEN, kind: "access token" },
  { name: "PRISM_ACCESS_TOKEN", value: PRISM_ACCESS_TOKEN, kind: "access token" },
  { name: "RELIABILITY_ACCESS_TOKEN", value: RELIABILITY_ACCESS_TOKEN, kind: "access token" },
  { name: "FAULT_ACCESS_TOKEN", value: FAULT_ACCESS_TOKEN, kind: "access token" },
  { name: "FAKE_AUTHLETE_ACCESS_TOKEN", value: FAKE_AUTHLETE_ACCESS_TOKEN, kind: "access token" },
  { name: "TESTING_ACCESS_TOKEN", value: TESTING_ACCESS_TOKEN, kind: "access token" },
  { name: "RUNTIME_ACCESS_TOKEN", value: RUNTIME_ACCESS_TOKEN, kind: "access token" },
  { name: "CLIENT_SECRET", value: CLIENT_SECRET, kind: "client secret" },
  { name: "ENDPOINT_CLIENT_SECRET", value: ENDPOINT_CLIENT_SECRET, kind: "client secret" },
  { name: "DEMO_CLIENT_SECRET", value: DEMO_CLIENT_SECRET, kind: "client secret" },
  { name: "PARSE_CLIENT_SECRET", value: PARSE_CLIENT_SECRET, kind: "client secret" },
  { name: "INSPECT_CLIENT_SECRET", value: INSPECT_CLIENT_SECRET, kind: "client secret" },
  { name: "MALFORMED_BASIC_SECRET", value: MALFORMED_BASIC_SECRET, kind: "client secret" },
  { name: "RELIABILITY_CLIENT_SECRET", value: RELIABILITY_CLIENT_SECRET, kind: "client secret" },
  { name: "FAULT_CLIENT_SECRET", value: FAULT_CLIENT_SECRET, kind: "client secret" },
  { name: "TESTING_CLIENT_SECRET", value: TESTING_CLIENT_SECRET, kind: "client secret" },
  { name: "EXAMPLE_CLIENT_SECRET", value: EXAMPLE_CLIENT_SECRET, kind: "client secret" },
  { name: "REDACTION_ACCESS_TOKEN", value: REDACTION_ACCESS_TOKEN, kind: "access token" },
  { name: "REDACTION_CLIENT_SECRET", value: REDACTION_CLIENT_SECRET, kind: "client secret" },
  { name: "REDACTION_PASSWORD", value: REDACTION_PASSWORD, kind: "client secret" },
  { name: "REDACTION_ASSERTION", value: REDACTION_ASSERTION, kind: "client secret" },
  { name: "REDACTION_MINTED_TOKEN", value: REDACTION_MINTED_TOKEN, kind: "access token" },
  { name: "REDACTION_PRE_AUTHORIZED_CODE", value: REDACTION_PRE_AUTHORIZED_CODE, kind: "client secret" },
  { name: "GRANT_CLIENT_SECRET", value: GRANT_CLIENT_SECRET, kind: "client secret" },
] as const);

/**
 * Literals in test files that look like secrets but are too short or too common to scan for
 * (they would match ordinary text), with where they are used. They never carry meaning beyond
 * "some token": option validation, a Prism mock that accepts anything, a packed-tarball smoke test.
 */
export const UNSCANNABLE_LITERALS: Readonly<Record<string, string>> = Object.freeze({
  t: "option validation in client.test.ts",
  t0ken: "the installed-tarball smoke test in package.test.ts (runs in a child process)",
  any: "Prism accepts any token (client-issue-fail.test.ts)",
  secret: "Prism examples (contract.test.ts, demo.e2e.test.ts)",
  tok: "client-issue-fail.test.ts against the fake Authlete",
  "secret token": "a token with a space, refused before use (client.test.ts)",
  "my-secret": "the demo's client secret, which the demo prints on purpose (demo.e2e.test.ts)",
});

/** One way a secret can appear in text. */
export interface Needle {
  secret: string;
  form: string;
  text: string;
}

/** The shortest needle worth looking for: shorter ones would match by chance. */
const MIN_NEEDLE = 8;

/**
 * The forms in which a secret shows up when code leaks it: as is; JSON-escaped; percent- and
 * form-encoded (a Basic header form-encodes before Base64); and inside Base64 / Base64url at any
 * of the three byte alignments (`base64("id:" + secret)` contains the secret's Base64 only when the
 * prefix length is a multiple of 3, so the characters that depend on the secret alone are used).
 */
export function needlesOf(secret: Secret): Needle[] {
  const forms = new Map<string, string>();
  const add = (form: string, text: string) => {
    if (text.length >= MIN_NEEDLE && ![...forms.values()].includes(text)) forms.set(form, text);
  };
  const { value } = secret;
  const formEncoded = new URLSearchParams([["", value]]).toString().slice(1);
  add("raw", value);
  add("JSON-escaped", JSON.stringify(value).slice(1, -1));
  add("JSON-escaped ASCII", asciiJson(value));
  add("percent-encoded", encodeURIComponent(value));
  // A header value holding UTF-8 reaches JavaScript as one Latin-1 character per byte.
  add("UTF-8 read as Latin-1", Buffer.from(value, "utf8").toString("latin1"));
  add("form-encoded", formEncoded);
  for (const [label, text] of [
    ["", value],
    ["form-encoded ", formEncoded],
  ] as const) {
    const bytes = Buffer.from(text, "utf8");
    for (let shift = 0; shift < 3; shift++) {
      const core = base64Core(bytes, shift);
      add(`${label}Base64 (offset ${shift})`, core);
      add(`${label}Base64url (offset ${shift})`, core.replaceAll("+", "-").replaceAll("/", "_"));
    }
  }
  return [...forms].map(([form, text]) => ({ secret: secret.name, form, text }));
}

/**
 * The Base64 characters determined by `bytes` alone when `shift` other bytes precede them: the
 * first characters mix in the preceding bytes and the last one the following bytes.
 */
function base64Core(bytes: Buffer, shift: number): string {
  const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64");
  return encoded.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + bytes.length)) / 6));
}

function asciiJson(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Every needle of every secret. */
export const NEEDLES: readonly Needle[] = Object.freeze(SECRETS.flatMap(needlesOf));

/** The needles of issued tokens: for every channel but HTTP response bodies. */
export const ISSUED_TOKEN_NEEDLES: readonly Needle[] = Object.freeze(
  needlesOf({ name: "ISSUED_TOKEN_PREFIX", value: ISSUED_TOKEN_PREFIX, kind: "issued token" }),
);

/** A finding: which secret, in which form. Never the text around it. */
export interface Finding {
  secret: string;
  form: string;
  count: number;
}

/** Counts the occurrences of every needle in `text`. */
export function findSecrets(text: string, needles: readonly Needle[] = NEEDLES): Finding[] {
  const findings: Finding[] = [];
  for (const needle of needles) {
    let count = 0;
    for (let at = text.indexOf(needle.text); at >= 0; at = text.indexOf(needle.text, at + 1)) count++;
    if (count > 0) findings.push({ secret: needle.secret, form: needle.form, count });
  }
  return findings;
}
