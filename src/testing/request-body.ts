// The fake's cap on request bodies: checked before anything else, the bearer token included.
import { discard, readAtMost } from "../bytes.js";
import { resultBody } from "./bodies.js";
import type { Answer } from "./faults.js";

const LENIENT_UTF8 = new TextDecoder();

/**
 * The largest request body the fake reads, in bytes: far above any token request. A larger one is
 * answered 413 before any other check (the bearer token included); its call is recorded with an
 * empty `rawBody`.
 */
export const FAKE_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The body as text, or `undefined` when it is larger than {@link FAKE_MAX_BODY_BYTES}: refused by
 * its `Content-Length` unread, or read no further than the limit.
 */
export async function readBody(request: Request): Promise<string | undefined> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > FAKE_MAX_BODY_BYTES) {
    discard(request.body);
    return undefined;
  }
  try {
    return LENIENT_UTF8.decode(await readAtMost(request.body, FAKE_MAX_BODY_BYTES, () => new RangeError("too large")));
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

export function bodyTooLarge(api: string): Answer {
  return {
    status: 413,
    // Nothing more is read: the connection cannot carry another request.
    headers: { Connection: "close" },
    body: resultBody("A001201", api, `The request body is larger than ${FAKE_MAX_BODY_BYTES} bytes.`),
  };
}
