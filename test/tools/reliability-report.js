#!/usr/bin/env node
// @ts-check
// `npm run test:reliability`: runs the reliability tests (every `*.reliability.test.ts` and every other test
// file that records outcomes) with RELIABILITY_LOG set, and writes test/RELIABILITY.md from what
// they recorded. Exit 1 when a test failed, anything was lost or a category tried nothing; the
// report is written either way, showing why.
//
//   node test/tools/reliability-report.js [--out FILE] [--json FILE] [--no-runtimes] [--from-log LOG --from-json JSON...]
//
// --json          also keep vitest's JSON report of the main run there (.ci/run sums it)
// --no-runtimes   do not install Deno, Bun and the extra Nodes (.ci/install-runtimes) first: the
//                 Runtimes category then has only the Node running this script
// --from-log      build the report from an existing outcome log and vitest JSON report(s), running nothing
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ROOT } from "../helpers/root.js";
import { buildReport } from "./reliability-outcomes.js";

const HELPER = "test/helpers/reliability.ts";
const VITEST = join(ROOT, "node_modules/vitest/vitest.mjs");
// The Runtimes row of each extra Node is the in-process check of test/project/runtimes.test.ts.
const NODE_ONLY_TEST = "the library works on this Node";

/**
 * The test files to run: the reliability tier (every `*.reliability.test.ts`, see vitest.config.ts),
 * and every other test file that reaches recordOutcome() through its relative imports (directly or
 * through a helper). The suite-wide secret scan (a `setupFiles` entry) records outcomes in every
 * file, but does not pull the whole suite in: the Secrets category counts what these files expose.
 * @returns {Promise<string[]>} repository-relative paths, sorted
 */
export async function reliabilityTestFiles() {
  const testDir = join(ROOT, "test");
  const all = (await readdir(testDir, { recursive: true }))
    .map((f) => join("test", String(f)).split(sep).join("/"))
    .filter((f) => /\.(ts|js|mts)$/.test(f));
  /** @type {Map<string, string[]>} file -> the files it imports (relative specifiers only) */
  const imports = new Map();
  for (const file of all) {
    const text = await readFile(join(ROOT, file), "utf8");
    const targets = [];
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const target = join(dirname(file), /** @type {string} */ (match[1]))
        .split(sep)
        .join("/");
      targets.push(target.replace(/\.js$/, ".ts"), target);
    }
    imports.set(file, targets);
  }
  const reaching = new Set([HELPER]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [file, targets] of imports) {
      if (!reaching.has(file) && targets.some((t) => reaching.has(t))) {
        reaching.add(file);
        grew = true;
      }
    }
  }
  // Imported by every file through setupFiles: reaching it is not a reason to run a file here.
  reaching.delete("test/helpers/secret-scan.ts");
  for (let grew = true; grew; ) {
    grew = false;
    for (const file of reaching) {
      if (file !== HELPER && !(imports.get(file) ?? []).some((t) => reaching.has(t))) {
        reaching.delete(file);
        grew = true;
      }
    }
  }
  return all.filter((f) => /\.test\.ts$/.test(f) && (/\.reliability\.test\.ts$/.test(f) || reaching.has(f))).sort();
}

/**
 * Runs a command with inherited output; resolves to its exit code.
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @param {"inherit" | "pipe"} [stdout]
 * @returns {Promise<{ code: number, stdout: string }>}
 */
function run(command, args, env, stdout = "inherit") {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", stdout, "inherit"] });
    let out = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
    });
    child.on("error", (error) => {
      console.error(`${command}: ${error.message}`);
      done({ code: 127, stdout: out });
    });
    child.on("close", (code, signal) => done({ code: code ?? (signal ? 128 : 1), stdout: out }));
  });
}

/** @param {string} file */
async function readJson(file) {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch {
    return undefined;
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: join(ROOT, "test/RELIABILITY.md") },
      "no-runtimes": { type: "boolean", default: false },
      "from-log": { type: "string" },
      "from-json": { type: "string", multiple: true, default: [] },
      json: { type: "string" },
    },
  });
  const testFiles = await reliabilityTestFiles();
  const environment = [`Node ${process.version} (${process.platform}-${process.arch}) runs the reliability tests`];
  /** @type {string} */
  let log;
  /** @type {string[]} */
  let reports;
  /** @type {string | undefined} */
  let work;
  if (values["from-log"]) {
    log = values["from-log"];
    reports = values["from-json"];
  } else {
    work = await mkdtemp(join(tmpdir(), "reliability-"));
    log = join(work, "outcomes.jsonl");
    reports = [join(work, "vitest.json")];
    /** @type {Map<string, string>} */
    const bins = new Map();
    if (!values["no-runtimes"]) {
      const installed = await run("bash", [join(ROOT, ".ci/install-runtimes")], process.env, "pipe");
      for (const line of installed.stdout.split("\n")) {
        const [name, path] = line.split(" ");
        if (name && path) bins.set(name, path);
      }
      if (installed.code !== 0) console.error("reliability: some runtimes did not install; they will count as lost");
    }
    const env = {
      ...process.env,
      RELIABILITY_LOG: log,
      ...(values["no-runtimes"] ? {} : { REQUIRE_RUNTIMES: "deno,bun" }),
    };
    const reporters = ["--reporter=default", "--reporter=json"];
    await run(process.execPath, [VITEST, "run", ...reporters, `--outputFile.json=${reports[0]}`, ...testFiles], env);
    if (!values["no-runtimes"]) {
      // Every extra Node .ci/install-runtimes installed (node22, node24, node26, ...).
      for (const name of [...bins.keys()].filter((n) => /^node\d+$/.test(n)).sort()) {
        const bin = bins.get(name);
        const report = join(work, `vitest-${name}.json`);
        reports.push(report);
        if (!bin) {
          environment.push(`${name}: did not install (its run has no report)`);
          continue;
        }
        const nodeEnv = { ...env, PATH: `${dirname(bin)}:${process.env.PATH ?? ""}` };
        const version = (await run(bin, ["-v"], nodeEnv, "pipe")).stdout.trim();
        environment.push(`Node ${version} runs the in-process Runtimes check of \`test/project/runtimes.test.ts\``);
        const args = [VITEST, "run", ...reporters, `--outputFile.json=${report}`, "-t", NODE_ONLY_TEST];
        await run(bin, [...args, "test/project/runtimes.test.ts"], nodeEnv);
      }
    }
  }
  const { categories, problems, markdown } = buildReport({
    log: existsSync(log) ? await readFile(log, "utf8") : "",
    reports: await Promise.all(reports.map(readJson)),
    environment,
    command: "npm run test:reliability",
    testFiles,
  });
  if (values.json && reports[0] && existsSync(reports[0])) await copyFile(reports[0], resolve(values.json));
  const out = resolve(values.out);
  // Renamed into place, so an interrupted run leaves the previous report whole.
  const temporary = `${out}.${process.pid}.tmp`;
  await writeFile(temporary, markdown);
  await rename(temporary, out);
  if (work) await rm(work, { recursive: true, force: true });
  console.log(`\nwrote ${relative(process.cwd(), out) || out}`);
  for (const c of categories) console.log(`  ${c.name}: ${c.tried} tried, ${c.passed} passed, ${c.lost} lost`);
  if (problems.length > 0) {
    console.log(`\nreliability: FAIL`);
    for (const problem of problems) console.log(`  - ${problem}`);
    return 1;
  }
  console.log("\nreliability: PASS");
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main();
}
