import { type ChildProcess, spawn } from "node:child_process";
import { ROOT } from "./project.js";

/** The example server, started as `node examples/token-endpoint/server.js` would be. */
export interface DemoProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

export async function startDemoProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<DemoProcess> {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const name of ["AUTHLETE_BASE_URL", "AUTHLETE_SERVICE_ID", "AUTHLETE_ACCESS_TOKEN", "AUTHLETE_MOCK"])
    delete base[name];
  const child = spawn(process.execPath, ["examples/token-endpoint/server.js"], {
    cwd: ROOT,
    env: { ...base, PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${output}`)), timeoutMs);
    const check = () => {
      const match = /listening on (http:\/\/\S+\/token)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
