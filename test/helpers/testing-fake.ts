import { join } from "node:path";
import { bundle, loadConfig } from "@redocly/openapi-core";
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { createTokenClient, type FetchLike, type TokenClient } from "../../src/index.js";
import { FAKE_APIS, type FakeApiPath, type FakeApis, isFakeApiPath } from "../../src/testing/calls.js";
import {
  createFakeAuthlete,
  type FakeAuthlete,
  type FakeAuthleteOptions,
  type FakeAuthleteServer,
} from "../../src/testing/index.js";
import { ROOT } from "./project.js";

/**
 * The operations the fake serves, as `FakeCall.operation` names them, with their paths in the spec:
 * read from the fake's own table of APIs.
 */
export const OPERATIONS = Object.fromEntries(
  Object.entries(FAKE_APIS).map(([path, operation]) => [operation, `/api/{serviceId}${path}`]),
) as { [P in FakeApiPath as FakeApis[P]["operation"]]: `/api/{serviceId}${P}` };
export type Operation = keyof typeof OPERATIONS;

type Content = Record<string, { schema: object }>;
/** The parts of the dereferenced spec the checks read. */
interface DereferencedSpec {
  paths: Record<
    string,
    { post: { requestBody: { content: Content }; responses: Record<string, { content: Content }> } }
  >;
  components: { schemas: Record<string, object> };
}

/** The spec bundled with every `$ref` inlined (what the checks below compile). */
export async function dereferencedSpec(): Promise<DereferencedSpec> {
  const config = await loadConfig({ configPath: join(ROOT, "redocly.yaml") });
  const result = await bundle({ ref: join(ROOT, "openapi/openapi.yaml"), config, dereference: true });
  return result.bundle.parsed as DereferencedSpec;
}

/** An ajv instance as Prism validates with: draft-04 keywords, the standard formats. */
export function newAjv() {
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  return ajv;
}

/** Validators of the request body schema of each operation, from the bundled spec. */
export async function requestValidators(): Promise<Record<Operation, (body: unknown) => boolean>> {
  const spec = await dereferencedSpec();
  const ajv = newAjv();
  const entries = Object.entries(OPERATIONS).map(([name, path]) => {
    const validate = ajv.compile(spec.paths[path]?.post.requestBody.content["application/json"]?.schema ?? false);
    return [name, (body: unknown) => validate(body) as boolean];
  });
  return Object.fromEntries(entries);
}

/** One answer of the fake, as the client received it. */
export interface Answer {
  operation: Operation | undefined;
  status: number;
  body: unknown;
}

/**
 * Checks answers against the response schemas of the bundled spec: the one of their operation and
 * status. An error status the spec does not list (a scripted 503) must still carry its error body,
 * `Result`. Returns a description of each answer that breaks it (or has no schema at all).
 */
export async function responseChecker(): Promise<(answers: readonly Answer[]) => string[]> {
  const spec = await dereferencedSpec();
  const ajv = newAjv();
  const cache = new Map<string, ReturnType<typeof ajv.compile>>();
  return (answers) =>
    answers.flatMap((answer) => {
      const path = answer.operation && OPERATIONS[answer.operation];
      const declared =
        path && spec.paths[path]?.post.responses[String(answer.status)]?.content["application/json"]?.schema;
      const schema = declared ?? (path && answer.status >= 400 ? spec.components.schemas.Result : undefined);
      if (schema === undefined) return [`${answer.operation} ${answer.status}: no response schema in the spec`];
      const key = `${path} ${answer.status}`;
      let validate = cache.get(key);
      if (validate === undefined) {
        validate = ajv.compile(schema);
        cache.set(key, validate);
      }
      return validate(answer.body)
        ? []
        : [`${key}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(answer.body).slice(0, 300)}`];
    });
}

/** A `fetch` that passes every call on to `base` and keeps each answer's status and JSON body. */
export function recordingFetch(base: FetchLike, answers: Answer[]): FetchLike {
  return async (input, init) => {
    const response = await base(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const path = /^\/api\/[^/]+(\/.*)$/.exec(url.pathname)?.[1];
    answers.push({
      operation: path !== undefined && isFakeApiPath(path) ? FAKE_APIS[path] : undefined,
      status: response.status,
      body: await response.clone().json(),
    });
    return response;
  };
}

/** How a test reaches the fake: its in-process `fetch`, or real HTTP to `listen()`. */
export interface Transport {
  name: string;
  /** Starts what the transport needs; returns the options of a client that talks to `fake`. */
  open(fake: FakeAuthlete): Promise<{ baseUrl: string; fetch: FetchLike; close(): Promise<void> }>;
}

export const TRANSPORTS: readonly Transport[] = [
  {
    name: "in process (fake.fetch)",
    open: async (fake) => ({ baseUrl: fake.baseUrl, fetch: fake.fetch, close: async () => {} }),
  },
  {
    name: "over loopback HTTP (fake.listen())",
    open: async (fake) => {
      const server: FakeAuthleteServer = await fake.listen();
      return { baseUrl: server.url, fetch: (input, init) => globalThis.fetch(input, init), close: server.close };
    },
  },
];

/** A client of `fake` through `transport`, recording answers in `answers`. */
export function clientOf(
  fake: FakeAuthlete,
  opened: { baseUrl: string; fetch: FetchLike },
  answers: Answer[],
  options: Partial<Parameters<typeof createTokenClient>[0]> = {},
): TokenClient {
  return createTokenClient({
    serviceId: fake.serviceId,
    accessToken: fake.accessToken,
    baseUrl: opened.baseUrl,
    fetch: recordingFetch(opened.fetch, answers),
    ...options,
  });
}

/** What {@link useFake} sets up for the tests of a `describe` block. */
export interface FakeUnderTest {
  readonly fake: FakeAuthlete;
  /** Every answer of the current test, as the client received it. */
  readonly answers: Answer[];
  /** A client of the fake through the transport. */
  readonly client: TokenClient;
  /** The transport's base URL and fetch, for more clients. */
  readonly opened: { baseUrl: string; fetch: FetchLike };
}

/**
 * A fake reached through `transport` for the enclosing `describe`: opened before its tests, closed
 * after them, and after each test every answer checked against the spec's response schemas, then
 * `afterEachTest` run and the fake reset.
 */
export function useFake(
  transport: Transport,
  options: FakeAuthleteOptions,
  afterEachTest: (fake: FakeAuthlete) => void = () => {},
): FakeUnderTest {
  const fake = createFakeAuthlete(options);
  const answers: Answer[] = [];
  let opened: Awaited<ReturnType<Transport["open"]>> | undefined;
  let client: TokenClient | undefined;
  let check: Awaited<ReturnType<typeof responseChecker>> | undefined;
  beforeAll(async () => {
    check = await responseChecker();
    opened = await transport.open(fake);
    client = clientOf(fake, opened, answers);
  });
  afterAll(() => opened?.close());
  afterEach(() => {
    expect(check?.(answers)).toEqual([]);
    answers.length = 0;
    afterEachTest(fake);
    fake.reset();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useFake: used outside a test");
    return value;
  };
  return {
    fake,
    answers,
    get client() {
      return ready(client);
    },
    get opened() {
      return ready(opened);
    },
  };
}
