/**
 * The JSON shapes the API returns. Bytes are lower-case hex strings; heights, times (unix ms) and amounts
 * (minor units) are integers. These schemas document the API (OpenAPI) and are checked against real
 * responses in tests, so the description cannot drift from the server.
 */
import { type Static, Type } from '@sinclair/typebox';

export const Hex = Type.String({ pattern: '^([0-9a-f]{2})*$', description: 'bytes as lower-case hex' });
export const Hash = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'a 32-byte hash as hex' });
export const Address = Type.String({ pattern: '^hl[0-9a-f]{40}$', description: 'an account address' });
export const Uint = Type.Integer({ minimum: 0 });

export const ErrorView = Type.Object(
  {
    code: Type.String({ description: 'stable error code, e.g. TX_NONCE_TOO_LOW (see GET /v1/errors)' }),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'Error', description: 'every error the API returns' },
);
export type ErrorView = Static<typeof ErrorView>;

export const StatusView = Type.Object(
  {
    node: Type.String(),
    chainId: Type.String(),
    genesisHash: Hash,
    height: Uint,
    latestBlockHash: Hash,
    latestBlockTime: Uint,
    stateRoot: Hash,
    mempool: Type.Object({ size: Uint, bytes: Uint }),
    consensus: Type.Object({
      height: Type.Union([Uint, Type.Null()]),
      round: Type.Union([Uint, Type.Null()]),
      peers: Type.Array(Hex, { description: 'public keys of the connected member nodes' }),
      unlinkedValidators: Type.Array(Type.Object({ org: Type.String(), publicKey: Hex }), {
        description:
          'validators in force this node has no direct link to (its own key left out); consensus messages are not relayed, so a validator should reach every other directly',
      }),
    }),
  },
  { $id: 'Status' },
);
export type StatusView = Static<typeof StatusView>;

export const EventView = Type.Object(
  { module: Type.String(), name: Type.String(), topics: Type.Array(Type.String()), data: Type.Unknown() },
  { $id: 'Event' },
);

export const TxResultView = Type.Object(
  {
    txId: Hash,
    code: Type.String({ description: '"OK" or an error code' }),
    message: Type.String(),
    gasUsed: Uint,
    events: Type.Array(EventView),
  },
  { $id: 'TxResult' },
);

export const TxStatusView = Type.Union(
  [
    Type.Object({
      txId: Hash,
      status: Type.Literal('pending'),
      /** The submitter's nonce it waits for: a predecessor the node has not received yet. */
      waitingForNonce: Type.Optional(Uint),
    }),
    Type.Object({
      txId: Hash,
      status: Type.Literal('committed'),
      height: Uint,
      index: Uint,
      result: TxResultView,
      /** Set when the events were left out: they are members' reads and the request was not signed. */
      eventsWithheld: Type.Optional(Type.Literal(true)),
    }),
    Type.Object({
      txId: Hash,
      status: Type.Literal('rejected'),
      code: Type.String(),
      message: Type.String(),
    }),
    Type.Object({ txId: Hash, status: Type.Literal('unknown') }),
  ],
  { $id: 'TxStatus' },
);
export type TxStatusView = Static<typeof TxStatusView>;

/** What `POST /v1/txs/batch` answers: one outcome per submitted transaction, in order. */
export const TxBatchView = Type.Object(
  {
    results: Type.Array(
      Type.Union([
        Type.Object({ status: Type.Literal('pending'), txId: Hash }),
        Type.Object({
          status: Type.Literal('refused'),
          code: Type.String(),
          message: Type.String(),
          details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        }),
      ]),
    ),
  },
  { $id: 'TxBatch' },
);
export type TxBatchView = Static<typeof TxBatchView>;

export const AccountView = Type.Object(
  { address: Address, height: Uint, nextNonce: Uint },
  { $id: 'Account' },
);

export const HeaderView = Type.Object(
  {
    v: Type.Literal(1),
    chainId: Type.String(),
    height: Uint,
    time: Uint,
    previousBlockHash: Hash,
    txRoot: Hash,
    txCount: Uint,
    stateRoot: Hash,
    resultsRoot: Hash,
    proposer: Address,
    validatorSetHash: Hash,
    nextValidatorSetHash: Hash,
    lastCommitHash: Hash,
  },
  { $id: 'BlockHeader' },
);

export const CommitView = Type.Object(
  {
    height: Uint,
    round: Uint,
    blockHash: Hash,
    signatures: Type.Array(Type.Object({ validator: Hex, signature: Hex })),
  },
  { $id: 'Commit' },
);

export const BlockView = Type.Object(
  {
    hash: Hash,
    header: HeaderView,
    txs: Type.Array(Hex, { description: 'the signed transactions, canonical bytes as hex' }),
    lastCommit: Type.Union([CommitView, Type.Null()]),
    commit: Type.Union([CommitView, Type.Null()], { description: "this block's own commit certificate" }),
  },
  { $id: 'Block' },
);

export const ReadinessView = Type.Object(
  {
    status: Type.Literal('ready'),
    height: Uint,
    highestPeer: Type.Integer({ minimum: 0, description: 'the highest height a peer announced' }),
    peers: Type.Integer({ minimum: 0 }),
    lastCommitAgeMs: Type.Integer({ minimum: 0 }),
  },
  { $id: 'Readiness' },
);

export const HeaderAndCommitView = Type.Object(
  {
    hash: Hash,
    header: HeaderView,
    commit: Type.Union([CommitView, Type.Null()], { description: "this block's own commit certificate" }),
  },
  { $id: 'HeaderAndCommit' },
);

export const BlockResultsView = Type.Object(
  { height: Uint, txResults: Type.Array(TxResultView), blockEvents: Type.Array(EventView) },
  { $id: 'BlockResults' },
);

export const StateProofView = Type.Object(
  {
    height: Uint,
    root: Hash,
    key: Hex,
    value: Type.Union([Hex, Type.Null()], { description: 'null: the key is absent (the proof proves it)' }),
    proof: Type.Object({
      siblings: Type.Array(Hash),
      leaf: Type.Union([Type.Object({ keyHash: Hash, valueHash: Hash }), Type.Null()]),
    }),
    header: Type.Union([HeaderView, Type.Null()]),
    commit: Type.Union([CommitView, Type.Null()]),
  },
  { $id: 'StateProof' },
);

export const QueryView = Type.Object({ height: Uint, result: Type.Unknown() }, { $id: 'QueryResult' });

export const ErrorCatalogueView = Type.Object(
  {
    errors: Type.Array(
      Type.Object({ code: Type.String(), owner: Type.String(), kind: Type.String(), summary: Type.String() }),
    ),
  },
  { $id: 'ErrorCatalogue' },
);

export const InclusionProofView = Type.Object(
  { index: Uint, count: Uint, path: Type.Array(Hash) },
  { $id: 'InclusionProof', description: 'a Merkle path from a list item to its root' },
);

export const ValidatorView = Type.Object(
  { publicKey: Hex, power: Uint, org: Type.String() },
  { $id: 'Validator' },
);

export const ValidatorsView = Type.Object(
  { height: Uint, validators: Type.Array(ValidatorView) },
  { $id: 'Validators' },
);

export const TxProofView = Type.Object(
  {
    txId: Hash,
    height: Uint,
    index: Uint,
    tx: Hex,
    inclusion: InclusionProofView,
    resultBytes: Hex,
    result: TxResultView,
    resultInclusion: InclusionProofView,
    header: HeaderView,
    commit: CommitView,
    validators: Type.Array(ValidatorView),
  },
  {
    $id: 'TransactionProof',
    description: 'a committed transaction with everything needed to check it offline',
  },
);
