// A Node HTTP(S) server's slow-client bounds as the server's own settings, one formula for every
// port that has them: the receivers (collector/receivers/receiver-server.ts) and the UI
// (scripts/ui-server.mjs, handed these values by scripts/ui-process.ts). Pure.

export interface ServerLimits {
  /** A request's headers must arrive within this (else 408 and the connection is cut). */
  headersTimeoutMs: number;
  /** A whole request, body included, must arrive within this (else 408). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  idleTimeoutMs: number;
  /** Most connections open at once; more are refused at once. */
  maxConnections: number;
}

/** What a Node `http.Server` / `https.Server` is given and set to for `limits`. */
export interface NodeServerLimits {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  /** How often expired headers/requests are looked for. */
  connectionsCheckingInterval: number;
  maxConnections: number;
}

export function nodeServerLimits(limits: ServerLimits): NodeServerLimits {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    // Node's default, 30 s, would let a slow client live up to 30 s past its deadline.
    connectionsCheckingInterval: Math.min(5_000, Math.max(100, Math.floor(limits.headersTimeoutMs / 4))),
    maxConnections: limits.maxConnections,
  };
}
