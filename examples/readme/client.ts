import { createTokenClient } from "authlete-token";

const authlete = createTokenClient({
  serviceId: process.env.AUTHLETE_SERVICE_ID ?? "",
  accessToken: process.env.AUTHLETE_ACCESS_TOKEN ?? "", // a service or organization access token
  region: "jp", // "us" (default), "jp", "eu" or "br"
});

// What your token endpoint received: the form body as is, and the client's credentials.
const result = await authlete.process({
  parameters: "grant_type=client_credentials",
  clientId: "app",
  clientSecret: "s3cret",
});
// A refused token request is not an exception: `action` says what to answer, `responseContent` with what.
console.log(result.action, result.responseContent);
