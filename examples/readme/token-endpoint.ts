import { createServer } from "node:http";
import { answerNodeProtocolErrors, createTokenClient, createTokenEndpoint, toNodeHandler } from "authlete-token";

// (request: Request) => Promise<Response>: hand it to Deno.serve, Bun.serve, Hono or a Worker as is.
const endpoint = createTokenEndpoint({
  client: createTokenClient({
    serviceId: process.env.AUTHLETE_SERVICE_ID ?? "",
    accessToken: process.env.AUTHLETE_ACCESS_TOKEN ?? "",
  }),
  tokenEndpointUrl: "https://as.example.com/token", // checked against the `htu` of DPoP proofs
  logger: console, // server-side failures only, never a secret
});

// On Node: an http.Server that also answers malformed HTTP with an OAuth error.
answerNodeProtocolErrors(createServer(toNodeHandler(endpoint))).listen(8080);
