// @ts-check
// The generator's heavy dependencies (Redocly's openapi-core 2 for config and lint,
// openapi-typescript with TypeScript and its own openapi-core 1 for types), loaded once and fast.
//
// Imported the plain way they cost most of a run on a small spec: Node's loaders walk hundreds of
// files, scan TypeScript's 9 MB file for its CommonJS exports and compile everything from source.
// So the first run bundles them with esbuild (in its own process, while this one works with plain
// imports) into one file under node_modules/.cache/authlete-token/; the next run loads that file
// and asks V8 for a code cache of everything it compiled, stored in the same file; runs after that
// start from the code cache. The file names what it was built from (the lockfile, the packages'
// versions, Node and V8, this file's own code) and holds checksums: anything stale, corrupt,
// unreadable or unwritable means plain imports, which load the very same files, so the output
// never depends on the cache. A note is printed when the cache cannot be written.
//
// `AUTHLETE_TOKEN_CACHE` moves the cache to another folder, or `off` turns it off.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";
import { writeFileAtomic } from "../write/atomic-write.js";

/**
 * @typedef {object} Deps
 * @property {typeof import("@redocly/openapi-core")} core openapi-core 2: config, lint, bundle
 * @property {typeof import("openapi-typescript")} ots
 * @property {typeof import("@redocly/openapi-core")} otsCore openapi-typescript's own openapi-core (1):
 *   its config type, same interface for what is used here
 * @property {"plain" | "bundle" | "code cache"} via how they were loaded
 */

const PROJECT = fileURLToPath(new URL("../../../", import.meta.url));
const CACHE_FILE = "deps.bin";
const WRAPPER_START = "(function (exports, require, module, __filename, __dirname, __importMetaUrl) {";
const WRAPPER_END = "\n})";

/** The entry points, resolved exactly as plain imports resolve them. */
function entryPoints() {
  const ots = fileURLToPath(import.meta.resolve("openapi-typescript"));
  return {
    core: fileURLToPath(import.meta.resolve("@redocly/openapi-core")),
    ots,
    otsCore: createRequire(ots).resolve("@redocly/openapi-core"),
  };
}

/** The cache folder, or undefined when the cache is off. */
function cacheDir() {
  const setting = process.env.AUTHLETE_TOKEN_CACHE;
  if (setting === "off") return undefined;
  return setting ? resolve(setting) : join(PROJECT, "node_modules", ".cache", "authlete-token");
}

/**
 * What the bundle and its code cache depend on: a change to any of it makes the cache stale.
 * @param {ReturnType<typeof entryPoints>} entries
 */
function cacheKey(entries) {
  const hash = createHash("sha256");
  hash.update(`${process.version} ${process.versions.v8} ${process.arch}\n`);
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  for (const file of [join(PROJECT, "package-lock.json"), ...Object.values(entries).map(packageJsonOf)]) {
    hash.update(`${file}\n`);
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update("missing\n");
    }
  }
  return hash.digest("hex");
}

/**
 * The package.json of the package a file belongs to.
 * @param {string} file
 */
function packageJsonOf(file) {
  let dir = dirname(file);
  for (;;) {
    const candidate = join(dir, "package.json");
    try {
      if (JSON.parse(readFileSync(candidate, "utf8")).name) return candidate;
    } catch {
      // no package.json here, or one without a name (a "type" marker)
    }
    const parent = dirname(dir);
    if (parent === dir) return file;
    dir = parent;
  }
}

/** @type {Promise<Deps> | undefined} */
let loading;
/** What `finishCache` still has to do. @type {(() => Promise<void>) | undefined} */
let pendingWrite;
let noted = false;

/**
 * The heavy dependencies, loaded once per process.
 * @returns {Promise<Deps>}
 */
export function loadDeps() {
  loading ??= load();
  return loading;
}

/** @returns {Promise<Deps>} */
async function load() {
  const entries = entryPoints();
  const dir = cacheDir();
  if (dir === undefined) return plain(entries);
  const file = join(dir, CACHE_FILE);
  const key = cacheKey(entries);
  const stored = await readCache(file, key);
  if (stored) {
    try {
      const { deps, script } = run(stored.code, stored.cache, file);
      if (stored.cache && !script.cachedDataRejected) return { ...deps, via: "code cache" };
      // First load of a fresh bundle (or V8 turned the code cache down): once the run has
      // compiled what it uses, store that as the code cache.
      pendingWrite = () => writeCache(file, key, stored.code, script.createCachedData());
      return { ...deps, via: "bundle" };
    } catch {
      // A bundle that does not run is rebuilt; this run goes on with plain imports.
    }
  }
  const building = build(entries);
  building.catch(() => {});
  pendingWrite = async () => writeCache(file, key, await building, undefined);
  return plain(entries);
}

/**
 * @param {ReturnType<typeof entryPoints>} entries
 * @returns {Promise<Deps>}
 */
async function plain(entries) {
  const [core, ots] = await Promise.all([import("@redocly/openapi-core"), import("openapi-typescript")]);
  return { core, ots, otsCore: createRequire(entries.ots)("@redocly/openapi-core"), via: "plain" };
}

/**
 * Reads and checks the cache file: the right key, both parts whole.
 * @param {string} file
 * @param {string} key
 * @returns {Promise<{ code: Buffer, cache: Buffer | undefined } | undefined>}
 */
async function readCache(file, key) {
  const bytes = await readFile(file).catch(() => undefined);
  if (!bytes) return undefined;
  try {
    const end = bytes.indexOf(10);
    const header = JSON.parse(bytes.subarray(0, end).toString("utf8"));
    if (header.key !== key) return undefined;
    const code = bytes.subarray(end + 1, end + 1 + header.codeLength);
    const cache = header.cacheLength > 0 ? bytes.subarray(end + 1 + header.codeLength) : undefined;
    if (code.length !== header.codeLength || (cache?.length ?? 0) !== header.cacheLength) return undefined;
    if (sha256(code) !== header.codeSha256 || (cache && sha256(cache) !== header.cacheSha256)) return undefined;
    return { code, cache };
  } catch {
    return undefined;
  }
}

/** @param {Uint8Array} bytes */
function sha256(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Runs the bundle, with the code cache when there is one.
 * @param {Buffer} code
 * @param {Buffer | undefined} cachedData
 * @param {string} file
 */
function run(code, cachedData, file) {
  // esbuild writes ASCII only (non-ASCII is escaped), so latin1 decodes it, faster than UTF-8.
  const script = new vm.Script(code.toString("latin1"), {
    filename: file,
    cachedData,
    // A config plugin is loaded with import(): the usual loader, as without the bundle.
    importModuleDynamically: /** @type {any} */ (vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER),
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href);
  const deps = /** @type {Omit<Deps, "via">} */ (module.exports);
  if (!deps.core?.lint || !deps.ots?.default || !deps.otsCore?.createConfig) throw new Error("incomplete bundle");
  return { deps, script };
}

/**
 * Bundles the three entry points into one CommonJS function body with esbuild (a separate process).
 * @param {ReturnType<typeof entryPoints>} entries
 * @returns {Promise<Buffer>}
 */
async function build(entries) {
  const esbuild = await import("esbuild");
  const contents = Object.entries(entries)
    .map(([name, file]) => `export * as ${name} from ${JSON.stringify(file)};`)
    .join("\n");
  const result = await esbuild.build({
    stdin: { contents, resolveDir: PROJECT, sourcefile: "deps-entry.js", loader: "js" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    // No keepNames: its __name() calls run wherever a closure is made, in the lint's hot loops too
    // (measured 45 % slower); nothing here reads a function's name.
    define: { "import.meta.url": "__importMetaUrl" },
    banner: { js: WRAPPER_START },
    footer: { js: WRAPPER_END },
    write: false,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error("esbuild wrote nothing");
  return Buffer.from(output.contents);
}

/**
 * Writes the cache file: a JSON header line, the bundle, the code cache.
 * @param {string} file
 * @param {string} key
 * @param {Buffer} code
 * @param {Buffer | undefined} cache
 */
async function writeCache(file, key, code, cache) {
  const header = {
    key,
    codeLength: code.length,
    codeSha256: sha256(code),
    cacheLength: cache?.length ?? 0,
    cacheSha256: cache ? sha256(cache) : "",
  };
  await mkdir(dirname(file), { recursive: true });
  const bytes = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), code, cache ?? Buffer.alloc(0)]);
  // No fsync: the checksums turn a file torn by a power cut into a cache miss.
  await writeFileAtomic(file, bytes, { durable: false });
}

/**
 * Stores what this run prepared for the next one (the bundle, or its code cache), if anything.
 * Never fails: a cache that cannot be written is a note, not an error.
 */
export async function finishCache() {
  const write = pendingWrite;
  pendingWrite = undefined;
  if (!write) return;
  try {
    await write();
  } catch (error) {
    if (noted) return;
    noted = true;
    const dir = cacheDir() ?? "";
    const why = /** @type {{ code?: unknown }} */ (error).code ?? (error instanceof Error ? error.message : error);
    console.error(
      `note: the dependency cache ${relative(process.cwd(), dir) || dir} could not be written (${String(why)}); the generator works without it, only slower to start`,
    );
  }
}
