import { X509Certificate } from "node:crypto";
import { inspect } from "node:util";
import { serializeItem } from "structured-headers";
import { describe, expect, it } from "vitest";
import { encodeBasicCredentials, parseTokenRequest, TokenEndpointError } from "../../src/index.js";
import { CA_PEM, LEAF_PEM } from "../helpers/certificates.js";
import { exposeForScan } from "../helpers/secret-scan.js";
import { INSPECT_CLIENT_SECRET, PARSE_CLIENT_SECRET } from "../helpers/secrets.js";

const URL_ = "http://127.0.0.1:8080/token?x=1#frag";
const FORM = "application/x-www-form-urlencoded";

function post(body: BodyInit | null, headers: Record<string, string> = {}, url = URL_): Request {
  return new Request(url, { method: "POST", headers: { "Content-Type": FORM, ...headers }, body });
}

/** A form POST whose body is `stream`: no Content-Length, read as it comes. */
function streamed(stream: ReadableStream<Uint8Array>): Request {
  return new Request(URL_, {
    method: "POST",
    headers: { "Content-Type": FORM },
    body: stream,
    duplex: "half",
  } as RequestInit);
}

async function rejection(promise: Promise<unknown>): Promise<TokenEndpointError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenEndpointError);
  return exposeForScan(error as TokenEndpointError);
}

describe("parseTokenRequest: method, content type, body", () => {
  it("passes the raw form body as parameters, not re-encoded", async () => {
    const body = "grant_type=client_credentials&scope=a%20b+c&x=%E2%9C%93";
    expect(await parseTokenRequest(post(body))).toEqual({ parameters: body });
  });

  it("sends an empty body as parameters: '' (never omitted)", async () => {
    expect(await parseTokenRequest(post(null))).toEqual({ parameters: "" });
    expect(await parseTokenRequest(post(""))).toEqual({ parameters: "" });
  });

  it.each(["GET", "PUT", "DELETE", "PATCH", "OPTIONS"])("answers %s with 405 and Allow: POST", async (method) => {
    const error = await rejection(parseTokenRequest(new Request(URL_, { method, headers: { "Content-Type": FORM } })));
    expect(error).toMatchObject({ code: "METHOD_NOT_ALLOWED", status: 405, error: "invalid_request" });
    const response = error.toResponse();
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("POST");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Pragma")).toBe("no-cache");
    expect(response.headers.get("Content-Type")).toBe("application/json;charset=UTF-8");
    expect(await response.json()).toEqual({ error: "invalid_request", error_description: error.error_description });
  });

  it.each([
    FORM,
    "application/x-www-form-urlencoded;charset=UTF-8",
    "Application/X-WWW-Form-URLEncoded ; charset=utf-8",
  ])("accepts the content type %s", async (contentType) => {
    expect(await parseTokenRequest(post("a=b", { "Content-Type": contentType }))).toEqual({ parameters: "a=b" });
  });

  it.each([
    ["JSON", "application/json"],
    ["multipart", "multipart/form-data; boundary=x"],
    ["a longer type", "application/x-www-form-urlencoded-foo"],
    ["text", "text/plain"],
  ])("rejects %s with 400 invalid_request", async (_name, contentType) => {
    const error = await rejection(parseTokenRequest(post("a=b", { "Content-Type": contentType })));
    expect(error).toMatchObject({ code: "UNSUPPORTED_CONTENT_TYPE", status: 400, error: "invalid_request" });
  });

  it("rejects a request without a content type with 400", async () => {
    const request = new Request(URL_, { method: "POST", body: new Uint8Array([0x61]) });
    expect(request.headers.get("Content-Type")).toBeNull();
    expect((await rejection(parseTokenRequest(request))).status).toBe(400);
  });

  it("caps the body at 64 KiB by default with 413", async () => {
    const limit = 64 * 1024;
    expect((await parseTokenRequest(post("a".repeat(limit)))).parameters).toHaveLength(limit);
    const error = await rejection(parseTokenRequest(post("a".repeat(limit + 1))));
    expect(error).toMatchObject({ code: "BODY_TOO_LARGE", status: 413, error: "invalid_request" });
    expect(error.toResponse().status).toBe(413);
  });

  it("honours maxBodyBytes, whether or not Content-Length is declared", async () => {
    await expect(parseTokenRequest(post("abcd"), { maxBodyBytes: 4 })).resolves.toEqual({ parameters: "abcd" });
    expect((await rejection(parseTokenRequest(post("abcde"), { maxBodyBytes: 4 }))).status).toBe(413);
    // A streamed body has no Content-Length: the limit applies while reading.
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024).fill(0x61));
        if (pulled > 1000) controller.close();
      },
    });
    expect((await rejection(parseTokenRequest(streamed(stream), { maxBodyBytes: 4096 }))).status).toBe(413);
    expect(pulled).toBeLessThan(10);
    // A declared length over the limit is refused before reading.
    expect(
      (await rejection(parseTokenRequest(post("ab", { "Content-Length": "99999" }), { maxBodyBytes: 4 }))).status,
    ).toBe(413);
  });

  it("rejects a body that is not UTF-8 with 400", async () => {
    const error = await rejection(parseTokenRequest(post(new Uint8Array([0x61, 0x3d, 0xff]))));
    expect(error).toMatchObject({ code: "INVALID_BODY", status: 400 });
  });

  it("rejects a body that fails while being read with 400", async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("connection reset"));
      },
    });
    expect(await rejection(parseTokenRequest(streamed(stream)))).toMatchObject({ code: "INVALID_BODY", status: 400 });
  });
});

describe("parseTokenRequest: client credentials", () => {
  it("puts Basic credentials, decoded, into clientId and clientSecret", async () => {
    const header = encodeBasicCredentials("client:1 é", PARSE_CLIENT_SECRET);
    expect(await parseTokenRequest(post("grant_type=client_credentials", { Authorization: header }))).toEqual({
      parameters: "grant_type=client_credentials",
      clientId: "client:1 é",
      clientSecret: PARSE_CLIENT_SECRET,
    });
  });

  it("can leave Basic credentials undecoded", async () => {
    const header = `Basic ${btoa("a+b:c%d")}`;
    expect(
      await parseTokenRequest(post("", { Authorization: header }), { basicCredentialsFormEncoded: false }),
    ).toMatchObject({ clientId: "a+b", clientSecret: "c%d" });
  });

  it("answers a malformed Basic header with 401 invalid_client and the configured realm", async () => {
    const error = await rejection(parseTokenRequest(post("", { Authorization: "Basic !!!" }), { realm: "example" }));
    const response = error.toResponse();
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Basic realm="example"');
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect((await response.json()).error).toBe("invalid_client");
  });

  it("ignores other schemes and leaves client_secret_post credentials in parameters", async () => {
    const body = "grant_type=client_credentials&client_id=c&client_secret=s";
    expect(await parseTokenRequest(post(body, { Authorization: "Bearer xyz" }))).toEqual({ parameters: body });
  });

  it("keeps the client secret out of util.inspect but not out of JSON (Authlete needs it)", async () => {
    const secret = INSPECT_CLIENT_SECRET;
    const tokenRequest = await parseTokenRequest(post("a=b", { Authorization: encodeBasicCredentials("c", secret) }));
    expect(inspect(tokenRequest)).not.toContain(secret);
    expect(inspect(tokenRequest)).toContain("[REDACTED]");
    expect(JSON.parse(JSON.stringify(tokenRequest))).toEqual({
      parameters: "a=b",
      clientId: "c",
      clientSecret: secret,
    });
  });
});

describe("parseTokenRequest: credentials in the form body", () => {
  it("hides client_secret_post and other credential parameters from util.inspect, not from JSON", async () => {
    const body = `grant_type=password&client_id=c&client_secret=${encodeURIComponent(INSPECT_CLIENT_SECRET)}&password=pw-1&code=c0de&scope=a+b&client%5Fsecret=x%zz&%zz=1`;
    const tokenRequest = await parseTokenRequest(post(body));
    const shown = inspect(tokenRequest);
    expect(shown).not.toContain(INSPECT_CLIENT_SECRET);
    expect(shown).not.toContain("pw-1");
    expect(shown).not.toContain("c0de");
    expect(shown).toContain("client_secret=[REDACTED]");
    expect(shown).toContain("client%5Fsecret=[REDACTED]");
    expect(shown).toContain("scope=a+b");
    expect(shown).toContain("%zz=[REDACTED]");
    expect(JSON.parse(JSON.stringify(tokenRequest))).toEqual({ parameters: body });
  });
});

describe("parseTokenRequest: DPoP", () => {
  const dpop = "eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJodG0iOiJQT1NUIn0.sig";

  it("passes the DPoP header with htm and, by default, no htu (Authlete then uses the service's tokenEndpoint)", async () => {
    expect(await parseTokenRequest(post("a=b", { DPoP: dpop }))).toEqual({ parameters: "a=b", dpop, htm: "POST" });
  });

  it("uses the configured public URL as htu", async () => {
    const result = await parseTokenRequest(post("a=b", { DPoP: dpop }), {
      tokenEndpointUrl: "https://as.example.com/oauth/token?ignored=1",
    });
    expect(result.htu).toBe("https://as.example.com/oauth/token");
  });

  it("derives htu from the request URL without query or fragment only when forwarded headers are trusted", async () => {
    const trust = { trustForwardedHeaders: { header: "x-forwarded" } } as const;
    expect((await parseTokenRequest(post("", { DPoP: dpop }), trust)).htu).toBe("http://127.0.0.1:8080/token");
    const headers = { DPoP: dpop, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "as.example.com" };
    expect((await parseTokenRequest(post("", headers), trust)).htu).toBe("https://as.example.com/token");
    expect((await parseTokenRequest(post("", headers))).htu).toBeUndefined();
  });

  it("ignores forwarding values that are not a scheme or a host", async () => {
    const junk = { DPoP: dpop, "X-Forwarded-Proto": "gopher", "X-Forwarded-Host": "a b/c@d", Forwarded: "nonsense" };
    for (const header of ["forwarded", "x-forwarded"] as const) {
      expect((await parseTokenRequest(post("", junk), { trustForwardedHeaders: { header } })).htu).toBe(
        "http://127.0.0.1:8080/token",
      );
    }
  });

  it("sets neither htm nor htu without a DPoP header", async () => {
    expect(await parseTokenRequest(post(""), { tokenEndpointUrl: "https://as.example.com/token" })).toEqual({
      parameters: "",
    });
  });
});

describe("parseTokenRequest: client certificate and attestation", () => {
  it("reads no certificate header unless a source is configured", async () => {
    expect(await parseTokenRequest(post("", { "X-Ssl-Cert": LEAF_PEM.replaceAll("\n", " ") }))).toEqual({
      parameters: "",
    });
  });

  it("puts the leaf into clientCertificate and the rest into clientCertificatePath", async () => {
    const headers = {
      "X-Ssl-Cert": LEAF_PEM.replaceAll("\n", " "),
      "X-Ssl-Cert-Chain-0": encodeURIComponent(CA_PEM),
    };
    expect(await parseTokenRequest(post("", headers), { clientCertificate: "x-ssl-cert" })).toEqual({
      parameters: "",
      clientCertificate: LEAF_PEM.trim(),
      clientCertificatePath: [CA_PEM.trim()],
    });
    const der = new X509Certificate(LEAF_PEM).raw;
    const sf = serializeItem([
      der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer,
      new Map(),
    ]);
    expect(await parseTokenRequest(post("", { "Client-Cert": sf }), { clientCertificate: "client-cert" })).toEqual({
      parameters: "",
      clientCertificate: LEAF_PEM.trim(),
    });
  });

  it("answers a malformed certificate header with 400 invalid_request", async () => {
    const error = await rejection(
      parseTokenRequest(post("", { "Client-Cert": "junk" }), { clientCertificate: "client-cert" }),
    );
    expect(error).toMatchObject({ status: 400, error: "invalid_request" });
  });

  it("passes the attestation headers through verbatim", async () => {
    const headers = { "OAuth-Client-Attestation": "a.b.c", "OAuth-Client-Attestation-PoP": "d.e.f" };
    expect(await parseTokenRequest(post("", headers))).toEqual({
      parameters: "",
      oauthClientAttestation: "a.b.c",
      oauthClientAttestationPop: "d.e.f",
    });
  });
});
