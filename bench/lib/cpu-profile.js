// @ts-check
// Runs a command under `node --cpu-prof` (through NODE_OPTIONS, so it reaches every Node process
// and worker the command starts, whatever it is) and summarises where the CPU time went: self
// time by package (or project file) and the hottest functions.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

/**
 * @typedef {object} ProfileSummary
 * @property {number} totalMs sampled time over every profile written
 * @property {number} profiles how many processes/threads wrote a profile
 * @property {Array<{ name: string, ms: number, share: number }>} byPackage
 * @property {Array<{ name: string, ms: number, share: number }>} topFunctions
 */

/**
 * @param {string} url
 * @param {string} root
 */
function owner(url, root) {
  if (!url) return "(native / V8)";
  if (url.startsWith("node:")) return "node: built-ins (module loader, streams, …)";
  const path = url.replace(/^file:\/\//, "");
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (match) {
    const all = [...path.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
    return `npm: ${(all[all.length - 1] ?? match)[1]}`;
  }
  return `project: ${relative(root, path)}`;
}

/**
 * @param {{ cmd: string, args: string[], cwd?: string, env?: NodeJS.ProcessEnv }} step
 * @param {string} root the repository root, to name project files
 * @returns {Promise<ProfileSummary>}
 */
export async function profileCommand(step, root) {
  const dir = await mkdtemp(join(tmpdir(), "bench-prof-"));
  try {
    const env = {
      ...(step.env ?? process.env),
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --cpu-prof --cpu-prof-dir=${dir}`.trim(),
    };
    await new Promise((done, fail) => {
      const child = spawn(step.cmd, step.args, { cwd: step.cwd, env, stdio: "ignore" });
      child.on("error", fail);
      child.on("close", done);
    });
    /** @type {Map<string, number>} */
    const packages = new Map();
    /** @type {Map<string, number>} */
    const functions = new Map();
    let totalMs = 0;
    const files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile"));
    for (const file of files) {
      const profile = JSON.parse(await readFile(join(dir, file), "utf8"));
      /** @type {Map<number, { functionName: string, url: string, lineNumber: number }>} */
      const frames = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n.callFrame]));
      const samples = /** @type {number[]} */ (profile.samples);
      const deltas = /** @type {number[]} */ (profile.timeDeltas);
      for (let i = 0; i < samples.length; i++) {
        const frame = frames.get(/** @type {number} */ (samples[i]));
        const ms = (deltas[i] ?? 0) / 1000;
        if (!frame || frame.functionName === "(idle)") continue;
        totalMs += ms;
        const special = frame.functionName.startsWith("(") ? frame.functionName : undefined;
        const pkg = special ?? owner(frame.url, root);
        packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
        const fn =
          special ??
          `${frame.functionName || "(anonymous)"} (${owner(frame.url, root).replace(/^\w+: /, "")}:${frame.lineNumber + 1})`;
        functions.set(fn, (functions.get(fn) ?? 0) + ms);
      }
    }
    /** @param {Map<string, number>} map @param {number} n */
    const top = (map, n) =>
      [...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([name, ms]) => ({ name, ms, share: totalMs > 0 ? ms / totalMs : 0 }));
    return { totalMs, profiles: files.length, byPackage: top(packages, 8), topFunctions: top(functions, 8) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
