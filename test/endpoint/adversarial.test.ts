import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AuthleteApiError,
  AuthleteConfigurationError,
  createTokenClient,
  createTokenEndpoint,
  encodeBasicCredentials,
  parseTokenRequest,
  readClientCertificate,
  type TokenEndpointLogDetails,
  type TokenEndpointOptions,
  toNodeHandler,
} from "../../src/index.js";
import { type ScriptedFetch, scriptedFetch } from "../helpers/fake-authlete.js";
import { recordOutcome } from "../helpers/reliability.js";
import { exposeForScan } from "../helpers/secret-scan.js";
import {
  REDACTION_ACCESS_TOKEN,
  REDACTION_ASSERTION,
  REDACTION_CLIENT_SECRET,
  REDACTION_MINTED_TOKEN,
  REDACTION_PASSWORD,
  REDACTION_PRE_AUTHORIZED_CODE,
} from "../helpers/secrets.js";

let authlete: ScriptedFetch;
let logs: { message: string; details: TokenEndpointLogDetails }[];
beforeEach(() => {
  authlete = scriptedFetch();
  logs = [];
});
afterEach(() => {
  exposeForScan(logs, "endpoint logger");
});

function client() {
  return createTokenClient({
    serviceId: "715948317",
    accessToken: REDACTION_ACCESS_TOKEN,
    baseUrl: "https://authlete.test",
    fetch: authlete.fetch,
  });
}

function endpoint(options: Partial<TokenEndpointOptions> = {}) {
  return createTokenEndpoint({
    client: client(),
    logger: { error: (message, details) => logs.push({ message, details }) },
    ...options,
  });
}

function post(body: string, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1:8080/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body,
  });
}

function result(action: string, fields: Record<string, unknown> = {}) {
  return { body: { resultCode: "A000001", resultMessage: `[A000001] ${action}`, action, ...fields } };
}

async function expectNoStoreAnswer(response: Response): Promise<void> {
  expect(response).toBeInstanceOf(Response);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(response.headers.get("Pragma")).toBe("no-cache");
  expect(response.headers.get("DPoP-Nonce")).toBeNull();
  await response.arrayBuffer();
}

describe("a DPoP nonce from Authlete that is not a valid header value", () => {
  const BAD_NONCES = ["line\nbreak", "nul\0byte", "euro-€-sign", " padded "];
  const TOKENS = '{"access_token":"AT","token_type":"DPoP"}';
  const paths: [string, (nonce: string) => void, Partial<TokenEndpointOptions>][] = [
    ["OK", (n) => authlete.enqueue("", result("OK", { dpopNonce: n, responseContent: TOKENS })), {}],
    ["BAD_REQUEST", (n) => authlete.enqueue("", result("BAD_REQUEST", { dpopNonce: n, responseContent: "{}" })), {}],
    ["an unknown action", (n) => authlete.enqueue("", result("SOMETHING_NEW", { dpopNonce: n })), {}],
    [
      "PASSWORD after /auth/token/issue",
      (n) => {
        authlete.enqueue("", result("PASSWORD", { dpopNonce: n, ticket: "tk", username: "u", password: "p" }));
        authlete.enqueue("/issue", result("OK", { responseContent: TOKENS }));
      },
      { authenticateUser: () => "subject-1" },
    ],
    [
      "a hook's answer",
      (n) => authlete.enqueue("", result("TOKEN_EXCHANGE", { dpopNonce: n })),
      { onTokenExchange: () => new Response(TOKENS) },
    ],
    [
      "a hook's TokenEndpointError",
      (n) => authlete.enqueue("", result("JWT_BEARER", { dpopNonce: n })),
      {
        onJwtBearer: () => {
          throw new Error("hook failed");
        },
      },
    ],
  ];

  it.each(paths)(
    "is left out and logged on %s, and the answer keeps the no-store headers",
    async (_name, script, options) => {
      for (const nonce of BAD_NONCES) {
        logs = [];
        script(nonce);
        const response = await endpoint(options)(post("grant_type=x"));
        await expectNoStoreAnswer(response);
        expect(logs.map((l) => l.message).join("\n")).toMatch(/DPoP nonce that is not a valid header value/);
      }
    },
  );

  it("a valid nonce is still sent", async () => {
    authlete.enqueue("", result("OK", { dpopNonce: "n-1_valid", responseContent: TOKENS }));
    const response = await endpoint()(post("grant_type=x"));
    expect(response.headers.get("DPoP-Nonce")).toBe("n-1_valid");
  });
});

describe("trusted proxy headers for the DPoP htu", () => {
  const dpop = "eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJodG0iOiJQT1NUIn0.sig";
  const htu = async (headers: Record<string, string>, trust: TokenEndpointOptions["trustForwardedHeaders"]) =>
    (await parseTokenRequest(post("", { DPoP: dpop, ...headers }), { trustForwardedHeaders: trust })).htu;

  it("refuses `true` and other ambiguous settings at creation, naming the choices", () => {
    const ambiguous: unknown[] = [true, "forwarded", {}, { header: "both" }, { header: "forwarded", hops: 0 }];
    for (const trust of ambiguous) {
      const options = { trustForwardedHeaders: trust } as TokenEndpointOptions;
      expect(() => endpoint(options)).toThrow(AuthleteConfigurationError);
    }
    expect(() => endpoint({ trustForwardedHeaders: true } as unknown as TokenEndpointOptions)).toThrow(
      /header: "forwarded".*header: "x-forwarded"/,
    );
    expect(() =>
      endpoint({ tokenEndpointUrl: "https://as.example.com/token", trustForwardedHeaders: { header: "forwarded" } }),
    ).toThrow(/not both/);
  });

  it("Forwarded: reads the element the trusted proxy appended, from the right, never the client's", async () => {
    const forwarded = 'for=6.6.6.6;proto=http;host=evil.example, for=1.2.3.4;proto=https;host="as.example.com:8443"';
    expect(await htu({ Forwarded: forwarded }, { header: "forwarded" })).toBe("https://as.example.com:8443/token");
    // Two proxies: the outer one's element is second from the right.
    const twoHops = `host=evil.example, host=as.example.com;proto=https, host=inner.local;proto=http`;
    expect(await htu({ Forwarded: twoHops }, { header: "forwarded", hops: 2 })).toBe("https://as.example.com/token");
    // Fewer elements than trusted hops: nothing can be trusted.
    expect(await htu({ Forwarded: "host=evil.example;proto=https" }, { header: "forwarded", hops: 2 })).toBe(
      "http://127.0.0.1:8080/token",
    );
  });

  it("X-Forwarded-*: reads the last value (appending proxies leave the client's first)", async () => {
    const headers = { "X-Forwarded-Proto": "http, https", "X-Forwarded-Host": "evil.example, as.example.com" };
    expect(await htu(headers, { header: "x-forwarded" })).toBe("https://as.example.com/token");
  });

  it("ignores the other header family entirely", async () => {
    const both = {
      Forwarded: "host=evil.example;proto=https",
      "X-Forwarded-Proto": "https",
      "X-Forwarded-Host": "as.example.com",
    };
    expect(await htu(both, { header: "x-forwarded" })).toBe("https://as.example.com/token");
    const xOnly = { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example" };
    expect(await htu(xOnly, { header: "forwarded" })).toBe("http://127.0.0.1:8080/token");
  });
});

describe("toNodeHandler({ origin })", () => {
  /** Sends a raw request line and returns the URL the handler saw. */
  async function urlSeen(target: string, origin = "https://as.example.com"): Promise<string> {
    let seen = "";
    const server: Server = createServer(
      toNodeHandler(
        (request) => {
          seen = request.url;
          return new Response("{}");
        },
        { origin },
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.end(
            `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
          );
        });
        socket.on("data", () => {});
        socket.on("end", resolve);
        socket.on("error", reject);
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    return seen;
  }

  it("wins over an absolute-form request target: only its path and query are used", async () => {
    expect(await urlSeen("http://evil.example:8443/token?x=1")).toBe("https://as.example.com/token?x=1");
    expect(await urlSeen("//evil.example/token")).toBe("https://as.example.com//evil.example/token");
    expect(await urlSeen("/token")).toBe("https://as.example.com/token");
  });

  it("refuses an origin that is not a scheme and host at creation", () => {
    for (const origin of ["as.example.com", "https://as.example.com/path", "ftp://x", "https://u:p@as.example.com"]) {
      expect(() => toNodeHandler(() => new Response(), { origin })).toThrow(AuthleteConfigurationError);
    }
  });
});

describe("nginx's $ssl_client_escaped_cert", () => {
  it("accepts a certificate as OpenSSL writes it (final newline), URL-escaped", async () => {
    const dir = await mkdtemp(join(tmpdir(), "openssl-cert-"));
    try {
      const certFile = join(dir, "cert.pem");
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:P-256",
          "-nodes",
          "-subj",
          "/CN=mtls-client",
          "-days",
          "1",
          "-keyout",
          join(dir, "key.pem"),
          "-out",
          certFile,
        ],
        { stdio: "ignore" },
      );
      const pem = await readFile(certFile, "utf8");
      expect(pem.endsWith("-----END CERTIFICATE-----\n")).toBe(true);
      const escaped = encodeURIComponent(pem);
      expect(escaped.endsWith("-----END%20CERTIFICATE-----%0A")).toBe(true);
      const request = post("", { "X-Ssl-Cert": escaped, "X-Ssl-Cert-Chain-0": escaped });
      const read = await readClientCertificate(request, "x-ssl-cert");
      expect(new X509Certificate(read?.certificate ?? "").fingerprint256).toBe(new X509Certificate(pem).fingerprint256);
      expect(read?.chain).toHaveLength(1);
      const response = await endpoint({ clientCertificate: "x-ssl-cert" })(request);
      // Not refused by the endpoint: the request went to Authlete (unscripted here, so a 500).
      expect(response.status).not.toBe(400);
      expect(authlete.calls).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("credentials echoed by Authlete or a proxy", () => {
  const CLIENT_ID = "client-redact";
  const form = new URLSearchParams({
    grant_type: "password",
    username: "alice",
    password: REDACTION_PASSWORD,
    client_assertion: REDACTION_ASSERTION,
  }).toString();
  const basic = encodeBasicCredentials(CLIENT_ID, REDACTION_CLIENT_SECRET);
  /** Every form a secret can be echoed in: raw, JSON-escaped, form-encoded with + and with %20. */
  const echo = [REDACTION_ACCESS_TOKEN, REDACTION_CLIENT_SECRET, REDACTION_PASSWORD, REDACTION_ASSERTION]
    .flatMap((s) => [
      s,
      JSON.stringify(s).slice(1, -1),
      new URLSearchParams({ s }).toString().slice(2),
      encodeURIComponent(s),
    ])
    .concat(form)
    .join(" | ");
  const ALL = [REDACTION_ACCESS_TOKEN, REDACTION_CLIENT_SECRET, REDACTION_PASSWORD, REDACTION_ASSERTION];

  function expectNothingOf(text: string): void {
    for (const secret of ALL) {
      for (const variant of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) {
        expect(text).not.toContain(variant);
      }
      expect(text).not.toContain(new URLSearchParams({ s: secret }).toString().slice(2));
    }
  }

  async function recorded(name: string, body: () => Promise<void>): Promise<void> {
    let ok = false;
    try {
      await body();
      ok = true;
    } finally {
      recordOutcome({ category: "Secrets", name, tried: 1, passed: ok ? 1 : 0, lost: ok ? 0 : 1 });
    }
  }

  it("are redacted from AuthleteApiError and the logger's details", async () => {
    await recorded("echoed credentials in an HTTP error answer: redacted in every encoding", async () => {
      authlete.enqueue("", { status: 400, body: { resultCode: "A001201", resultMessage: `bad: ${echo}` } });
      const response = await endpoint()(post(form, { Authorization: basic }));
      expect(response.status).toBe(500);
      const error = logs[0]?.details.error;
      expect(error).toBeInstanceOf(AuthleteApiError);
      expect((error as AuthleteApiError).resultMessage).toContain("[REDACTED]");
      expectNothingOf(inspect(logs, { depth: 20, showHidden: true }));
      expectNothingOf(JSON.stringify(logs.map((l) => ({ ...l.details, error: String(l.details.error) }))));
    });
  });

  it("are redacted from resultMessage logged on a 2xx INTERNAL_SERVER_ERROR", async () => {
    await recorded("echoed credentials in a 2xx resultMessage: redacted before logging", async () => {
      authlete.enqueue("", result("INTERNAL_SERVER_ERROR", { resultMessage: `oops: ${echo}`, responseContent: "{}" }));
      const response = await endpoint()(post(form, { Authorization: basic }));
      expect(response.status).toBe(500);
      expect(logs[0]?.details.resultMessage).toContain("[REDACTED]");
      expectNothingOf(inspect(logs, { depth: 20 }));
    });
  });

  it("sent with client_secret_post are redacted as well", async () => {
    await recorded("echoed client_secret_post secret: redacted", async () => {
      const post_ = new URLSearchParams({ grant_type: "client_credentials", client_secret: REDACTION_CLIENT_SECRET });
      authlete.enqueue("", {
        status: 400,
        body: { resultMessage: `bad: ${post_.toString()} ${REDACTION_CLIENT_SECRET}` },
      });
      const error = await client()
        .process({ parameters: post_.toString() })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthleteApiError);
      exposeForScan(error);
      expectNothingOf(`${String(error)} ${inspect(error, { depth: 10 })}`);
    });
  });
});

describe("credentials beyond the token request's own", () => {
  it("the access token the server minted for /auth/token/issue is redacted from AuthleteApiError and the logger", async () => {
    authlete.enqueue("", result("PASSWORD", { ticket: "ticket-Rd4", username: "alice", password: "pw" }));
    // Gson's default escaping of an echoed request, as a misbehaving gateway might send it back.
    const echo = JSON.stringify({ accessToken: REDACTION_MINTED_TOKEN, ticket: "ticket-Rd4" }).replace(
      /[=<>&']/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    authlete.enqueue("/issue", { status: 400, body: { resultCode: "A001201", resultMessage: `bad request: ${echo}` } });
    const authenticateUser = () => ({ subject: "1001", accessToken: REDACTION_MINTED_TOKEN });
    const response = await endpoint({ authenticateUser })(post("grant_type=password&username=alice&password=pw"));
    expect(response.status).toBe(500);
    const error = logs[0]?.details.error;
    expect(error).toBeInstanceOf(AuthleteApiError);
    expect((error as AuthleteApiError).resultMessage).toContain("[REDACTED]");
    const rendered = `${inspect(logs, { depth: 20, showHidden: true })} ${String(error)}`;
    expect(rendered).not.toContain(REDACTION_MINTED_TOKEN);
    expect(rendered).not.toContain("ticket-Rd4");
  });

  it("OpenID4VCI's pre-authorized_code and tx_code are hidden from parseTokenRequest's printed view and the logger", async () => {
    const form = new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:pre-authorized_code",
      "pre-authorized_code": REDACTION_PRE_AUTHORIZED_CODE,
      tx_code: "493536-tx",
    }).toString();
    const shown = inspect(await parseTokenRequest(post(form)), { depth: 5 });
    expect(shown).toContain("pre-authorized_code=[REDACTED]&tx_code=[REDACTED]");
    expect(shown).not.toContain(encodeURIComponent(REDACTION_PRE_AUTHORIZED_CODE).slice(0, 8));
    expect(shown).not.toContain("493536-tx");
    // Echoed back percent-encoded the strict RFC 3986 way (Python's quote), as a proxy would.
    const strict = encodeURIComponent(REDACTION_PRE_AUTHORIZED_CODE).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
    authlete.enqueue("", result("INTERNAL_SERVER_ERROR", { resultMessage: `oops: ${strict} 493536-tx` }));
    expect((await endpoint()(post(form))).status).toBe(500);
    expect(logs[0]?.details.resultMessage).toBe("oops: [REDACTED] [REDACTED]");
  });
});

describe("maxBodyBytes", () => {
  it("is validated by parseTokenRequest as by createTokenEndpoint", async () => {
    for (const maxBodyBytes of [Number.NaN, "64k", -1, 1.5, Number.POSITIVE_INFINITY]) {
      const options = { maxBodyBytes } as unknown as TokenEndpointOptions;
      await expect(parseTokenRequest(post("a=b"), options)).rejects.toThrow(AuthleteConfigurationError);
      expect(() => endpoint(options)).toThrow(AuthleteConfigurationError);
    }
    expect((await parseTokenRequest(post("a=b"), { maxBodyBytes: 3 })).parameters).toBe("a=b");
  });

  it("a realm that cannot be a quoted header value fails at creation, not as a 500 on every 401", async () => {
    for (const realm of ["Ω", "line\r\nbreak", "lf\nonly", "nul\0byte", "tab\u007fdel"]) {
      expect(() => endpoint({ realm }), JSON.stringify(realm)).toThrow(AuthleteConfigurationError);
      await expect(parseTokenRequest(post("a=b"), { realm })).rejects.toThrow(AuthleteConfigurationError);
    }
    // Quotes, backslashes, tabs, spaces and Latin-1 are escaped or allowed in a quoted-string.
    const realm = 'my "realm"\\ with\tcafé';
    const response = await endpoint({ realm })(post("grant_type=x", { Authorization: "Basic !!!" }));
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Basic realm="my \\"realm\\"\\\\ with\tcafé"');
  });

  it("a bad client-certificate option fails at creation, not on every request", () => {
    expect(() => endpoint({ clientCertificate: "x-client-cert" } as unknown as TokenEndpointOptions)).toThrow(
      AuthleteConfigurationError,
    );
  });
});
