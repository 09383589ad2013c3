/** This package's version, sent in the default `User-Agent` (kept equal to package.json by a test). */
export const VERSION = "0.1.0";
