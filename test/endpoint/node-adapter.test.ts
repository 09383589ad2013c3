import { createServer, request as httpRequest, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  answerNodeProtocolErrors,
  type FetchHandler,
  parseTokenRequest,
  TokenEndpointError,
  toNodeHandler,
} from "../../src/index.js";

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

/** Sends raw bytes and returns everything the server answered before closing the connection. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = "";
    const socket = connect(port, "127.0.0.1", () => socket.write(request, "latin1"));
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(answer));
  });
}

function parseRaw(answer: string): { status: number; headers: string; body: string } {
  const end = answer.indexOf("\r\n\r\n");
  return {
    status: Number(answer.split(" ")[1]),
    headers: answer.slice(0, end).toLowerCase(),
    body: answer.slice(end + 4),
  };
}

describe("requests Node refuses or fetch cannot represent", () => {
  let guarded: Server;
  let port: number;
  beforeAll(async () => {
    guarded = answerNodeProtocolErrors(
      createServer(
        toNodeHandler(async (request) => Response.json({ method: request.method, host: request.headers.get("host") })),
      ),
    );
    await new Promise<void>((resolve) => guarded.listen(0, "127.0.0.1", resolve));
    port = (guarded.address() as AddressInfo).port;
  });
  afterAll(async () => {
    guarded.closeAllConnections();
    await new Promise((resolve) => guarded.close(resolve));
  });

  it("answers TRACE, which fetch's Request refuses, with 400 invalid_request instead of a 500", async () => {
    // The plain server of this file (no answerNodeProtocolErrors): the adapter itself handles it.
    handler = () => new Response("never called");
    const plainPort = Number(new URL(base).port);
    for (const target of [plainPort, port]) {
      const answer = parseRaw(await raw(target, "TRACE /token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
      expect(answer.status).toBe(400);
      expect(answer.headers).toContain("cache-control: no-store");
      expect(JSON.parse(answer.body)).toMatchObject({ error: "invalid_request" });
    }
  });

  it.each([
    ["a control character in a header", "POST /token HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n", 400],
    ["an invalid request line", "POST /to ken HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["broken chunked framing", "POST /token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400],
    ["headers over Node's limit", `POST /token HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431],
    [
      "an unsupported Expect",
      "POST /token HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
      417,
    ],
    ["no Host in HTTP/1.1", "POST /token HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 400],
  ])("answers %s with an OAuth error in JSON", async (_name, request, status) => {
    const answer = parseRaw(await raw(port, request));
    expect(answer.status).toBe(status);
    expect(answer.headers).toContain("content-type: application/json;charset=utf-8");
    expect(answer.headers).toContain("cache-control: no-store");
    expect(answer.headers).toContain("pragma: no-cache");
    expect(JSON.parse(answer.body)).toMatchObject({ error: "invalid_request" });
  });

  it("closes the connection after answering, even when the client keeps its side open", async () => {
    const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    await new Promise<void>((resolve) => {
      socket.on("end", resolve);
      socket.write("POST /token HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n");
    });
    expect(parseRaw(answer).status).toBe(400);
    let open = -1;
    for (let waited = 0; waited < 2_000 && open !== 0; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      open = await new Promise<number>((resolve) => guarded.getConnections((_error, count) => resolve(count)));
    }
    expect(open).toBe(0);
    socket.destroy();
  });

  it("still serves HTTP/1.0 without Host and ordinary requests", async () => {
    const old = parseRaw(await raw(port, "POST /token HTTP/1.0\r\nContent-Length: 0\r\n\r\n"));
    expect(old.status).toBe(200);
    expect(JSON.parse(old.body)).toEqual({ method: "POST", host: null });
    const response = await fetch(`http://127.0.0.1:${port}/token`, { method: "POST", body: "" });
    expect(await response.json()).toEqual({ method: "POST", host: `127.0.0.1:${port}` });
  });
});
