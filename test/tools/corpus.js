// @ts-check
// Installs a corpus on demand: packages that only the parity test or the benchmark need (real
// third-party API descriptions, Authlete's official SDK) stay out of the project's devDependencies.
// Each corpus is a folder of test/corpus/ with a package.json and a package-lock.json of its own;
// `npm ci` installs it into a cache folder outside the project's node_modules (`.corpus/`,
// git-ignored, or CORPUS_CACHE), named after the lockfile's hash, so a second run reuses it and a
// changed lockfile gets a fresh install.
//
//   node test/tools/corpus.js specs bench   # install (or reuse) and print "name path-to-node_modules"
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ROOT } from "../helpers/root.js";

/** The corpora, each a folder of test/corpus/. */
export const CORPORA = /** @type {const} */ (["specs", "bench"]);

/** @typedef {(typeof CORPORA)[number]} Corpus */

/** Where a corpus is (or will be) installed: its node_modules folder, keyed by its lockfile's hash. */
export function corpusModules(/** @type {Corpus} */ name) {
  const lock = readFileSync(join(ROOT, "test/corpus", name, "package-lock.json"));
  const hash = createHash("sha256").update(lock).digest("hex").slice(0, 16);
  const cache = process.env.CORPUS_CACHE ? process.env.CORPUS_CACHE : join(ROOT, ".corpus");
  return join(cache, `${name}-${hash}`, "node_modules");
}

/**
 * Installs a corpus at its locked versions unless the cache already has it; resolves to its
 * node_modules folder. The install goes to a temporary folder renamed into place, so an
 * interrupted install is never taken for a finished one and two processes may install at once.
 * @param {Corpus} name
 * @returns {Promise<string>}
 */
export async function installCorpus(name) {
  const modules = corpusModules(name);
  const home = join(modules, "..");
  if (existsSync(join(home, ".installed"))) return modules;
  const partial = `${home}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  for (const file of ["package.json", "package-lock.json"]) {
    await copyFile(join(ROOT, "test/corpus", name, file), join(partial, file));
  }
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  // --ignore-scripts: these packages are data and a library imported by the benchmark, never run on install.
  const code = await new Promise((done) => {
    const child = spawn(npm, ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: partial,
      // npm's report goes to stderr: the caller's stdout may be data (the bench's child processes
      // print their results as JSON there).
      stdio: ["ignore", 2, "inherit"],
    });
    child.on("error", () => done(127));
    child.on("close", (status) => done(status ?? 1));
  });
  if (code !== 0) {
    await rm(partial, { recursive: true, force: true });
    throw new Error(`corpus ${name}: npm ci failed (exit ${code}) installing test/corpus/${name}/package-lock.json`);
  }
  // Resolves a bare specifier as an ESM import from inside the corpus (its own node_modules).
  await writeFile(
    join(partial, "resolve.mjs"),
    "export const resolve = (specifier) => import.meta.resolve(specifier);\n",
  );
  await writeFile(join(partial, ".installed"), `${new Date().toISOString()}\n`);
  try {
    await rename(partial, home);
  } catch (error) {
    // Another process finished the same install first: keep its copy.
    await rm(partial, { recursive: true, force: true });
    if (!existsSync(join(home, ".installed"))) throw error;
  }
  return modules;
}

/**
 * The file URL that `import(specifier)` would load from inside an installed corpus (ESM
 * conditions, the package's exports map).
 * @param {Corpus} name
 * @param {string} specifier
 * @returns {Promise<string>}
 */
export async function resolveInCorpus(name, specifier) {
  const modules = await installCorpus(name);
  const { resolve } = await import(pathToFileURL(join(modules, "..", "resolve.mjs")).href);
  return resolve(specifier);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !(/** @type {readonly string[]} */ (CORPORA).includes(n)));
  if (names.length === 0 || unknown.length > 0) {
    console.error(
      `usage: node test/tools/corpus.js ${CORPORA.join("|")}...${unknown.length ? ` (unknown: ${unknown.join(", ")})` : ""}`,
    );
    process.exitCode = 2;
  } else {
    for (const name of names) console.log(`${name} ${await installCorpus(/** @type {Corpus} */ (name))}`);
  }
}
