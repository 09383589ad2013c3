import { describe, expect, it } from "vitest";
import {
  CREDENTIAL_FIELDS,
  CREDENTIAL_PARAMETERS,
  credentialsOf,
  REDACTED,
  redact,
  redactFields,
  redactParameters,
} from "../../src/redact.js";
import {
  REDACTION_ACCESS_TOKEN,
  REDACTION_CLIENT_SECRET,
  REDACTION_MINTED_TOKEN,
  REDACTION_PASSWORD,
  REDACTION_PRE_AUTHORIZED_CODE,
} from "../helpers/secrets.js";

/** JSON with every non-ASCII character as `\uXXXX`, upper-case hex (Jackson's ESCAPE_NON_ASCII). */
function jacksonAscii(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
}

/** Gson's default: `<`, `>`, `&`, `=` and `'` as lower-case `\u00XX` (HTML-safe JSON). */
function gson(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(/[<>&=']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** PHP's json_encode and org.json: `/` as `\/`, non-ASCII as `\uxxxx`. */
function php(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replaceAll("/", "\\/")
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Python's `urllib.parse.quote(value, safe="")`: RFC 3986 unreserved characters only, `%20` for space. */
function pythonQuote(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Percent-encoding with lower-case hex digits (some Go and PHP encoders). */
function lowerPercent(value: string): string {
  return pythonQuote(value).replace(/%[0-9A-F]{2}/g, (sequence) => sequence.toLowerCase());
}

/** HTML escaping as a server error page writes it: `&quot;`, `&#39;`, `&amp;`, `&lt;`, `&gt;`. */
function html(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

/** Numeric HTML references for everything but letters and digits, hex and decimal. */
function htmlNumeric(value: string): string {
  return [...value]
    .map((c, i) =>
      /[a-z0-9]/i.test(c) ? c : i % 2 ? `&#x${c.codePointAt(0)?.toString(16)};` : `&#${c.codePointAt(0)};`,
    )
    .join("");
}

const SECRETS = [REDACTION_CLIENT_SECRET, REDACTION_PASSWORD, REDACTION_PRE_AUTHORIZED_CODE];

/** `text` must hold none of `secret`'s forms, nor its decoded self. */
function expectHidden(text: string, secret: string): void {
  for (const form of [secret, jacksonAscii(secret), gson(secret), php(secret), pythonQuote(secret), html(secret)]) {
    expect(text).not.toContain(form);
  }
}

describe("redact: one normaliser for every usual encoding of an echo", () => {
  const ENCODERS: Record<string, (value: string) => string> = {
    "JSON with upper-case \\uXXXX (Jackson)": jacksonAscii,
    "JSON with \\u003d, \\u0027, \\u0026 (Gson's default)": gson,
    "JSON with \\/ (PHP, org.json)": php,
    "strict RFC 3986 percent-encoding, %20 for space (Python's quote)": pythonQuote,
    "percent-encoding with lower-case hex": lowerPercent,
    "HTML character references (&quot; &#39; &amp;)": html,
    "numeric HTML references, decimal and hex": htmlNumeric,
    "HTML-escaped JSON": (value) => html(JSON.stringify(value).slice(1, -1)),
    "JSON-escaped form encoding": (value) => gson(new URLSearchParams({ v: value }).toString().slice(2)),
  };
  for (const [encoding, encode] of Object.entries(ENCODERS)) {
    it(`hides a credential echoed as ${encoding}, keeping the text around it`, () => {
      for (const secret of SECRETS) {
        const echoed = `before <${encode(secret)}> after`;
        const result = redact(echoed, [secret]);
        expect(result, encoding).toBe(`before <${REDACTED}> after`);
        expectHidden(result, secret);
      }
    });
  }

  it("replaces the characters of the original text, so an escape is never left half-removed", () => {
    const text = `x=${pythonQuote(REDACTION_PRE_AUTHORIZED_CODE)}&y=${jacksonAscii(REDACTION_CLIENT_SECRET)}!`;
    expect(redact(text, [REDACTION_PRE_AUTHORIZED_CODE, REDACTION_CLIENT_SECRET])).toBe(`x=${REDACTED}&y=${REDACTED}!`);
  });

  it("still hides the raw and the previously known forms, and leaves text without credentials alone", () => {
    const known = [
      REDACTION_PASSWORD,
      JSON.stringify(REDACTION_PASSWORD).slice(1, -1),
      encodeURIComponent(REDACTION_PASSWORD),
      new URLSearchParams({ v: REDACTION_PASSWORD }).toString().slice(2),
    ];
    for (const form of known) expect(redact(`a ${form} b`, [REDACTION_PASSWORD])).toBe(`a ${REDACTED} b`);
    const plain = 'nothing to hide: \\u0041 %41 &amp; + "quoted"';
    expect(redact(plain, [REDACTION_PASSWORD])).toBe(plain);
  });

  it("hides a credential of a few characters where it stands alone, not inside the words of the message", () => {
    expect(redact('/reason must be one of "t": ticket=t, t', ["t"])).toBe(
      `/reason must be one of "${REDACTED}": ticket=${REDACTED}, ${REDACTED}`,
    );
    expect(redact("code %61%62c: abc", ["abc"])).toBe(`code ${REDACTED}: ${REDACTED}`);
  });

  it("hides overlapping matches as one", () => {
    const text = `[${REDACTION_ACCESS_TOKEN}${REDACTION_ACCESS_TOKEN.slice(0, 5)}]`;
    expect(redact(text, [REDACTION_ACCESS_TOKEN, REDACTION_ACCESS_TOKEN.slice(3)])).toBe(
      `[${REDACTED}${REDACTION_ACCESS_TOKEN.slice(0, 5)}]`,
    );
  });
});

describe("credentialsOf: every credential the call carried", () => {
  it("includes the access token a server minted, in /auth/token and /auth/token/issue requests", () => {
    expect(credentialsOf({ parameters: "grant_type=x", accessToken: REDACTION_MINTED_TOKEN })).toContain(
      REDACTION_MINTED_TOKEN,
    );
    const issue = { ticket: "ticket-Qm2", subject: "alice", accessToken: REDACTION_MINTED_TOKEN };
    expect(credentialsOf(issue, REDACTION_ACCESS_TOKEN)).toEqual(
      expect.arrayContaining([REDACTION_ACCESS_TOKEN, REDACTION_MINTED_TOKEN, "ticket-Qm2"]),
    );
    expect(redact(`echo: ${REDACTION_MINTED_TOKEN}`, credentialsOf(issue))).toBe(`echo: ${REDACTED}`);
  });

  it("includes the DPoP proof and the client attestation with its proof of possession", () => {
    const body = {
      parameters: "",
      dpop: "dpop.proof.jwt",
      oauthClientAttestation: "att.jwt",
      oauthClientAttestationPop: "pop.jwt",
    };
    expect(credentialsOf(body)).toEqual(["dpop.proof.jwt", "att.jwt", "pop.jwt"]);
    expect(CREDENTIAL_FIELDS.has("clientSecret")).toBe(true);
  });

  it("includes OpenID4VCI's pre-authorized_code and tx_code, as sent and decoded", () => {
    const parameters = new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:pre-authorized_code",
      "pre-authorized_code": REDACTION_PRE_AUTHORIZED_CODE,
      tx_code: "493536",
    }).toString();
    const found = credentialsOf({ parameters });
    expect(found).toContain(REDACTION_PRE_AUTHORIZED_CODE);
    expect(found).toContain("493536");
    expect(CREDENTIAL_PARAMETERS.has("pre-authorized_code")).toBe(true);
    const shown = redactParameters(parameters);
    expect(shown).toContain(`pre-authorized_code=${REDACTED}`);
    expect(shown).toContain(`tx_code=${REDACTED}`);
    expectHidden(shown, REDACTION_PRE_AUTHORIZED_CODE);
  });
});

describe("redactFields", () => {
  it("masks every credential field and parameter of a body, and nothing else", () => {
    const body = {
      parameters: `grant_type=password&username=alice&password=${encodeURIComponent(REDACTION_PASSWORD)}`,
      clientId: "app",
      clientSecret: REDACTION_CLIENT_SECRET,
      accessToken: REDACTION_MINTED_TOKEN,
      ticket: "ticket-Qm2",
      dpop: "dpop.proof.jwt",
    };
    expect(redactFields(body)).toEqual({
      parameters: `grant_type=password&username=alice&password=${REDACTED}`,
      clientId: "app",
      clientSecret: REDACTED,
      accessToken: REDACTED,
      ticket: REDACTED,
      dpop: REDACTED,
    });
    expect(body.clientSecret).toBe(REDACTION_CLIENT_SECRET);
    expect(redactFields("text")).toBe("text");
  });
});
