/**
 * A relayer between two linked Hanglian chains (interchain README): it follows both, and carries
 * headers (lightclients `update`), packets (`receive`) and receipts (`acknowledge`) with their state
 * proofs. It is untrusted: every chain verifies what it brings, so anyone may run one, several may run at
 * once (a packet another relayer delivered first is skipped), and it keeps no state of its own: what is
 * left to do is read from the chains at every step, so after a crash it resumes where the chains are.
 */
import { endpoints } from '@hanglian/api';
import { decodeCanonical, HanglianError, hexToBytes, type Validator } from '@hanglian/core';
import { getHeader } from '../actions/getHeader.js';
import { getStateProof } from '../actions/getStateProof.js';
import { getStatus } from '../actions/getStatus.js';
import { query } from '../actions/query.js';
import type { BaseClient } from '../client.js';
import { commitFromView, headerFromView, proofFromView } from '../light/views.js';
import type { Signer } from '../signer.js';
import type { TxCall } from '../transactions/call.js';
import {
  type InterchainPacket,
  type InterchainReceipt,
  interchain,
  lightclients,
} from '../transactions/interchain.js';
import { signAndSubmit } from '../transactions/signAndSubmit.js';

/** One chain as the relayer sees it: a node's API and a member identity of that chain that submits. */
export interface RelayEnd {
  readonly client: BaseClient;
  readonly signer: Signer;
  /** Default: asked from the node. */
  readonly chainId?: string;
}

export interface RelayEvent {
  readonly kind: 'header' | 'receive' | 'acknowledge' | 'skip' | 'error';
  /** The chain the thing came from and the chain it was submitted to. */
  readonly from: string;
  readonly to: string;
  readonly height?: number;
  readonly sequence?: number;
  /** The result: `OK`, or the refusal's code (a second relayer's `INTERCHAIN_ALREADY_RECEIVED`, …). */
  readonly code: string;
  readonly message?: string;
  readonly txId?: string;
}

export interface RelayerOptions {
  readonly a: RelayEnd;
  readonly b: RelayEnd;
  /** Told of everything relayed or refused (the CLI prints it). */
  readonly onEvent?: (event: RelayEvent) => void;
  /** Packets handled per direction and step (default 50). */
  readonly batch?: number;
}

export interface Relayer {
  /** One pass over both directions: headers, packets, receipts. Resolves with what it did. */
  step(): Promise<RelayEvent[]>;
  /** Steps every `intervalMs` until `signal` aborts; a failed step is reported and retried. */
  run(options: { intervalMs?: number; signal?: AbortSignal }): Promise<void>;
}

interface End {
  readonly client: BaseClient;
  readonly signer: Signer;
  chainId: string;
}

interface OutboxEntryView {
  packet: { sequence: number; sentAtHeight: number };
  status: { status: string };
}

const OUTBOX = (dest: string, sequence: number) =>
  `interchain/outbox/${dest}/${sequence.toString().padStart(15, '0')}`;
const RECEIPT = (source: string, sequence: number) =>
  `interchain/receipts/${source}/${sequence.toString().padStart(15, '0')}`;

function codeOf(error: unknown): string {
  return error instanceof HanglianError ? error.code : 'RELAY_FAILED';
}

/**
 * Creates a relayer between chains `a` and `b`.
 *
 * @example
 * ```ts
 * const relayer = createRelayer({
 *   a: { client: createClient({ url: logisticsApi }), signer: carrierOps },
 *   b: { client: createClient({ url: commerceApi }), signer: carrierOpsOnCommerce },
 *   onEvent: (e) => console.log(e),
 * });
 * await relayer.run({ intervalMs: 1000, signal });
 * ```
 */
export function createRelayer(options: RelayerOptions): Relayer {
  const batch = options.batch ?? 50;
  const ends: [End, End] = [
    { client: options.a.client, signer: options.a.signer, chainId: options.a.chainId ?? '' },
    { client: options.b.client, signer: options.b.signer, chainId: options.b.chainId ?? '' },
  ];
  let events: RelayEvent[] = [];
  const report = (event: RelayEvent) => {
    events.push(event);
    options.onEvent?.(event);
  };

  const submit = async (to: End, call: TxCall) => {
    const outcome = await signAndSubmit(to.client, { ...call, signer: to.signer });
    return outcome.txId;
  };

  /** The set that signs block `height` of `chain` (the node serves it; the verifying chain checks its hash). */
  const validatorsOf = async (chain: End, height: number): Promise<Validator[]> => {
    const { validators } = await chain.client.request(endpoints.getBlockValidators, {
      params: { height: String(height) },
    });
    return validators.map((v) => ({ publicKey: hexToBytes(v.publicKey), power: v.power, org: v.org }));
  };

  const submitHeader = async (source: End, dest: End, height: number, trustedHeight: number) => {
    const view = await getHeader(source.client, { height });
    if (view.commit === null) throw new Error(`block ${height} of ${source.chainId} has no commit yet`);
    const signed = {
      header: headerFromView(view.header),
      commit: commitFromView(view.commit),
      validators: await validatorsOf(source, height),
    };
    try {
      const txId = await submit(
        dest,
        lightclients.update({ chainId: source.chainId, trustedHeight, signed }),
      );
      report({ kind: 'header', from: source.chainId, to: dest.chainId, height, code: 'OK', txId });
    } catch (error) {
      // Another relayer was first: the header is there, which is all that matters.
      if (codeOf(error) !== 'LIGHTCLIENT_HEADER_KNOWN') throw error;
      report({ kind: 'skip', from: source.chainId, to: dest.chainId, height, code: codeOf(error) });
    }
  };

  /**
   * Makes `dest`'s client of `source` verify a header at `minHeight` or later, and returns its height:
   * one skip to the source's latest height when the trusted set still backs it, else a header at each
   * validator-set change (the changes announced by `nextValidatorSetHash`), as the light client needs.
   */
  const ensureVerified = async (source: End, dest: End, minHeight: number): Promise<number | undefined> => {
    const { result: client } = await query<{ latestHeight: number; status: string } | null>(dest.client, {
      module: 'lightclients',
      name: 'client',
      params: { chainId: source.chainId },
    });
    if (client === null || client.status !== 'active') return undefined;
    if (client.latestHeight >= minHeight) return client.latestHeight;
    let target = (await getStatus(source.client)).height;
    if ((await getHeader(source.client, { height: target })).commit === null) target -= 1;
    try {
      await submitHeader(source, dest, target, client.latestHeight);
      return target;
    } catch (error) {
      const code = codeOf(error);
      if (code !== 'LIGHTCLIENT_TRUST_INSUFFICIENT' && code !== 'LIGHTCLIENT_VALIDATOR_SET_MISMATCH')
        throw error;
    }
    let trusted = client.latestHeight;
    for (let h = trusted + 1; h <= target; h++) {
      const { header } = await getHeader(source.client, { height: h });
      const changes = header.nextValidatorSetHash !== header.validatorSetHash;
      if (h === target || changes) {
        await submitHeader(source, dest, h, trusted);
        trusted = h;
      }
    }
    return target;
  };

  /** Packets `source` sent to `dest` that `dest` has not received, delivered in order. */
  const relayPackets = async (source: End, dest: End) => {
    const { result: sequences } = await query<{ nextRecv: number } | null>(dest.client, {
      module: 'interchain',
      name: 'sequences',
      params: { chainId: source.chainId },
    });
    const nextRecv = sequences?.nextRecv ?? 1;
    const { result: waiting } = await query<OutboxEntryView[]>(source.client, {
      module: 'interchain',
      name: 'outbox',
      params: { chainId: dest.chainId, after: nextRecv - 1, limit: batch },
    });
    if (waiting.length === 0) return;
    const needed = Math.max(...waiting.map((e) => e.packet.sentAtHeight));
    const height = await ensureVerified(source, dest, needed);
    if (height === undefined) return;
    for (const { packet } of waiting) {
      const answer = await getStateProof(source.client, {
        path: OUTBOX(dest.chainId, packet.sequence),
        height,
      });
      if (answer.value === null) break;
      const proven = decodeCanonical(hexToBytes(answer.value)) as InterchainPacket;
      const at = { from: source.chainId, to: dest.chainId, height, sequence: packet.sequence };
      try {
        const txId = await submit(
          dest,
          interchain.receive({ packet: proven, proofHeight: height, proof: proofFromView(answer.proof) }),
        );
        report({ kind: 'receive', ...at, code: 'OK', txId });
      } catch (error) {
        const code = codeOf(error);
        if (code === 'INTERCHAIN_ALREADY_RECEIVED') {
          report({ kind: 'skip', ...at, code });
          continue;
        }
        report({ kind: 'error', ...at, code, message: (error as Error).message });
        return;
      }
    }
  };

  /** Receipts `dest` holds of packets `source` sent and still counts as pending, proven back to `source`. */
  const relayReceipts = async (source: End, dest: End) => {
    const { result: sent } = await query<OutboxEntryView[]>(source.client, {
      module: 'interchain',
      name: 'outbox',
      params: { chainId: dest.chainId, limit: 500 },
    });
    const pending = sent.filter((e) => e.status.status === 'pending').slice(0, batch);
    if (pending.length === 0) return;
    const { result: receipts } = await query<Array<{ sequence: number; receivedAtHeight: number }>>(
      dest.client,
      {
        module: 'interchain',
        name: 'receipts',
        params: { chainId: source.chainId, after: pending[0]!.packet.sequence - 1, limit: batch },
      },
    );
    const received = new Map(receipts.map((r) => [r.sequence, r.receivedAtHeight]));
    const todo = pending.filter((e) => received.has(e.packet.sequence));
    if (todo.length === 0) return;
    const needed = Math.max(...todo.map((e) => received.get(e.packet.sequence)!));
    const height = await ensureVerified(dest, source, needed);
    if (height === undefined) return;
    for (const { packet } of todo) {
      const answer = await getStateProof(dest.client, {
        path: RECEIPT(source.chainId, packet.sequence),
        height,
      });
      if (answer.value === null) continue;
      const receipt = decodeCanonical(hexToBytes(answer.value)) as InterchainReceipt;
      const at = { from: dest.chainId, to: source.chainId, height, sequence: packet.sequence };
      try {
        const txId = await submit(
          source,
          interchain.acknowledge({
            destChain: dest.chainId,
            sequence: packet.sequence,
            receipt,
            proofHeight: height,
            proof: proofFromView(answer.proof),
          }),
        );
        report({ kind: 'acknowledge', ...at, code: 'OK', txId, message: receipt.status });
      } catch (error) {
        const code = codeOf(error);
        report({ kind: code === 'INTERCHAIN_ALREADY_ACKNOWLEDGED' ? 'skip' : 'error', ...at, code });
      }
    }
  };

  const relayer: Relayer = {
    async step() {
      events = [];
      for (const end of ends) {
        if (end.chainId === '') end.chainId = (await getStatus(end.client)).chainId;
      }
      const [a, b] = ends;
      if (a.chainId === b.chainId) throw new Error(`both ends are chain ${a.chainId}`);
      for (const [source, dest] of [
        [a, b],
        [b, a],
      ] as const) {
        try {
          await relayPackets(source, dest);
          await relayReceipts(source, dest);
        } catch (error) {
          report({
            kind: 'error',
            from: source.chainId,
            to: dest.chainId,
            code: codeOf(error),
            message: (error as Error).message,
          });
        }
      }
      return events;
    },
    async run({ intervalMs = 1000, signal }) {
      while (signal?.aborted !== true) {
        await relayer.step();
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', wake);
            resolve();
          };
          const timer = setTimeout(wake, intervalMs);
          signal?.addEventListener('abort', wake, { once: true });
        });
      }
    },
  };
  return relayer;
}
