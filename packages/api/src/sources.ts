/**
 * What each endpoint's answer is made of (docs/privacy.md, the public-read rule: a public read never
 * returns what a members-only store or query holds). Every endpoint names its sources; a test checks
 * that an endpoint open to anyone serves only public sources, and that a source whose access is decided
 * per store or per query (`state`, `query`) is only served by an endpoint that asks the state machine.
 */

/** `public`, `members`, or `per-read`: decided for each store or query by the modules' declarations. */
export type SourceAccess = 'public' | 'members' | 'per-read';

export const DATA_SOURCES = {
  /** This node's height, latest hash, mempool size, consensus round and peers count. */
  'node.status': 'public',
  /** Liveness and readiness with their reasons. */
  'node.readiness': 'public',
  /** Prometheus counters: heights, rounds, mempool, latencies, storage size; no transaction content. */
  'node.metrics': 'public',
  /** The API's own description and the error catalogue. */
  'api.description': 'public',
  /** Block headers and their commit certificates (what light clients follow). */
  'chain.headers': 'public',
  /** The validator set that signed a block. */
  'chain.validators': 'public',
  /** Blocks' transactions: who submitted what with which parameters. */
  'chain.transactions': 'members',
  /** A transaction's fate: pending, committed (height, index, code, message, gas) or rejected. */
  'chain.txOutcome': 'public',
  /** Results' events (settlement transfers with payer, payee and amount; order events). */
  'chain.events': 'members',
  /** Inclusion and result proofs of a transaction. */
  'chain.txProofs': 'members',
  /** Submitters' next nonces (auth/nonces: public, see the state machine's stateAccess). */
  'state.nonces': 'public',
  /** A state value with its proof: public or members-only by its store. */
  state: 'per-read',
  /** A module query's answer: by the query's access, and read as the reader may (Query.reads). */
  query: 'per-read',
} as const satisfies Record<string, SourceAccess>;

export type DataSource = keyof typeof DATA_SOURCES;
