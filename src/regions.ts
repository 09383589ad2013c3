/** Authlete's API clusters; pick the one your service lives in. */
export const AUTHLETE_SERVERS = {
  us: "https://us.authlete.com",
  jp: "https://jp.authlete.com",
  eu: "https://eu.authlete.com",
  br: "https://br.authlete.com",
} as const;

/** A key of {@link AUTHLETE_SERVERS}. */
export type AuthleteRegion = keyof typeof AUTHLETE_SERVERS;
