import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./project.js";

/** The example server, started as `node examples/token-endpoint/server.js` would be. */
export interface DemoProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

// The start-up bound is generous (under the 120 s hook limit): on a loaded machine bundling the spec
// for Prism alone took over 30 s.
export async function startDemoProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<DemoProcess> {
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

/** `npm run demo` in a copy of the project, in a process group of its own (as in a terminal). */
export interface NpmDemo {
  url: string;
  /** npm's process ID, also the ID of the process group. */
  pid: number;
  output: () => string;
  /** Resolves once npm and everything it started closed their output: all of them ended. */
  ended: Promise<void>;
  /** Kills whatever is left of the process group and removes the copy. */
  cleanup: () => Promise<void>;
}

/**
 * Runs `npm run demo` as a user does, in a copy of what it needs (so its build does not replace the
 * dist/ other test files use), and waits until it listens.
 */
export async function startNpmDemo(timeoutMs = 120_000): Promise<NpmDemo> {
  const dir = await mkdtemp(join(tmpdir(), "authlete-token-demo-"));
  for (const entry of ["package.json", "tsconfig.json", "tsconfig.build.json", "src", "generated"]) {
    await cp(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  await cp(join(ROOT, "examples/token-endpoint"), join(dir, "examples/token-endpoint"), { recursive: true });
  await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  const base: Record<string, string | undefined> = { ...process.env };
  for (const name of ["AUTHLETE_BASE_URL", "AUTHLETE_SERVICE_ID", "AUTHLETE_ACCESS_TOKEN", "AUTHLETE_MOCK"])
    delete base[name];
  const child = spawn("npm", ["run", "demo"], {
    cwd: dir,
    env: { ...base, PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const closed = (stream: NodeJS.ReadableStream) =>
    new Promise<void>((resolveClose) => {
      stream.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
      });
      stream.once("close", () => resolveClose());
    });
  const ended = Promise.all([closed(child.stdout), closed(child.stderr)]).then(() => undefined);
  const pid = child.pid ?? 0;
  const cleanup = async () => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone, as it should be.
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm run demo did not start:\n${output}`)), timeoutMs);
      const check = () => {
        const match = /listening on (http:\/\/\S+\/token)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      };
      child.stdout.on("data", check);
      void ended.then(() => {
        clearTimeout(timer);
        reject(new Error(`npm run demo ended:\n${output}`));
      });
    });
    return { url, pid, output: () => output, ended, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
