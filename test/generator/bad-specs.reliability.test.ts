// The bad-spec corpus (test/fixtures/bad-specs/<case>/, see its README.md): every broken input gets
// its exit code and a message naming file and line, no stack trace unless --verbose, and loses
// nothing: every file of the project (generated/, reports/ from a good run, the spec) byte-identical
// and no temporary file left; the same again with --check for one case of each kind.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chmod, cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../helpers/http-server.js";
import { copyProject, ROOT, type RunResult, runCommand } from "../helpers/project.js";
import { recordOutcome } from "../helpers/reliability.js";

const CORPUS = join(ROOT, "test/fixtures/bad-specs");
const HELPERS = join(ROOT, "test/helpers");
const GENERATE = join(ROOT, "scripts/generate.js");
const CATEGORY = "Pipeline: bad specs";
const STACK = /\n\s+at .+:\d+:\d+/;

interface Expected {
  description: string;
  exit: number;
  /** a regular expression stderr must match */
  message?: string;
  /** the file the message must name, relative to the project (as printed) */
  file?: string;
  line?: number;
  args?: string[];
  /** the root file in the spec folder, when not openapi.yaml */
  root?: string;
  /** "project": keep the project's own spec instead of the case's files */
  spec?: "project";
  /** built at run time: deep-nesting, huge-spec, loopback, read-only, disk-full */
  build?: string;
  /** --verbose: a stack trace is expected */
  stack?: boolean;
  /** a valid input: must generate (exit 0), with this text in the output */
  generates?: boolean;
  contains?: string;
}

interface Case {
  name: string;
  expected: Expected;
}

const cases: Case[] = readdirSync(CORPUS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith("_"))
  .map((entry) => entry.name)
  .sort()
  .map((name) => ({
    name,
    expected: JSON.parse(readFileSync(join(CORPUS, name, "expected.json"), "utf8")) as Expected,
  }));

/** Two generator processes at a time: the machine has two shared cores. */
function pool(size: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= size) await new Promise<void>((go) => waiting.push(go));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
const slot = pool(2);

interface RunOptions {
  env?: NodeJS.ProcessEnv;
  preload?: string[];
  /** Run without the capability that lets root write past permission bits. */
  obeyPermissions?: boolean;
}

function run(args: string[], cwd: string, options: RunOptions = {}): Promise<RunResult & { ms: number }> {
  const preload = (options.preload ?? []).flatMap((file) => ["--import", file]);
  const node = [process.execPath, ...preload, GENERATE, ...args];
  // setpriv (util-linux) removes CAP_DAC_OVERRIDE from the child's bounding set, so the kernel
  // checks root's writes against the permission bits like anyone's. The child stays root and can
  // still read the checkout wherever it is (another user could not enter a private folder).
  const [command = "", ...rest] = options.obeyPermissions
    ? ["setpriv", "--bounding-set", "-dac_override", "--", ...node]
    : node;
  return runCommand(command, rest, { cwd, env: { ...process.env, ...options.env } });
}

/** Every file under `dir` (path relative to it → SHA-256), node_modules aside. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(
      relative(dir, path),
      createHash("sha256")
        .update(await readFile(path))
        .digest("hex"),
    );
  }
  return files;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [path, hash] of before) if (after.get(path) !== hash) changed.push(path);
  for (const path of after.keys()) if (!before.has(path)) changed.push(path);
  return changed.sort();
}

const LINT_REPORTS = ["lint.json", "lint.junit.xml", "lint.md", "lint.sarif"].map((f) => `reports/authlete-token/${f}`);

let template: { dir: string; cleanup: () => Promise<void> };
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  // The project as a user has it: committed generated/, plus the reports of a good run.
  template = await copyProject();
  const good = await run([], template.dir);
  expect(good.code, good.stderr).toBe(0);
  expect(existsSync(join(template.dir, LINT_REPORTS[0] ?? ""))).toBe(true);
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await template?.cleanup();
});

/** A copy of the template with the case's spec (and config) in place of the project's. */
async function prepare(testCase: Case): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `bad-spec-${testCase.name}-`));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(template.dir, dir, { recursive: true, verbatimSymlinks: true });
  const source = join(CORPUS, testCase.name);
  const { expected } = testCase;
  if (expected.spec !== "project") {
    await rm(join(dir, "openapi"), { recursive: true, force: true });
    await cp(source, join(dir, "openapi"), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (from) => !/(^|\/)(expected\.json|redocly\.yaml)$/.test(relative(source, from)),
    });
  }
  if (existsSync(join(source, "redocly.yaml"))) await cp(join(source, "redocly.yaml"), join(dir, "redocly.yaml"));
  if (expected.root) {
    const config = await readFile(join(dir, "redocly.yaml"), "utf8");
    await writeFile(
      join(dir, "redocly.yaml"),
      config.replace("root: openapi/openapi.yaml", `root: openapi/${expected.root}`),
    );
  }
  await withoutRequestSchemas(dir);
  return dir;
}

/**
 * The corpus's specs are not Authlete's API, so the fake's request schemas (derived from its
 * operations, checked by test/testing/request-validation.test.ts) are not asked for.
 */
async function withoutRequestSchemas(dir: string): Promise<void> {
  const path = join(dir, "redocly.yaml");
  if (!existsSync(path)) return;
  const config = await readFile(path, "utf8");
  const stripped = config.replace(
    /\n[ \t]*# The request schemas[^\n]*\n[ \t]*x-authlete-token:\n[ \t]*request-schemas: [^\n]*/,
    "",
  );
  if (stripped.includes("request-schemas:"))
    throw new Error("redocly.yaml asks for request schemas in a form this test does not know");
  await writeFile(path, stripped);
}

/** The base spec with `text` inserted as the first property of the Thing schema (line 59). */
async function withThingProperty(dir: string, text: string): Promise<void> {
  const base = await readFile(join(CORPUS, "_base.yaml"), "utf8");
  const anchor = "      description: A thing.\n      properties:\n";
  expect(base).toContain(anchor);
  await writeFile(join(dir, "openapi/openapi.yaml"), base.replace(anchor, `${anchor}${text}\n`));
}

/** Builders of the inputs that cannot be committed files, and of the conditions around them. */
const builders: Record<string, (dir: string, options: RunOptions) => Promise<() => Promise<Record<string, unknown>>>> =
  {
    "deep-nesting": async (dir) => {
      let schema: unknown = { type: "string", minLength: 1, description: "the bottom" };
      for (let depth = 1000; depth >= 1; depth--) {
        schema = { type: "object", description: `level ${depth}`, properties: { child: schema } };
      }
      await withThingProperty(dir, `        deep: ${JSON.stringify(schema)}`);
      return async () => ({});
    },
    "huge-spec": async (dir) => {
      await writeFile(join(dir, "openapi/openapi.yaml"), await hugeSpec());
      return async () => ({});
    },
    loopback: async (dir) => {
      const server = await startServer((_request, response) => {
        response.setHeader("content-type", "application/yaml");
        response.end(THING_YAML);
      });
      const file = join(dir, "openapi/openapi.yaml");
      await writeFile(file, (await readFile(file, "utf8")).replace("{{LOOPBACK}}", server.url));
      return async () => {
        await server.close();
        expect(server.requests, "no request may reach the server").toEqual([]);
        return { hits: server.requests.length };
      };
    },
    "read-only": async (dir, options) => {
      // Root writes past permission bits; as root the generator runs without that capability.
      const asRoot = process.getuid?.() === 0;
      if (asRoot) options.obeyPermissions = true;
      for (const sub of ["generated", "reports", "reports/authlete-token"]) await chmod(join(dir, sub), 0o555);
      for (const file of await readdir(join(dir, "generated"))) await chmod(join(dir, "generated", file), 0o444);
      return async () => {
        for (const sub of ["generated", "reports", "reports/authlete-token"]) await chmod(join(dir, sub), 0o755);
        return { writer: asRoot ? "root without CAP_DAC_OVERRIDE" : "owner" };
      };
    },
    "generated-is-file": async (dir) => {
      await rm(join(dir, "generated"), { recursive: true });
      await writeFile(join(dir, "generated"), "not a folder\n");
      return async () => ({});
    },
    "disk-full": async (_dir, options) => {
      options.preload = [...(options.preload ?? []), join(HELPERS, "fail-writes.mjs")];
      options.env = { ...options.env, FAIL_WRITES_CODE: "ENOSPC" };
      return async () => ({});
    },
  };

const THING_YAML = `type: object
description: A thing from afar.
properties:
  label:
    type: string
    minLength: 1
    description: Its label.
`;

let huge: Promise<string> | undefined;
/** About 50 MB: the base spec with a description of 500,000 lines. */
function hugeSpec(): Promise<string> {
  huge ??= readFile(join(CORPUS, "_base.yaml"), "utf8").then((base) => {
    const line = "    Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut.\n";
    const lines = Math.ceil((50 * 1024 * 1024) / line.length);
    const old = "  description: A small spec that passes the project's lint rules.\n";
    expect(base).toContain(old);
    return base.replace(old, `  description: |\n${line.repeat(lines)}`);
  });
  return huge;
}

describe("the bad-spec corpus", () => {
  it("has at least 25 cases, each with a description, an exit code and a message or an output to check", () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const { name, expected } of cases) {
      expect(expected.description, name).toBeTruthy();
      expect([0, 1, 2], name).toContain(expected.exit);
      expect(expected.message ?? expected.contains, name).toBeTruthy();
      if (expected.build) expect(Object.keys(builders), name).toContain(expected.build);
    }
  });
});

describe.concurrent("npm run generate on a bad spec", () => {
  it.each(cases)("$name", { timeout: 300_000 }, async (testCase) => {
    const { expected } = testCase;
    const dir = await prepare(testCase);
    const options: RunOptions = {};
    const finish = expected.build ? await builders[expected.build]?.(dir, options) : undefined;
    const before = await snapshot(dir);
    const args = expected.args ?? [];
    const result = await slot(() => run(args, dir, options));
    let extra: Record<string, unknown> = {};
    let lost: string[] | undefined;
    let changed: string[] = [];
    let temps: string[] = [];
    let ok = false;
    try {
      // The builder's own checks first (the loopback server must have had no request).
      if (finish) extra = await finish();
      const after = await snapshot(dir);
      changed = changes(before, after);
      temps = [...after.keys()].filter((f) => /\.tmp$/.test(f));
      expect(result.code, result.stderr).toBe(expected.exit);
      if (expected.message) expect(result.stderr).toMatch(new RegExp(expected.message));
      if (expected.file) {
        const where = expected.line === undefined ? expected.file : `${expected.file}:${expected.line}:`;
        expect(result.stderr).toContain(where);
      }
      if (expected.stack) expect(result.stderr).toMatch(STACK);
      else expect(result.stderr).not.toMatch(STACK);
      expect(temps, "temporary files left behind").toEqual([]);
      if (expected.generates) {
        const output = await readFile(join(dir, "generated/authlete-token.ts"), "utf8");
        expect(output).toContain(expected.contains ?? "");
        // Only the output and its reports may change, and a second look finds it up to date.
        lost = changed.filter((f) => f !== "generated/authlete-token.ts" && !LINT_REPORTS.includes(f));
        const check = await slot(() => run(["--check"], dir));
        expect(check.code, check.stderr).toBe(0);
      } else {
        lost = changed; // a failed run changes no file at all, reports included
      }
      expect(lost, "files changed by a failed run").toEqual([]);
      ok = true;
    } finally {
      recordOutcome({
        category: CATEGORY,
        name: expected.description,
        tried: 1,
        passed: ok ? 1 : 0,
        lost: (lost ?? changed).length + temps.length,
        ...(Object.keys(extra).length > 0 ? { note: JSON.stringify(extra) } : {}),
      });
    }
  });
});

describe.concurrent("npm run generate -- --check on a bad spec writes nothing at all", () => {
  // One case of each kind (a full second pass over the corpus would double the file's runtime):
  // a parse error, a lint error, refused refs, bad bytes, the size cap, config and usage errors.
  const CHECKED = [
    "duplicate-keys",
    "invalid-json",
    "wrong-type",
    "dangling-local-ref",
    "ref-escapes-folder",
    "remote-ref-https",
    "non-utf8",
    "config-cap-too-small",
    "config-invalid-yaml",
    "config-output-outside-repo",
    "swagger-2",
    "empty-file",
  ];
  const checked = cases.filter(({ name }) => CHECKED.includes(name));
  it("checks every case it names", () => expect(checked.map((c) => c.name).sort()).toEqual([...CHECKED].sort()));
  it.each(checked)("$name", { timeout: 300_000 }, async (testCase) => {
    const { expected } = testCase;
    const dir = await prepare(testCase);
    const before = await snapshot(dir);
    const result = await slot(() => run(["--check", ...(expected.args ?? [])], dir));
    const changed = changes(before, await snapshot(dir));
    let ok = false;
    try {
      expect(result.code, result.stderr).toBe(expected.exit);
      if (expected.message) expect(result.stderr).toMatch(new RegExp(expected.message));
      if (!expected.stack) expect(result.stderr).not.toMatch(STACK);
      expect(changed, "files changed by --check").toEqual([]);
      ok = true;
    } finally {
      recordOutcome({
        category: CATEGORY,
        name: `${expected.description} (--check)`,
        tried: 1,
        passed: ok ? 1 : 0,
        lost: changed.length,
      });
    }
  });
});

describe("remote refs", () => {
  it("are fetched only when allowed: --allow-remote-refs reaches the loopback server the default never touches", async () => {
    const testCase = cases.find((c) => c.name === "remote-ref-http");
    if (!testCase) throw new Error("remote-ref-http case missing");
    const dir = await prepare(testCase);
    const server = await startServer((_request, response) => {
      response.setHeader("content-type", "application/yaml");
      response.end(THING_YAML);
    });
    try {
      const file = join(dir, "openapi/openapi.yaml");
      await writeFile(file, (await readFile(file, "utf8")).replace("{{LOOPBACK}}", server.url));
      const refused = await slot(() => run([], dir));
      expect(refused.code).toBe(1);
      expect(server.requests).toHaveLength(0);
      const allowed = await slot(() => run(["--allow-remote-refs"], dir));
      expect(server.requests.length, allowed.stderr).toBeGreaterThan(0);
      expect(server.requests.every((r) => r.url === "/Gadget.yaml")).toBe(true);
      expect(allowed.code, allowed.stderr).toBe(0);
      expect(await readFile(join(dir, "generated/authlete-token.ts"), "utf8")).toMatch(/label\??: string/);
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe("remote refs under the size cap", () => {
  /** The remote-ref-http case with its {{LOOPBACK}} pointing at `url`. */
  async function remoteCase(url: string): Promise<string> {
    const testCase = cases.find((c) => c.name === "remote-ref-http");
    if (!testCase) throw new Error("remote-ref-http case missing");
    const dir = await prepare(testCase);
    const file = join(dir, "openapi/openapi.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("{{LOOPBACK}}", url));
    return dir;
  }

  async function recorded(name: string, body: () => Promise<string>) {
    let ok = false;
    let note = "did not finish";
    try {
      note = await body();
      ok = true;
    } finally {
      recordOutcome({ category: CATEGORY, name, tried: 1, passed: ok ? 1 : 0, lost: 0, note });
    }
  }

  it("a gzip bomb (200 MiB of zeros) behind --allow-remote-refs is refused in one line, in little memory", async () => {
    await recorded("remote $ref gzip bomb (200 MiB inflated) over a 1 MB cap: peak memory", async () => {
      // ~200 KB on the wire, 200 MiB once inflated.
      const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 });
      const server = await startServer((_request, response) => {
        response.setHeader("content-type", "application/yaml");
        response.setHeader("content-encoding", "gzip");
        response.end(bomb);
      });
      try {
        const dir = await remoteCase(server.url);
        const rssFile = join(dir, "max-rss");
        const result = await slot(() =>
          run(["--allow-remote-refs", "--max-spec-size", "1MB"], dir, {
            preload: [join(HELPERS, "report-max-rss.mjs")],
            env: { MAX_RSS_FILE: rssFile },
          }),
        );
        const maxRssMb = Math.round(Number(await readFile(rssFile, "utf8")) / 1024);
        expect(result.code, result.stderr).toBe(1);
        expect(server.requests.length).toBeGreaterThan(0);
        expect(result.stderr).toMatch(/Gadget\.yaml is too large: over the 1 MB limit \(after decompression/);
        expect(result.stderr).not.toMatch(STACK);
        // About what any run costs (Redocly and TypeScript loaded); the unbounded read took over 1 GB.
        expect(maxRssMb).toBeLessThan(350);
        return `peak RSS ${maxRssMb} MB, ${result.ms} ms`;
      } finally {
        await server.close();
      }
    });
  }, 120_000);

  it("redirects are followed only under the same rules: the cap applies after them, a loop or a scheme change is refused", async () => {
    await recorded("remote $ref redirects: capped, bounded, no scheme change", async () => {
      const big = `${THING_YAML}\n# ${"x".repeat(2 * 1024 * 1024)}\n`;
      const server = await startServer((request, response) => {
        const path = request.url ?? "";
        if (path.endsWith("/Gadget.yaml") && path.startsWith("/big/")) {
          response.statusCode = 302;
          response.setHeader("location", "/payload/big.yaml");
        } else if (path === "/payload/big.yaml") {
          response.setHeader("content-type", "application/yaml");
          response.end(big);
          return;
        } else if (path.startsWith("/loop/")) {
          response.statusCode = 307;
          response.setHeader("location", path);
        } else if (path.startsWith("/file/")) {
          response.statusCode = 301;
          response.setHeader("location", "file:///etc/passwd");
        } else if (path.startsWith("/ok/")) {
          response.statusCode = 308;
          response.setHeader("location", "/payload/thing.yaml");
        } else {
          response.setHeader("content-type", "application/yaml");
          response.end(THING_YAML);
          return;
        }
        response.end();
      });
      try {
        const outcomes: string[] = [];
        for (const [prefix, message] of [
          ["big", /too large: over the 1 MB limit/],
          ["loop", /more than 5 redirects: refused/],
          ["file", /redirected to file: URL: refused/],
        ] as const) {
          const dir = await remoteCase(`${server.url}/${prefix}`);
          const result = await slot(() => run(["--allow-remote-refs", "--max-spec-size", "1MB"], dir));
          expect(result.code, result.stderr).toBe(1);
          expect(result.stderr).toMatch(message);
          expect(result.stderr).not.toMatch(STACK);
          outcomes.push(prefix);
        }
        const dir = await remoteCase(`${server.url}/ok`);
        const followed = await slot(() => run(["--allow-remote-refs"], dir));
        expect(followed.code, followed.stderr).toBe(0);
        expect(await readFile(join(dir, "generated/authlete-token.ts"), "utf8")).toMatch(/label\??: string/);
        return `refused: ${outcomes.join(", ")}; followed: one 308`;
      } finally {
        await server.close();
      }
    });
  }, 180_000);
});

describe("a 50 MB spec", () => {
  async function measured(args: string[]) {
    const testCase: Case = { name: "huge", expected: { description: "", exit: 0, spec: "project" } };
    const dir = await prepare(testCase);
    await writeFile(join(dir, "openapi/openapi.yaml"), await hugeSpec());
    const rssFile = join(dir, "max-rss");
    const result = await slot(() =>
      run(args, dir, { preload: [join(HELPERS, "report-max-rss.mjs")], env: { MAX_RSS_FILE: rssFile } }),
    );
    const maxRssMb = Math.round(Number(await readFile(rssFile, "utf8")) / 1024);
    return { dir, result, maxRssMb };
  }

  /** Runs the checks, then records the row whether they passed or not. */
  async function recorded(name: string, run: () => Promise<{ maxRssMb: number; ms: number }>) {
    let ok = false;
    let note = "did not finish";
    try {
      const { maxRssMb, ms } = await run();
      note = `peak RSS ${maxRssMb} MB, ${ms} ms`;
      ok = true;
    } finally {
      recordOutcome({ category: CATEGORY, name, tried: 1, passed: ok ? 1 : 0, lost: 0, note });
    }
  }

  it("over the cap: refused before it is read, in little memory", async () => {
    await recorded("50 MB spec over a 10 MB cap: peak memory", async () => {
      const { result, maxRssMb } = await measured(["--max-spec-size", "10MB"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/openapi\/openapi\.yaml is too large: \d+ MB, over the 10 MB limit/);
      // The file is never loaded: about what any run costs (Redocly and TypeScript loaded), far
      // below the ~700 MB a full read and parse of 50 MB takes.
      expect(maxRssMb).toBeLessThan(350);
      return { maxRssMb, ms: result.ms };
    });
  }, 120_000);

  it("under the default cap (64 MB): generates in bounded memory and time", async () => {
    await recorded("50 MB spec under the default cap: peak memory", async () => {
      const { dir, result, maxRssMb } = await measured([]);
      expect(result.code, result.stderr).toBe(0);
      expect((await stat(join(dir, "generated/authlete-token.ts"))).size).toBeGreaterThan(0);
      // Two threads each hold the text, its lines and its parse: a bounded multiple of the input
      // (about 700 MB measured for 50 MB).
      expect(maxRssMb).toBeLessThan(1500);
      expect(result.ms).toBeLessThan(60_000);
      return { maxRssMb, ms: result.ms };
    });
  }, 120_000);
});
