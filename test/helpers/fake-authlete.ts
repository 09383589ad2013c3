import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted answer of the fake: an HTTP status and a JSON body (or raw text). */
export interface FakeAnswer {
  status?: number;
  body: unknown;
  /** Send `body` as is instead of as JSON. */
  raw?: boolean;
}

/** A call the fake received. */
export interface FakeCall {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/**
 * A fake Authlete on a real loopback HTTP server: each path answers from its own queue of
 * scripted answers, in order, and every call is recorded. An unscripted call gets a 500.
 */
export interface FakeAuthlete {
  readonly baseUrl: string;
  readonly serviceId: string;
  readonly calls: FakeCall[];
  /** Queues answers for `/api/{serviceId}/auth/token` + `suffix` (`""`, `"/issue"`, `"/fail"`). */
  enqueue(suffix: "" | "/issue" | "/fail", ...answers: FakeAnswer[]): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeAuthlete(serviceId = "715948317"): Promise<FakeAuthlete> {
  const queues = new Map<string, FakeAnswer[]>();
  const calls: FakeCall[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    const path = req.url ?? "";
    calls.push({ method: req.method ?? "", path, authorization: req.headers.authorization, body });
    const answer = queues.get(path)?.shift() ?? {
      status: 500,
      body: { resultCode: "A000000", resultMessage: `unscripted call to ${path}` },
    };
    res.writeHead(answer.status ?? 200, { "Content-Type": "application/json" });
    res.end(answer.raw ? String(answer.body) : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    serviceId,
    calls,
    enqueue(suffix, ...answers) {
      const key = `/api/${serviceId}/auth/token${suffix}`;
      queues.set(key, [...(queues.get(key) ?? []), ...answers]);
    },
    reset() {
      queues.clear();
      calls.length = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** An `/auth/token` result with the fields every result has. */
export function tokenResult(action: string, fields: Record<string, unknown> = {}): FakeAnswer {
  return { body: { resultCode: "A000001", resultMessage: `[A000001] ${action}`, action, ...fields } };
}
