// Temporary projects for the report tests: copies of openapi/ and redocly.yaml, never the repo's own files.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, type RunResult, runCommand } from "./project.js";

/** The paths file of the one operation, relative to the spec's directory. */
export const PATHS_FILE = "paths/api_{serviceId}_auth_token.yaml";

export interface ApiSpec {
  name: string;
  /** directory of the spec inside the project, e.g. "openapi" */
  dir: string;
  /** break the lint on purpose: drop the operationId and point a server at example.com */
  broken?: boolean;
}

/**
 * Creates a project in a temporary directory: one copy of the repo's spec per API and a
 * redocly.yaml with the repo's rules and these APIs. `git: true` commits it all.
 */
export async function makeProject(apis: ApiSpec[], { git = false } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "reports-test-"));
  for (const api of apis) {
    await cp(join(ROOT, "openapi"), join(dir, api.dir), { recursive: true });
    if (api.broken) await breakSpec(join(dir, api.dir));
  }
  const config = await readFile(join(ROOT, "redocly.yaml"), "utf8");
  const rules = config.slice(0, config.indexOf("\napis:"));
  const apiBlock = apis
    .map(
      (a) => `  ${a.name}:\n    root: ${a.dir}/openapi.yaml\n    x-openapi-ts:\n      output: generated/${a.name}.ts\n`,
    )
    .join("");
  await writeFile(join(dir, "redocly.yaml"), `${rules}\napis:\n${apiBlock}`);
  await mkdir(join(dir, "generated"), { recursive: true });
  if (git) {
    await runCommand("git", ["init", "-q", "-b", "main"], { cwd: dir });
    await runCommand("git", ["add", "-A"], { cwd: dir });
    await runCommand("git", ["-c", "user.email=test@example.org", "-c", "user.name=test", "commit", "-qm", "base"], {
      cwd: dir,
    });
  }
  return dir;
}

async function breakSpec(specDir: string): Promise<void> {
  await edit(join(specDir, PATHS_FILE), (s) => s.replace("  operationId: authTokenApi\n", ""));
  await edit(join(specDir, "openapi.yaml"), (s) => s.replace("https://us.authlete.com", "https://example.com"));
}

/** Rewrites a file of the fixture; fails when the edit changed nothing. */
export async function edit(file: string, change: (text: string) => string): Promise<void> {
  const before = await readFile(file, "utf8");
  const after = change(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  await writeFile(file, after);
}

/** 1-based line of the first line of `file` that contains `needle`. */
export async function lineOf(file: string, needle: string): Promise<number> {
  const lines = (await readFile(file, "utf8")).split("\n");
  const index = lines.findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`${needle} not in ${file}`);
  return index + 1;
}

/** Runs `node scripts/<script> ...args` of this repo in `cwd`. */
export function runScript(script: "generate.js" | "report.js", args: string[], cwd: string): Promise<RunResult> {
  return runCommand(process.execPath, [join(ROOT, "scripts", script), ...args], { cwd });
}

export async function removeProject(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
