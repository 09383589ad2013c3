import { X509Certificate } from "node:crypto";
import fc from "fast-check";
import { serializeItem, serializeList } from "structured-headers";
import { describe, expect, it } from "vitest";
import { derToPem, readClientCertificate, TokenEndpointError } from "../../src/index.js";
import { CA_PEM, LEAF_PEM } from "../helpers/certificates.js";

const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);
const sfBytes = (bytes: Uint8Array) => serializeItem([bytes.buffer as ArrayBuffer, new Map()]);
const sfList = (...items: Uint8Array[]) => serializeList(items.map((b) => [b.buffer as ArrayBuffer, new Map()]));
const request = (headers: Record<string, string>) =>
  new Request("https://as.example/token", { method: "POST", headers });
// What a proxy that cannot put newlines in a header sends: the PEM on one line.
const oneLine = (pem: string) => pem.replaceAll("\n", " ");

async function rejection(promise: Promise<unknown>): Promise<TokenEndpointError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenEndpointError);
  const e = error as TokenEndpointError;
  expect(e).toMatchObject({ code: "INVALID_CLIENT_CERTIFICATE", error: "invalid_request", status: 400 });
  return e;
}

describe("derToPem", () => {
  it("writes Base64 wrapped at 64 characters between BEGIN and END lines", () => {
    const pem = derToPem(der(LEAF_PEM));
    expect(pem).toBe(LEAF_PEM.trim());
    const lines = pem.split("\n");
    expect(lines[0]).toBe("-----BEGIN CERTIFICATE-----");
    expect(lines.at(-1)).toBe("-----END CERTIFICATE-----");
    for (const line of lines.slice(1, -2)) expect(line).toHaveLength(64);
  });

  it("is the inverse of PEM decoding for any bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), (bytes) => {
        const body = derToPem(bytes).split("\n").slice(1, -1);
        expect(body.every((line) => line.length <= 64)).toBe(true);
        expect(new Uint8Array(Buffer.from(body.join(""), "base64"))).toEqual(bytes);
      }),
    );
  });
});

describe("readClientCertificate: X-Ssl-Cert", () => {
  it("reads the leaf and the numbered chain headers in numeric order", async () => {
    const result = await readClientCertificate(
      request({
        "X-Ssl-Cert": oneLine(LEAF_PEM),
        "X-Ssl-Cert-Chain-10": oneLine(LEAF_PEM),
        "X-Ssl-Cert-Chain-0": oneLine(CA_PEM),
        "X-Ssl-Cert-Chain-2": "(null)",
      }),
      "x-ssl-cert",
    );
    expect(result).toEqual({ certificate: LEAF_PEM.trim(), chain: [CA_PEM.trim(), LEAF_PEM.trim()] });
    expect(new X509Certificate(result?.certificate ?? "").subject).toBe("CN=client.example");
  });

  it("rewraps a PEM whose newlines a proxy turned into spaces", async () => {
    const result = await readClientCertificate(request({ "X-Ssl-Cert": oneLine(LEAF_PEM) }), "x-ssl-cert");
    expect(result).toEqual({ certificate: LEAF_PEM.trim() });
  });

  it("URL-decodes nginx's $ssl_client_escaped_cert", async () => {
    const escaped = encodeURIComponent(LEAF_PEM);
    expect(escaped.startsWith("-----BEGIN%20")).toBe(true);
    const result = await readClientCertificate(request({ "X-Ssl-Cert": escaped }), "x-ssl-cert");
    expect(result).toEqual({ certificate: LEAF_PEM.trim() });
  });

  it("treats (null), empty and missing as no certificate, and ignores a chain without a leaf", async () => {
    for (const headers of [
      { "X-Ssl-Cert": "(null)" },
      { "X-Ssl-Cert": "" },
      {},
      { "X-Ssl-Cert-Chain-0": CA_PEM.replaceAll("\n", " ") },
    ]) {
      expect(await readClientCertificate(request(headers), "x-ssl-cert")).toBeUndefined();
    }
  });

  it.each([
    ["not PEM", "hello"],
    ["a PEM with a bad body", "-----BEGIN CERTIFICATE----- M%%% -----END CERTIFICATE-----"],
    ["an empty PEM", "-----BEGIN CERTIFICATE----- -----END CERTIFICATE-----"],
    ["broken URL encoding", "-----BEGIN%20CERTIFICATE%ZZ"],
    ["a private key", "-----BEGIN PRIVATE KEY----- AAAA -----END PRIVATE KEY-----"],
  ])("rejects %s with 400 invalid_request", async (_name, value) => {
    await rejection(readClientCertificate(request({ "X-Ssl-Cert": value }), "x-ssl-cert"));
  });
});

describe("readClientCertificate: RFC 9440 Client-Cert", () => {
  it("turns the DER byte sequences into PEM (leaf and chain)", async () => {
    const result = await readClientCertificate(
      request({ "Client-Cert": sfBytes(der(LEAF_PEM)), "Client-Cert-Chain": sfList(der(CA_PEM), der(CA_PEM)) }),
      "client-cert",
    );
    expect(result).toEqual({ certificate: LEAF_PEM.trim(), chain: [CA_PEM.trim(), CA_PEM.trim()] });
  });

  it("accepts the chain split over several header lines, and parameters", async () => {
    const headers = new Headers({ "Client-Cert": `${sfBytes(der(LEAF_PEM))};x=1` });
    headers.append("Client-Cert-Chain", `${sfBytes(der(CA_PEM))};a="b,c";d`);
    headers.append("Client-Cert-Chain", sfBytes(der(LEAF_PEM)));
    const result = await readClientCertificate(
      new Request("https://as.example/token", { method: "POST", headers }),
      "client-cert",
    );
    expect(result).toEqual({ certificate: LEAF_PEM.trim(), chain: [CA_PEM.trim(), LEAF_PEM.trim()] });
  });

  it("reads a leaf without a chain, and nothing without a leaf", async () => {
    expect(await readClientCertificate(request({ "Client-Cert": sfBytes(der(LEAF_PEM)) }), "client-cert")).toEqual({
      certificate: LEAF_PEM.trim(),
    });
    expect(
      await readClientCertificate(request({ "Client-Cert-Chain": sfList(der(CA_PEM)) }), "client-cert"),
    ).toBeUndefined();
  });

  it.each([
    ["PEM instead of a byte sequence", { "Client-Cert": oneLine(LEAF_PEM) }],
    ["a missing closing colon", { "Client-Cert": ":AAAA" }],
    ["an empty byte sequence", { "Client-Cert": "::" }],
    ["Base64 of an impossible length", { "Client-Cert": ":AAAAA:" }],
    ["a list where an item is expected", { "Client-Cert": ":AAAA:, :AAAA:" }],
    ["a string item", { "Client-Cert": '"abc"' }],
    ["a chain with a trailing comma", { "Client-Cert": ":AAAA:", "Client-Cert-Chain": ":AAAA:," }],
    ["a chain with a token", { "Client-Cert": ":AAAA:", "Client-Cert-Chain": ":AAAA:, abc" }],
    ["a chain without commas", { "Client-Cert": ":AAAA:", "Client-Cert-Chain": ":AAAA: :AAAA:" }],
  ])("rejects %s with 400 invalid_request", async (_name, headers) => {
    await rejection(readClientCertificate(request(headers), "client-cert"));
  });

  it("parses whatever structured-headers serializes, and only throws TokenEndpointError otherwise (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 100 }), { maxLength: 4 }),
        async (leaf, chain) => {
          const headers: Record<string, string> = { "Client-Cert": sfBytes(leaf) };
          if (chain.length > 0) headers["Client-Cert-Chain"] = sfList(...chain);
          const result = await readClientCertificate(request(headers), "client-cert");
          expect(result?.certificate).toBe(derToPem(leaf));
          expect(result?.chain).toEqual(chain.length > 0 ? chain.map(derToPem) : undefined);
        },
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (cert, chain) => {
        try {
          await readClientCertificate(request({ "Client-Cert": cert, "Client-Cert-Chain": chain }), "client-cert");
        } catch (error) {
          expect(error).toBeInstanceOf(TokenEndpointError);
        }
      }),
    );
  });
});

describe("readClientCertificate: callback", () => {
  it("returns what the callback returns", async () => {
    const seen: Request[] = [];
    const r = request({});
    const result = await readClientCertificate(r, async (req) => {
      seen.push(req);
      return { certificate: LEAF_PEM, chain: [CA_PEM] };
    });
    expect(seen).toEqual([r]);
    expect(result).toEqual({ certificate: LEAF_PEM, chain: [CA_PEM] });
  });
});
