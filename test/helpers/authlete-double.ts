import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ISSUED_TOKEN_PREFIX } from "./secrets.js";

/** What the double judges requests by. */
export interface AuthleteDoubleOptions {
  serviceId?: string;
  /** The service access token it accepts; any other bearer token gets HTTP 401. */
  accessToken: string;
  /** Registered clients: ID → secret. */
  clients: Record<string, string>;
}

/**
 * A stateless stand-in for Authlete's `/auth/token` on a loopback `node:http` server, realistic
 * enough for load and fuzzing: it checks the bearer token (401 otherwise, as Authlete does),
 * authenticates the client from `clientId`/`clientSecret` or the `client_id`/`client_secret`
 * form parameters (`INVALID_CLIENT` otherwise), and answers `client_credentials` with `OK` and
 * fresh tokens (starting with `ISSUED_TOKEN_PREFIX`) whose `scope` echoes the request's, so a
 * caller can tell answers apart. Other grants get `BAD_REQUEST`. It never echoes a secret.
 */
export interface AuthleteDouble {
  readonly baseUrl: string;
  readonly serviceId: string;
  /** Calls answered, by action (or HTTP status when not 200). */
  readonly counts: Map<string, number>;
  close(): Promise<void>;
}

export async function startAuthleteDouble(options: AuthleteDoubleOptions): Promise<AuthleteDouble> {
  const serviceId = options.serviceId ?? "715948317";
  const path = `/api/${serviceId}/auth/token`;
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        count(status === 200 ? String((body as { action?: string }).action) : `HTTP ${status}`);
        const text = JSON.stringify(body);
        res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
        res.end(text);
      };
      if (req.method !== "POST" || req.url !== path) {
        send(404, { resultCode: "A000404", resultMessage: "[A000404] not found" });
        return;
      }
      if (req.headers.authorization !== `Bearer ${options.accessToken}`) {
        send(401, { resultCode: "A001202", resultMessage: "[A001202] Authorization header is invalid" });
        return;
      }
      let request: { parameters?: unknown; clientId?: unknown; clientSecret?: unknown };
      try {
        request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        send(400, { resultCode: "A001201", resultMessage: "[A001201] bad JSON" });
        return;
      }
      const parameters = new URLSearchParams(typeof request.parameters === "string" ? request.parameters : "");
      const clientId = typeof request.clientId === "string" ? request.clientId : parameters.get("client_id");
      const secret = typeof request.clientSecret === "string" ? request.clientSecret : parameters.get("client_secret");
      const base = { resultCode: "A050001", resultMessage: "[A050001] done" };
      if (clientId === null || secret === null || options.clients[clientId] !== secret) {
        send(200, {
          ...base,
          action: "INVALID_CLIENT",
          responseContent: JSON.stringify({
            error: "invalid_client",
            error_description: "Client authentication failed",
          }),
        });
        return;
      }
      if (parameters.get("grant_type") !== "client_credentials") {
        send(200, {
          ...base,
          action: "BAD_REQUEST",
          responseContent: JSON.stringify({ error: "unsupported_grant_type" }),
        });
        return;
      }
      const accessToken = `${ISSUED_TOKEN_PREFIX}-${randomBytes(18).toString("base64url")}`;
      const scope = parameters.get("scope");
      const tokens = { access_token: accessToken, token_type: "Bearer", expires_in: 3600, scope };
      send(200, {
        ...base,
        action: "OK",
        responseContent: JSON.stringify(tokens),
        accessToken,
        accessTokenExpiresAt: Date.now() + 3_600_000,
        accessTokenDuration: 3600,
        clientId: 1234,
        clientIdAlias: clientId,
        grantType: "CLIENT_CREDENTIALS",
        scopes: scope === null ? null : scope.split(" "),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    serviceId,
    counts,
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
