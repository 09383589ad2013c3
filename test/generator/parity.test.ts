// `generate` is a drop-in for `redocly lint && openapi-typescript`: for any spec and options it
// writes the same types as openapi-typescript's CLI run on the same spec with the same flags (each
// tool's banner comment aside, and the comment rewrites of scripts/lib/compile/comments.js, which
// asGenerated() applies to the CLI's output). One `generate` run builds every API below (each with its own
// options); the CLI runs once per option set, several specs at a time through its own
// `--redocly` config where the flags are shared, two processes side by side.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TYPESCRIPT_OPTIONS } from "../../scripts/lib/config/load.js";
import {
  apisYaml,
  asGenerated,
  CORPUS,
  cliFlags,
  LARGE_SPEC,
  OPENAPI_TS_CLI,
  type Options,
  readIfAny,
  withoutBanner,
} from "../helpers/parity.js";
import { ROOT, type RunResult, runCommand, runGenerate, runNode } from "../helpers/project.js";
import { installCorpus } from "../tools/corpus.js";

const OWN_SPEC = join(ROOT, "openapi/openapi.yaml");
const OWN_CHOICES: Options = { rootTypes: true, rootTypesNoSchemaPrefix: true, defaultNonNullable: false };

/** The third-party specs take these option sets in turn (the CLI's flags are per run, not per spec). */
const GROUPS: Options[] = [
  {},
  OWN_CHOICES,
  { enum: true, dedupeEnums: true, immutable: true, alphabetize: true, exportType: true },
  {
    additionalProperties: true,
    arrayLength: true,
    conditionalEnums: true,
    emptyObjectsUnknown: true,
    enumValues: true,
    excludeDeprecated: true,
    generatePathParams: true,
    makePathsEnum: true,
    pathParamsAsTypes: true,
    propertiesRequiredByDefault: true,
    readWriteMarkers: true,
    rootTypes: true,
    rootTypesKeepCasing: true,
  },
];

/** Every option on its own (against openapi-typescript's default), on the project's spec. */
const EACH_OPTION: Array<{ name: string; options: Options }> = [
  { name: "own-defaults", options: {} },
  ...Object.keys(TYPESCRIPT_OPTIONS).map((key) => {
    const value =
      key === "inject" ? "export type Injected = { readonly brand: 'injected' };" : key !== "defaultNonNullable";
    // The root-type modifiers do nothing without root types.
    const extra = key.startsWith("rootTypes") && key !== "rootTypes" ? { rootTypes: true } : {};
    return { name: `own-${key}`, options: { ...extra, [key]: value } };
  }),
];

interface Api {
  name: string;
  root: string;
  output: string;
  options: Options;
}

let dir: string;
let generated: RunResult;
const apis: Api[] = [];

/** Runs `tasks`, `lanes` at a time. */
async function inLanes<T>(lanes: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}

/** Where the CLI writes an API's types. */
const theirs = (api: Api) => join(dir, "cli-out", `${api.name}.ts`);

/** The CLI's runs of the specs that need no answer from `generate` first, by API name. */
const early = new Map<string, RunResult>();

/** openapi-typescript's CLI on one spec, as a user runs it, from a folder with no redocly.yaml. */
function cliOnOne(api: Api, output: string) {
  return runNode([OPENAPI_TS_CLI, api.root, "-o", output, ...cliFlags(api.options)], join(dir, "cli"));
}

/** Why `generate` failed an API, from its one-line message. */
function failureOf(name: string): string | undefined {
  const line = generated.stderr.split("\n").find((l) => l.startsWith(`✗ ${name}: `));
  return line?.slice(`✗ ${name}: `.length).replace(/; \S+ left as it was$/, "");
}

interface Verdict {
  compared: string[];
  differ: string[];
  /** The lint (or the read rules) refused the spec: reported, not a parity failure. */
  refused: string[];
  /** Both tools failed the spec: reported. */
  bothFailed: string[];
  /** Only the CLI failed: nothing to compare, reported. */
  cliOnly: string[];
  /** Only `generate` failed, on a spec the CLI turns into types: a parity failure. */
  generateOnly: string[];
}

/** Whether `generate` refused the spec on the lint or the read rules (reported, not compared). */
function refusal(failure: string | undefined): boolean {
  return (
    failure === "lint errors" || failure?.startsWith("refused") === true || failure?.includes("read rules") === true
  );
}

/**
 * Runs the CLI for `group` (all with the same options), two processes at a time, where `generate`
 * did not refuse the spec and no earlier run did it, then compares each output with generate's.
 * @param viaConfig run the CLI once for the whole group through a `--redocly` config of its own
 */
async function compare(group: Api[], viaConfig: boolean): Promise<Verdict> {
  const verdict: Verdict = { compared: [], differ: [], refused: [], bothFailed: [], cliOnly: [], generateOnly: [] };
  const built = group.filter((api) => failureOf(api.name) === undefined && !early.has(api.name));
  if (viaConfig && built.length > 0) {
    const config = join(dir, "cli", `${built[0]?.name}.yaml`);
    const outputs = built.map((api) => ({ ...api, output: theirs(api), options: {} }));
    await writeFile(config, `extends:\n  - minimal\napis:\n${apisYaml(outputs)}`);
    await runNode([OPENAPI_TS_CLI, "--redocly", config, ...cliFlags(group[0]?.options ?? {})], join(dir, "cli"));
  }
  // One process per spec for what the group run did not write: it stops at its first failure.
  const single = await inLanes(
    2,
    group.map((api) => async () => {
      if (early.has(api.name)) return early.get(api.name);
      if (refusal(failureOf(api.name)) || (await readIfAny(theirs(api))) !== undefined) return undefined;
      return cliOnOne(api, theirs(api));
    }),
  );
  for (const [i, api] of group.entries()) {
    const failure = failureOf(api.name);
    const cli = await readIfAny(theirs(api));
    const ours = await readIfAny(join(dir, api.output));
    const why = single[i]?.stderr.trim().split("\n").at(-1) ?? "";
    if (refusal(failure)) {
      verdict.refused.push(`${api.name}: ${failure}`);
    } else if (failure !== undefined) {
      (cli === undefined ? verdict.bothFailed : verdict.generateOnly).push(`${api.name}: ${failure} | CLI: ${why}`);
    } else if (cli === undefined) {
      verdict.cliOnly.push(`${api.name}: ${why}`);
    } else if (ours !== undefined && withoutBanner(ours) === withoutBanner(asGenerated(cli))) {
      verdict.compared.push(api.name);
    } else {
      verdict.differ.push(api.name);
    }
  }
  return verdict;
}

/** One verdict of many. */
function merged(verdicts: Verdict[]): Verdict {
  const all: Verdict = { compared: [], differ: [], refused: [], bothFailed: [], cliOnly: [], generateOnly: [] };
  for (const verdict of verdicts)
    for (const key of Object.keys(all) as Array<keyof Verdict>) all[key].push(...verdict[key]);
  return all;
}

function report(title: string, verdict: Verdict, ms: number) {
  const lines = [`${title}: ${verdict.compared.length} identical, ${verdict.differ.length} differ (${ms} ms)`];
  for (const [what, list] of Object.entries(verdict)) {
    if (what !== "compared" && list.length > 0) lines.push(`  ${what}:`, ...list.map((l: string) => `    ${l}`));
  }
  console.log(lines.join("\n"));
}

beforeAll(async () => {
  // The specs are not devDependencies: the first run installs them at their locked versions.
  await installCorpus("specs");
  dir = await mkdtemp(join(tmpdir(), "authlete-token-parity-"));
  await mkdir(join(dir, "cli"), { recursive: true });
  await mkdir(join(dir, "cli-out"), { recursive: true });
  for (const [i, spec] of CORPUS.entries()) {
    apis.push({
      name: spec.name,
      root: spec.file,
      output: `out/${spec.name}.ts`,
      options: GROUPS[i % GROUPS.length] ?? {},
    });
  }
  apis.push({ name: "github-rest", root: LARGE_SPEC, output: "out/github-rest.ts", options: OWN_CHOICES });
  for (const { name, options } of EACH_OPTION) apis.push({ name, root: OWN_SPEC, output: `out/${name}.ts`, options });
  // Third-party specs need not pass this project's rules: Redocly's lenient `minimal` set.
  await writeFile(join(dir, "redocly.yaml"), `extends:\n  - minimal\napis:\n${apisYaml(apis)}`);
  const started = Date.now();
  // The CLI on GitHub's description and on the project's spec needs nothing from generate: it runs
  // alongside it, one process at a time (generate's lint and its worker thread take the rest).
  const independent = apis.filter(
    (api) => api.root === LARGE_SPEC || (api.root === OWN_SPEC && !("inject" in api.options)),
  );
  const cliRuns = inLanes(
    1,
    independent.map((api) => async () => early.set(api.name, await cliOnOne(api, theirs(api)))),
  );
  generated = await runGenerate(["--config", join(dir, "redocly.yaml")], dir);
  console.log(`generate: ${apis.length} APIs in one run, ${Date.now() - started} ms`);
  await cliRuns;
  console.log(`openapi-typescript's CLI alongside, on ${independent.length} of them: ${Date.now() - started} ms`);
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("parity with openapi-typescript's CLI", () => {
  it("generate never crashes: one line per failed API, no stack trace", () => {
    expect([0, 1]).toContain(generated.code);
    expect(generated.stderr).not.toMatch(/^\s+at /m);
    expect(generated.stderr).not.toContain("--verbose for the stack trace");
  });

  it("writes the same types as the CLI for at least 30 real third-party specs", async () => {
    const started = Date.now();
    const corpus = apis.slice(0, CORPUS.length);
    const verdicts = await inLanes(
      2,
      // The CLI's own multi-API run shares openapi-typescript's enum cache between specs (each
      // would get the enums of the one before): with dedupeEnums, one CLI process per spec.
      GROUPS.map(
        (options) => () =>
          compare(
            corpus.filter((api) => api.options === options),
            !options.dedupeEnums,
          ),
      ),
    );
    const all = merged(verdicts);
    report(`corpus of ${CORPUS.length} specs`, all, Date.now() - started);
    expect(all.differ).toEqual([]);
    expect(all.generateOnly).toEqual([]);
    expect(all.compared.length).toBeGreaterThanOrEqual(30);
  }, 600_000);

  it("writes the same types as the CLI for GitHub's REST description (over 10 MB)", async () => {
    const started = Date.now();
    const verdict = await compare(
      apis.filter((api) => api.name === "github-rest"),
      false,
    );
    report("GitHub's REST description", verdict, Date.now() - started);
    expect(verdict.compared).toEqual(["github-rest"]);
  }, 600_000);

  it("writes the same types as the CLI for every option on the project's spec", async () => {
    const started = Date.now();
    const own = apis.filter((api) => api.root === OWN_SPEC && !("inject" in api.options));
    const verdicts = await Promise.all(own.map((api) => compare([api], false)));
    report("every option on the project's spec", merged(verdicts), Date.now() - started);
    expect(verdicts.flatMap((v) => v.compared)).toEqual(own.map((api) => api.name));
    // Each option changes something on this spec, or is proven inert by the CLI giving the same.
    const outputs = new Set(await Promise.all(own.map(async (api) => readIfAny(join(dir, api.output)))));
    expect(outputs.size).toBeGreaterThan(10);
  }, 600_000);

  it("passes inject through as openapi-typescript's Node API does (the CLI has no flag for it)", async () => {
    const api = apis.find((a) => "inject" in a.options) as Api;
    const script = `
      import { createRequire } from "node:module";
      const cli = ${JSON.stringify(OPENAPI_TS_CLI)};
      const core = createRequire(cli)("@redocly/openapi-core");
      const ots = await import(new URL("../dist/index.mjs", "file://" + cli).href);
      const redocly = await core.createConfig({}, { extends: ["minimal"] });
      const nodes = await ots.default(new URL("file://" + ${JSON.stringify(api.root)}), { ...${JSON.stringify(api.options)}, redocly, silent: true });
      process.stdout.write(ots.COMMENT_HEADER + ots.astToString(nodes));`;
    const theirs = await runCommand(process.execPath, ["--input-type=module", "-e", script], { cwd: join(dir, "cli") });
    expect(theirs.code).toBe(0);
    const ours = (await readIfAny(join(dir, api.output))) ?? "";
    expect(ours).toContain("export type Injected");
    expect(withoutBanner(ours)).toBe(withoutBanner(asGenerated(theirs.stdout)));
  });
});
