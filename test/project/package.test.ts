import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCommand } from "../helpers/project.js";

// What a user installs: the packed tarball, in a project of its own, compiled by the user's tsc.
const CONSUMER = `import { createTokenClient, AuthleteApiError, type TokenRequest, type TokenResponse } from "authlete-token";

const fakeAuthlete = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const request = new Request(input, init);
  const body = (await request.json()) as TokenRequest;
  const answer: TokenResponse = { resultCode: "A050001", resultMessage: "ok", action: "OK", responseContent: body.parameters };
  return Response.json(answer, { headers: { "x-auth": request.headers.get("authorization") ?? "" } });
};
const client = createTokenClient({ serviceId: 715948317, accessToken: "t0ken", fetch: fakeAuthlete });
const result = await client.process({ parameters: "grant_type=client_credentials" });
console.log(JSON.stringify({ action: result.action, content: result.responseContent, isError: AuthleteApiError.name }));
`;

// The fake Authlete of the testing entry, as a user's test would drive it: in process and over HTTP.
const TESTING_CONSUMER = `import { createTokenClient, createTokenEndpoint } from "authlete-token";
import { createFakeAuthlete, type FakeAuthlete, type FakeCall } from "authlete-token/testing";

const fake: FakeAuthlete = createFakeAuthlete();
const endpoint = createTokenEndpoint({ client: createTokenClient(fake), authenticateUser: () => "1001" });
const response = await endpoint(
  new Request("https://as.example/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=password&username=john&password=pw&client_id=app",
  }),
);
const tokens = (await response.json()) as { token_type: string };
const server = await fake.listen();
const overHttp = await createTokenClient({ ...fake, baseUrl: server.url, fetch: undefined }).process({
  parameters: "grant_type=magic&client_id=app",
});
await server.close();
const calls: readonly FakeCall[] = fake.calls;
console.log(JSON.stringify({ status: response.status, tokenType: tokens.token_type, overHttp: overHttp.action, operations: calls.map((c) => c.operation) }));
`;

/** Runs `command` with colours off; its stdout and stderr together in `output`. */
async function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const { code, stdout, stderr } = await runCommand(command, args, { cwd, env: { ...process.env, NO_COLOR: "1" } });
  return { code, output: stdout + stderr };
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
let work: string;
let tarball: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "authlete-token-pack-"));
  // --ignore-scripts: dist/ was built by test/helpers/global-setup.ts; rebuilding here would race other tests.
  const packed = await run(npm, ["pack", "--silent", "--ignore-scripts", "--pack-destination", work], ROOT);
  expect(packed.code, packed.output).toBe(0);
  const name = (await readdir(work)).find((f) => f.endsWith(".tgz"));
  if (!name) throw new Error(`npm pack wrote no tarball:\n${packed.output}`);
  tarball = join(work, name);
  const app = join(work, "app");
  await mkdir(app);
  await writeFile(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const installed = await run(
    npm,
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", tarball],
    app,
  );
  expect(installed.code, installed.output).toBe(0);
  await writeFile(join(app, "consumer.ts"), CONSUMER);
  await writeFile(join(app, "testing-consumer.ts"), TESTING_CONSUMER);
  const common = { target: "ES2022", lib: ["ES2022", "DOM"], types: [], strict: true, skipLibCheck: false };
  const configs = {
    node16: { ...common, module: "node16", moduleResolution: "node16", outDir: "out-node16" },
    bundler: { ...common, module: "esnext", moduleResolution: "bundler", outDir: "out-bundler" },
  };
  for (const [name, compilerOptions] of Object.entries(configs)) {
    await writeFile(
      join(app, `tsconfig.${name}.json`),
      JSON.stringify({
        compilerOptions: { ...compilerOptions, exactOptionalPropertyTypes: true },
        files: ["consumer.ts", "testing-consumer.ts"],
      }),
    );
  }
}, 240_000);
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the published package", () => {
  for (const resolution of ["node16", "bundler"]) {
    it(`type-checks and runs a consumer under moduleResolution ${resolution}`, async () => {
      const app = join(work, "app");
      const compiled = await run(process.execPath, [tsc, "-p", `tsconfig.${resolution}.json`], app);
      expect(compiled.code, compiled.output).toBe(0);
      const ran = await run(process.execPath, [join(app, `out-${resolution}/consumer.js`)], app);
      expect(ran.code, ran.output).toBe(0);
      expect(JSON.parse(ran.output)).toEqual({
        action: "OK",
        content: "grant_type=client_credentials",
        isError: "AuthleteApiError",
      });
      const testing = await run(process.execPath, [join(app, `out-${resolution}/testing-consumer.js`)], app);
      expect(testing.code, testing.output).toBe(0);
      expect(JSON.parse(testing.output)).toEqual({
        status: 200,
        tokenType: "Bearer",
        overHttp: "BAD_REQUEST",
        operations: ["token", "issue", "token"],
      });
    });
  }

  it("rejects a consumer that misuses the types", async () => {
    const app = join(work, "app");
    await writeFile(join(app, "misuse.ts"), CONSUMER.replace('{ parameters: "grant_type=client_credentials" }', "{}"));
    await writeFile(
      join(app, "tsconfig.misuse.json"),
      JSON.stringify({
        compilerOptions: {
          module: "node16",
          moduleResolution: "node16",
          strict: true,
          lib: ["ES2022", "DOM"],
          noEmit: true,
        },
        files: ["misuse.ts"],
      }),
    );
    const compiled = await run(process.execPath, [tsc, "-p", "tsconfig.misuse.json"], app);
    expect(compiled.code).not.toBe(0);
    expect(compiled.output).toMatch(/parameters/);
  });

  it("passes publint", async () => {
    // On the unpacked tarball, so publint does not pack (and rebuild) the working tree itself.
    const unpacked = join(work, "unpacked");
    await mkdir(unpacked);
    const extracted = await run("tar", ["-xzf", tarball, "-C", unpacked], work);
    expect(extracted.code, extracted.output).toBe(0);
    const result = await run(
      join(ROOT, "node_modules/.bin/publint"),
      ["--strict", "--pack", "false", join(unpacked, "package")],
      ROOT,
    );
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("All good");
  });

  it("ships the user docs, LICENSE and README but no maintainer pages", async () => {
    const listed = await run("tar", ["-tzf", tarball], work);
    expect(listed.code, listed.output).toBe(0);
    const files = listed.output.split("\n").filter(Boolean);
    expect(files).toEqual(
      expect.arrayContaining([
        "package/LICENSE",
        "package/README.md",
        "package/docs/client.md",
        "package/docs/token-endpoint.md",
        "package/docs/testing.md",
      ]),
    );
    // Maintainer pages (generator, upstream, reports...) document scripts the package does not ship.
    expect(files.filter((f) => f.startsWith("package/docs/")).sort()).toEqual([
      "package/docs/client.md",
      "package/docs/testing.md",
      "package/docs/token-endpoint.md",
    ]);
    expect(files.filter((f) => /node_trace|\.map$/.test(f))).toEqual([]);
  });

  it("ships the full Apache-2.0 text as LICENSE", async () => {
    const unpacked = join(work, "license");
    await mkdir(unpacked);
    const extracted = await run("tar", ["-xzf", tarball, "-C", unpacked, "package/LICENSE"], work);
    expect(extracted.code, extracted.output).toBe(0);
    const text = await readFile(join(unpacked, "package/LICENSE"), "utf8");
    expect(text).toContain("Apache License\n                           Version 2.0, January 2004");
    expect(text).toContain("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION");
    expect(text).toContain("9. Accepting Warranty or Additional Liability.");
    expect(text).toContain("END OF TERMS AND CONDITIONS");
  });

  it("passes Are The Types Wrong for an ESM-only package", async () => {
    const result = await run(join(ROOT, "node_modules/.bin/attw"), [tarball, "--profile", "esm-only"], ROOT);
    expect(result.code, result.output).toBe(0);
  });
});
