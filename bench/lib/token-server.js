#!/usr/bin/env node
// @ts-check
// A stand-in for Authlete's POST /api/{serviceId}/auth/token on 127.0.0.1, run in its own process
// so the client's CPU time is measured alone. Prints `PORT <n>` once listening; stops on SIGTERM,
// on stdin closing, or after --max-seconds (default 600) whatever happens.
import { createServer } from "node:http";
import { TOKEN_RESPONSE } from "./clients.js";

const maxSeconds = Number(process.argv[process.argv.indexOf("--max-seconds") + 1]) || 600;
const body = Buffer.from(TOKEN_RESPONSE);
const PATH = /^\/api\/[0-9A-Za-z_-]+\/auth\/token$/;

const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    if (request.method !== "POST" || !PATH.test(request.url ?? "")) {
      response
        .writeHead(404, { "Content-Type": "application/json" })
        .end('{"resultCode":"A000404","resultMessage":"not found"}');
      return;
    }
    response.writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length }).end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`PORT ${typeof address === "object" && address ? address.port : 0}`);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
setTimeout(() => process.exit(0), maxSeconds * 1000).unref();
