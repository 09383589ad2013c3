/**
 * A `fetch` for the client that answers each Authlete path from a script, with bodies streamed
 * (so that an answer echoing a secret on purpose is not itself counted as a leak by the secret
 * scan, which sees string and byte bodies: what the code under test does with it is what counts).
 */
export interface ScriptedAnswer {
  status?: number;
  body: unknown;
}

export interface ScriptedFetch {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Queues answers for `/auth/token` + `suffix`. */
  enqueue(suffix: "" | "/issue" | "/fail", ...answers: ScriptedAnswer[]): void;
  /** The paths called, in order. */
  readonly calls: string[];
}

export function scriptedFetch(): ScriptedFetch {
  const queues = new Map<string, ScriptedAnswer[]>();
  const calls: string[] = [];
  return {
    calls,
    enqueue(suffix, ...answers) {
      queues.set(suffix, [...(queues.get(suffix) ?? []), ...answers]);
    },
    async fetch(input) {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const suffix = /\/auth\/token(\/issue|\/fail)?$/.exec(url.pathname)?.[1] ?? "";
      calls.push(url.pathname);
      const answer = queues.get(suffix)?.shift() ?? { status: 500, body: { resultMessage: "unscripted" } };
      const bytes = new TextEncoder().encode(JSON.stringify(answer.body));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      });
      return new Response(body, { status: answer.status ?? 200, headers: { "Content-Type": "application/json" } });
    },
  };
}
