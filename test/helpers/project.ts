import { spawn } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ROOT } from "./root.js";

export { ROOT };
/** The vendor spec shared with the project (absent outside the workplace: tests using it skip). */
export const VENDOR_SPEC = resolve(ROOT, "../shared/specs/authlete-api-3.0.16.yaml");
/** The newest published content of the same version: the revision `npm run upstream` is held to. */
export const VENDOR_SPEC_NEWEST = resolve(ROOT, "../shared/specs/authlete-api-3.0.16-2026-04-19.yaml");

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node scripts/generate.js` of this repository with `args`, from `cwd`. */
export function runGenerate(args: string[], cwd: string = ROOT): Promise<RunResult> {
  return runNode([join(ROOT, "scripts/generate.js"), ...args], cwd);
}

export function runNode(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return runCommand(process.execPath, args, { cwd, env });
}

export interface CommandOptions {
  cwd: string;
  /** The whole environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts `command` with its output collected as it comes (no stdin): the one way the tests spawn
 * a process, whether they wait for its end (`runCommand`) or watch and kill it while it runs.
 */
export function startProcess(command: string, args: string[], { cwd, env = process.env }: CommandOptions) {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return { child, stdout: () => stdout, stderr: () => stderr };
}

/** Runs `command` to its end, collecting its output and how long it took. */
export function runCommand(
  command: string,
  args: string[],
  options: CommandOptions,
): Promise<RunResult & { ms: number }> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const run = startProcess(command, args, options);
    run.child.on("error", fail);
    run.child.on("close", (code) =>
      done({ code, stdout: run.stdout(), stderr: run.stderr(), ms: Date.now() - started }),
    );
  });
}

/**
 * A throw-away copy of the project's spec, config and generated files, so a test can break them
 * without touching the repository.
 */
export async function copyProject(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "authlete-token-"));
  for (const entry of ["openapi", "generated", "redocly.yaml"]) {
    await cp(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
