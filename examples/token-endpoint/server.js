// @ts-check
// A runnable OAuth 2.0 token endpoint on Node's http module: `npm run demo` (demo.js builds, then runs it).
//
// With AUTHLETE_BASE_URL, AUTHLETE_SERVICE_ID and AUTHLETE_ACCESS_TOKEN set it calls that Authlete
// service. Without them it runs against the fake Authlete of `authlete-token/testing`, in process
// (no account needed), which walks every grant like Authlete: the password grant goes PASSWORD →
// authenticateUser → /auth/token/issue. AUTHLETE_MOCK=prism starts a Prism mock of the bundled
// spec instead (it answers every call with the spec's first example).
// PORT (default 8080) and HOST (default 127.0.0.1) choose where it listens.
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import {
  answerNodeProtocolErrors,
  createTokenClient,
  createTokenEndpoint,
  toNodeHandler,
} from "../../dist/src/index.js";
import { createFakeAuthlete } from "../../dist/src/testing/index.js";

// Demo users for the password grant. A real server checks a user store (with hashed passwords).
const USERS = new Map([["john", { subject: "1001", password: "john-secret" }]]);
// The demo's client, registered with the fake: a wrong secret gets 401 invalid_client, as from Authlete.
const CLIENT = { clientId: "my-app", clientSecret: "my-secret" };

/**
 * Starts the demo. Returns where it listens and how to stop it (Prism included).
 * @param {NodeJS.ProcessEnv} env
 */
export async function startDemo(env = process.env) {
  /** @type {{ close(): Promise<void> } | undefined} */
  let prism;
  /** @type {import("../../dist/src/index.js").TokenClientOptions} */
  let authlete;
  /** @type {"authlete" | "prism" | "fake"} */
  let mode;
  if (env.AUTHLETE_BASE_URL && env.AUTHLETE_SERVICE_ID && env.AUTHLETE_ACCESS_TOKEN) {
    mode = "authlete";
    authlete = {
      baseUrl: env.AUTHLETE_BASE_URL,
      serviceId: env.AUTHLETE_SERVICE_ID,
      accessToken: env.AUTHLETE_ACCESS_TOKEN,
    };
  } else if (env.AUTHLETE_MOCK === "prism") {
    mode = "prism";
    const { startPrismMock } = await import("./prism.js");
    prism = await startPrismMock();
    authlete = { baseUrl: prism.baseUrl, serviceId: "715948317", accessToken: "prism-accepts-any-token" };
  } else {
    mode = "fake";
    const fake = createFakeAuthlete({ clients: [CLIENT] });
    // Shows each call the endpoint makes, so the console tells the story of a grant.
    const fetch = /** @type {typeof fake.fetch} */ async (input, init) => {
      const response = await fake.fetch(input, init);
      const call = fake.calls.at(-1);
      if (call)
        console.log(`[fake Authlete] ${call.path.replace(/^\/api\/[^/]+/, "")} → ${call.status} ${call.action ?? ""}`);
      return response;
    };
    authlete = { ...fake, fetch };
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
  return { url, authleteUrl: String(authlete.baseUrl), mode, close };
}

/**
 * Runs the demo until SIGINT (Ctrl-C) or SIGTERM, which close the server (and Prism) and end the
 * process: `npm run demo` (examples/token-endpoint/demo.js) and `node examples/token-endpoint/server.js`.
 */
export async function main() {
  const demo = await startDemo();
  const authlete = {
    prism: `Prism mock of the bundled spec at ${demo.authleteUrl}`,
    fake: "the fake of authlete-token/testing, in process",
    authlete: demo.authleteUrl,
  }[demo.mode];
  const lines = [`Token endpoint listening on ${demo.url} (Authlete: ${authlete})`];
  if (demo.mode === "fake") {
    const [username, user] = [...USERS][0] ?? [];
    lines.push(
      `Demo user for the password grant: username "${username}", password "${user?.password}"`,
      `Demo client: "${CLIENT.clientId}", secret "${CLIENT.clientSecret}" (HTTP Basic); any other gets 401 invalid_client`,
      `Try: curl -s -u ${CLIENT.clientId}:${CLIENT.clientSecret} -d grant_type=password -d username=${username} -d password=${user?.password} ${demo.url}`,
    );
  }
  // One write, so whoever waits for the first line gets the others with it.
  console.log(lines.join("\n"));
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

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
