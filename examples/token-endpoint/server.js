// @ts-check
// A runnable OAuth 2.0 token endpoint on Node's http module: `npm run demo`.
//
// With AUTHLETE_BASE_URL, AUTHLETE_SERVICE_ID and AUTHLETE_ACCESS_TOKEN set it calls that Authlete
// service; without them it starts a Prism mock of the bundled spec (no account needed).
// PORT (default 8080) and HOST (default 127.0.0.1) choose where it listens.
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import {
  answerNodeProtocolErrors,
  createTokenClient,
  createTokenEndpoint,
  toNodeHandler,
} from "../../dist/src/index.js";

// Demo users for the password grant. A real server checks a user store (with hashed passwords).
const USERS = new Map([["john", { subject: "1001", password: "john-secret" }]]);

/**
 * Starts the demo. Returns where it listens and how to stop it (Prism included).
 * @param {NodeJS.ProcessEnv} env
 */
export async function startDemo(env = process.env) {
  /** @type {{ close(): Promise<void> } | undefined} */
  let prism;
  let authlete;
  if (env.AUTHLETE_BASE_URL && env.AUTHLETE_SERVICE_ID && env.AUTHLETE_ACCESS_TOKEN) {
    authlete = {
      baseUrl: env.AUTHLETE_BASE_URL,
      serviceId: env.AUTHLETE_SERVICE_ID,
      accessToken: env.AUTHLETE_ACCESS_TOKEN,
    };
  } else {
    const { startPrismMock } = await import("./prism.js");
    prism = await startPrismMock();
    authlete = { baseUrl: prism.baseUrl, serviceId: "715948317", accessToken: "prism-accepts-any-token" };
  }

  const client = createTokenClient(authlete);
  const endpoint = createTokenEndpoint({
    client,
    async authenticateUser(username, password) {
      const user = USERS.get(username);
      // The subject alone is enough; the object form also sets policy for the tokens issued,
      // here shorter-lived tokens than the service's defaults (TokenIssueRequest).
      return user !== undefined && user.password === password
        ? { subject: user.subject, accessTokenDuration: 3600, refreshTokenDuration: 86400 }
        : undefined;
    },
    // Never logs secrets: only Authlete errors and result codes reach it.
    logger: { error: (message, details) => console.error(`[token endpoint] ${message}`, details) },
  });
  const handle = toNodeHandler(endpoint);
  // answerNodeProtocolErrors: requests Node's HTTP parser refuses get an OAuth error in JSON too.
  const server = answerNodeProtocolErrors(
    createServer((req, res) => {
      if (new URL(req.url ?? "/", "http://x").pathname === "/token") {
        handle(req, res);
      } else {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found; the token endpoint is POST /token\n");
      }
    }),
  );
  const host = env.HOST ?? "127.0.0.1";
  await new Promise((resolve) => server.listen(Number(env.PORT ?? 8080), host, () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const url = `http://${host}:${port}/token`;

  async function close() {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
    await prism?.close();
  }
  return { url, authleteUrl: authlete.baseUrl, mode: prism ? "prism" : "authlete", close };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const demo = await startDemo();
  const authlete = demo.mode === "prism" ? `Prism mock of the bundled spec at ${demo.authleteUrl}` : demo.authleteUrl;
  console.log(`Token endpoint listening on ${demo.url} (Authlete: ${authlete})`);
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await demo.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
