// @ts-check
// Worker thread that turns a bundled OpenAPI document into TypeScript with openapi-typescript.
// It starts importing openapi-typescript (and with it TypeScript, the slowest import of the
// pipeline) the moment it boots, while the main thread loads Redocly and lints: on two cores the
// two imports overlap instead of adding up.
import { parentPort } from "node:worker_threads";

const loading = import("openapi-typescript");

parentPort?.on(
  "message",
  /** @param {{ id: number, document: import("openapi-typescript").OpenAPI3, options: import("openapi-typescript").OpenAPITSOptions }} request */
  async ({ id, document, options }) => {
    try {
      const { default: openapiTS, astToString } = await loading;
      const code = astToString(await openapiTS(document, options));
      parentPort?.postMessage({ id, code });
    } catch (error) {
      parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
    }
  },
);
