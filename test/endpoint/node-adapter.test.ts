import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FetchHandler, parseTokenRequest, TokenEndpointError, toNodeHandler } from "../../src/index.js";

let server: Server;
let base: string;
let handler: FetchHandler = () => new Response("unset");

beforeAll(async () => {
  // The real Node types must fit the adapter's structural ones.
  server = createServer(toNodeHandler((request) => handler(request)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("toNodeHandler", () => {
  it("gives the handler a Request with method, URL, headers and the streamed body", async () => {
    let seen: { method: string; url: string; auth: string | null; dup: string | null; body: string } | undefined;
    handler = async (request) => {
      seen = {
        method: request.method,
        url: request.url,
        auth: request.headers.get("authorization"),
        dup: request.headers.get("x-dup"),
        body: await request.text(),
      };
      return Response.json({ ok: true }, { status: 201, headers: { "X-Custom": "1" } });
    };
    const headers = new Headers({ Authorization: "Basic abc" });
    headers.append("X-Dup", "a");
    headers.append("X-Dup", "b");
    const response = await fetch(`${base}/token?q=1`, { method: "POST", headers, body: "grant_type=x" });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-custom")).toBe("1");
    expect(await response.json()).toEqual({ ok: true });
    expect(seen).toEqual({
      method: "POST",
      url: `${base}/token?q=1`,
      auth: "Basic abc",
      dup: "a, b",
      body: "grant_type=x",
    });
  });

  it("runs parseTokenRequest end to end, including 405 with Allow and 413 on a large streamed body", async () => {
    handler = async (request) => {
      try {
        return Response.json(await parseTokenRequest(request, { maxBodyBytes: 1000 }));
      } catch (error) {
        if (error instanceof TokenEndpointError) return error.toResponse();
        throw error;
      }
    };
    const get = await fetch(`${base}/token`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(get.headers.get("cache-control")).toBe("no-store");

    const ok = await fetch(`${base}/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    expect(await ok.json()).toEqual({ parameters: "grant_type=client_credentials" });

    // Chunked, without Content-Length: the limit applies while streaming.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 5; i++) req.write("a".repeat(500));
      req.end();
    });
    expect(status).toBe(413);
  });

  it("answers a handler that throws with 500 server_error and no-store", async () => {
    handler = () => {
      throw new Error("boom");
    };
    const response = await fetch(`${base}/token`, { method: "POST", body: "x" });
    expect(response.status).toBe(500);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ error: "server_error" });
  });

  it("builds the URL from the configured origin", async () => {
    const seen: string[] = [];
    const other = createServer(
      toNodeHandler(
        (request) => {
          seen.push(request.url);
          return new Response(null, { status: 204 });
        },
        { origin: "https://as.example.com" },
      ),
    );
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const port = (other.address() as AddressInfo).port;
    expect((await fetch(`http://127.0.0.1:${port}/token?a=b`)).status).toBe(204);
    other.closeAllConnections();
    await new Promise((resolve) => other.close(resolve));
    expect(seen).toEqual(["https://as.example.com/token?a=b"]);
  });
});
