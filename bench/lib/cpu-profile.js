// @ts-check
// Runs a Node command under `node --cpu-prof` and summarises where the CPU time went: self time by
// package (or project file) and the hottest functions. Node writes one profile per thread, so
// worker threads are included, and `child_process.fork` passes the flag on to forked children.
// (Node 20 refuses --cpu-prof in NODE_OPTIONS, so the flag goes on the command line.)
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
 * @property {number} loadingMs self time in Node's module loaders and the CJS export lexer
 */

/**
 * @param {string} url
 * @param {string} root
 */
function owner(url, root) {
  if (!url) return "(native / V8)";
  if (url.startsWith("node:")) return `node: ${url.slice(5)}`;
  const path = url.replace(/^file:\/\//, "");
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (match) {
    const all = [...path.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
    return `npm: ${(all[all.length - 1] ?? match)[1]}`;
  }
  return `project: ${relative(root, path).replace(/^\.tmp\/bench-build-[^/]+\//, "(build of) ")}`;
}

/**
 * @param {{ cmd: string, args: string[], cwd?: string, env?: NodeJS.ProcessEnv }} step a `node` command
 * @param {string} root the repository root, to name project files
 * @returns {Promise<ProfileSummary>}
 */
export async function profileCommand(step, root) {
  const dir = await mkdtemp(join(tmpdir(), "bench-prof-"));
  try {
    if (step.cmd !== process.execPath) throw new Error(`can only profile node commands, not ${step.cmd}`);
    await new Promise((done, fail) => {
      const child = spawn(step.cmd, ["--cpu-prof", `--cpu-prof-dir=${dir}`, ...step.args], {
        cwd: step.cwd,
        env: step.env ?? process.env,
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (c) => {
        stderr = (stderr + c).slice(-2000);
      });
      child.on("error", fail);
      child.on("close", (code) =>
        code === 0 ? done(undefined) : fail(new Error(`profiled run exited ${code}: ${stderr}`)),
      );
    });
    /** @type {Map<string, number>} */
    const packages = new Map();
    /** @type {Map<string, number>} */
    const functions = new Map();
    let totalMs = 0;
    let loadingMs = 0;
    const files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile"));
    if (files.length === 0) throw new Error("the profiled run wrote no .cpuprofile");
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
        if (/^node:internal\/(modules\/|deps\/cjs-module-lexer)/.test(frame.url)) loadingMs += ms;
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
    return { totalMs, loadingMs, profiles: files.length, byPackage: top(packages, 8), topFunctions: top(functions, 8) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
