/**
 * The node's own consensus code under a seeded, replayable simulation (issue 12): several validators in
 * one process, each the node's real `ConsensusDriver` with its real `Chain` (LMDB on disk), `FileWal`,
 * guarded signer (`SignerStateFile`), mempool and block sync, on virtual time and a simulated network.
 * packages/consensus's simulator checks the algorithm with its own small node and WAL; this one checks
 * the code a node runs around the algorithm, where the holes of issue 12 were: a wiped ledger with the
 * WAL kept, sync answers nobody asked for, every node crashing at once.
 *
 * Everything that could differ between two runs is virtual: the drivers' clock and timers, every message
 * delay, every fault. A run is a pure function of its seed (and mix); `trace` is a hash of every commit
 * in order, so two runs of one seed can be compared.
 *
 * Faults, by mix:
 * - `crashes`: validators (at most f at a time) crash and restart from their ledger and WAL;
 * - `crash-all`: every validator crashes at once (more than f), then each restarts;
 * - `wipe`: a validator's ledger is deleted (its WAL and signer state kept, as the operator's guide
 *   says) and it comes back by block sync through heights it had voted in;
 * - `sync-liar`: a member pushes every node sync answers nobody asked for: genuine certificates with
 *   garbage blocks (finding 1 of docs/reliability.md), while validators crash and catch up;
 * - `equivocator`: one validator's key also signs a second vote for an invented block in every slot,
 *   sent to half the nodes (the validator's own driver runs on honestly);
 * - `partitions`: a minority, or a split without a quorum, is cut off for a while.
 * Checked throughout: every two nodes agree at every height; no honest validator sends two different
 * votes (or proposals) for one height, round and type (every message a driver sends is recorded);
 * after the faults heal, every node commits `progressBlocks` more blocks within `healMs`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Prng } from '@hanglian/consensus/simulator';
import {
  addressFromPublicKey,
  bytesToHex,
  commitCodec,
  ed25519Sha256,
  type SigningKey,
  sha256,
  signTx,
} from '@hanglian/core';
import { type Application, createApplication } from '../application.js';
import { Chain } from '../chain/chain.js';
import { initNetwork } from '../config/init.js';
import { networkPaths } from '../config/network.js';
import { type BlockTiming, ConsensusDriver } from '../consensus/driver.js';
import { consensusAddressOf, Ed25519ConsensusSigner } from '../consensus/ed25519Signer.js';
import { FileWal } from '../consensus/fileWal.js';
import { GuardedSigner } from '../consensus/guardedSigner.js';
import type { Scheduler, TimerHandle } from '../consensus/scheduler.js';
import { SignerStateFile } from '../consensus/signerState.js';
import type { Channel, MessageHandler, PeerTransport } from '../consensus/transport.js';
import { decodeConsensusMessage, encodeConsensusMessage, syncWireCodec } from '../consensus/wire.js';
import { readKeyFile } from '../keystore/keystore.js';
import { createLogger } from '../logger.js';
import { Mempool } from '../mempool/mempool.js';

export const DRIVER_FAULT_MIXES = [
  'crashes',
  'crash-all',
  'wipe',
  'sync-liar',
  'equivocator',
  'partitions',
] as const;
export type DriverFaultMix = (typeof DRIVER_FAULT_MIXES)[number];

export interface DriverSimulationOptions {
  readonly seed: number;
  /** Default: by the seed, the mix's turn in DRIVER_FAULT_MIXES. */
  readonly mix?: DriverFaultMix;
  /** Default: drawn from the seed, 4 to 7. */
  readonly validators?: number;
  /** Virtual time with faults (ms). */
  readonly faultPhaseMs?: number;
  /** Virtual time after the last fault healed within which every node must commit `progressBlocks`. */
  readonly healMs?: number;
  readonly progressBlocks?: number;
  /** Where the nodes' ledgers, WALs and signer states go (default: a temporary directory, removed). */
  readonly dir?: string;
  /** Block timing (default: quick empty blocks and no idle back-off, the chain carrying no transactions). */
  readonly timing?: Partial<BlockTiming>;
  /** false: no fault at all (for timing checks); the mix still names the run. */
  readonly faults?: boolean;
  /**
   * Virtual ms after the start at which one signed transfer reaches every node's mempool (as a client's
   * submission and its relay would): how soon a block takes it, when the chain was idle, is measured.
   */
  readonly transactionAtMs?: number;
  /** Told every commit and fault with its virtual time, for comparing two runs line by line. */
  readonly trace?: (line: string) => void;
}

export interface DriverSimulationResult {
  readonly seed: number;
  readonly mix: DriverFaultMix;
  readonly validators: number;
  readonly heights: readonly number[];
  readonly crashes: number;
  readonly wipes: number;
  readonly partitions: number;
  /** Unsolicited sync answers the liar sent, and the answers and blocks block sync dropped (current incarnations). */
  readonly forgedAnswers: number;
  /** Of those, answers to requests a node's block sync made of the liar (it announced the top height). */
  readonly liesAsked: number;
  readonly rejectedBlocks: number;
  /** Slots the equivocator double-voted in, and the double votes the honest drivers proved. */
  readonly equivocations: number;
  readonly evidence: number;
  /** Signed messages the honest drivers sent (each checked against what it signed before). */
  readonly signedMessages: number;
  /** Signatures a wiped validator's guard refused at heights below the last it signed (harmless, counted). */
  readonly staleRefusals: number;
  readonly violations: readonly string[];
  /** With `transactionAtMs`: virtual ms from its arrival to the first block holding a transaction. */
  readonly transactionCommittedAfterMs?: number;
  /** The longest time between two consecutive blocks (the first node to commit each), virtual ms. */
  readonly longestBlockGapMs: number;
  /** SHA-256 over every node's commits in order: equal for two runs of one seed. */
  readonly trace: string;
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void | Promise<void>;
  cancelled: boolean;
}

/** Virtual time: timers in a heap by (time, order of arming). */
class VirtualScheduler implements Scheduler {
  now: number;
  #seq = 0;
  readonly #heap: Timer[] = [];

  constructor(start: number) {
    this.now = start;
  }

  at(time: number, fn: () => void | Promise<void>): Timer {
    const timer: Timer = { at: Math.max(time, this.now), seq: this.#seq++, fn, cancelled: false };
    const heap = this.#heap;
    heap.push(timer);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (VirtualScheduler.#before(heap[parent]!, heap[i]!)) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
    return timer;
  }

  static #before(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  peek(): Timer | undefined {
    return this.#heap[0];
  }

  pop(): Timer | undefined {
    const heap = this.#heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && VirtualScheduler.#before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && VirtualScheduler.#before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.at(this.now + Math.max(0, ms), fn) as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    (handle as unknown as Timer).cancelled = true;
  }

  setImmediate(fn: () => void): void {
    this.at(this.now, fn);
  }
}

interface SimNode {
  readonly index: number;
  readonly name: string;
  readonly key: SigningKey;
  readonly address: string;
  readonly dataDir: string;
  readonly walPath: string;
  readonly signerPath: string;
  up: boolean;
  /** Handlers of the current incarnation (a restarted node registers new ones). */
  handlers: Map<Channel, MessageHandler>;
  application?: Application;
  chain?: Chain;
  signerState?: SignerStateFile;
  mempool?: Mempool;
  driver?: ConsensusDriver;
  evidence: number;
}

const BLOCK_TIMING: BlockTiming = {
  minBlockIntervalMs: 20,
  emptyBlockIntervalMs: 400,
  maxIdleBlockIntervalMs: 0,
};
const GENESIS_TIME = 1_700_000_000_000;

export async function runDriverSimulation(options: DriverSimulationOptions): Promise<DriverSimulationResult> {
  // The consensus simulator's generator: the simulation's only source of chance.
  const random = new Prng(options.seed ^ 0x5eed_d21e);
  const mix = options.mix ?? DRIVER_FAULT_MIXES[options.seed % DRIVER_FAULT_MIXES.length]!;
  const n = options.validators ?? random.pick([4, 4, 5, 7]);
  const f = Math.floor((n - 1) / 3);
  const faultPhaseMs = options.faultPhaseMs ?? 40_000;
  const healMs = options.healMs ?? 60_000;
  const progressBlocks = options.progressBlocks ?? 3;
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hanglian-driver-sim-'));
  const violations: string[] = [];
  const counts = {
    crashes: 0,
    wipes: 0,
    partitions: 0,
    forgedAnswers: 0,
    equivocations: 0,
    signed: 0,
    staleRefusals: 0,
    liesAsked: 0,
  };

  const net = initNetwork({
    dir: join(dir, 'net'),
    chainId: 'hanglian-driver-sim',
    validators: n,
    fullNodes: 0,
    genesisTime: GENESIS_TIME,
    scryptN: 1024,
    basePort: 0,
    // Keys (and so the genesis, the proposers and every hash) from the seed: a run replays exactly.
    keySeed: sha256(new TextEncoder().encode(`driver-simulation/${options.seed}/${n}`)),
    extraAccounts: options.transactionAtMs === undefined ? 0 : 1,
  });
  const scheduler = new VirtualScheduler(GENESIS_TIME + 1_000);
  const clock = () => scheduler.now;
  const logger = createLogger('driver-sim', 'silent');
  const nodes: SimNode[] = net.manifest.nodes.map((m, index) => {
    const key = readKeyFile(networkPaths.key(join(dir, 'net'), m.name), net.passphrase);
    const home = join(dir, 'nodes', m.name);
    mkdirSync(home, { recursive: true });
    return {
      index,
      name: m.name,
      key,
      address: consensusAddressOf(key.publicKey),
      dataDir: join(home, 'data'),
      walPath: join(home, 'consensus.wal'),
      signerPath: join(home, 'signer-state'),
      up: false,
      handlers: new Map(),
      evidence: 0,
    };
  });
  const byAddress = new Map(nodes.map((node) => [node.address, node]));
  // The equivocator's key is the last validator's: that validator is the one faulty one (f ≥ 1).
  const byzantine = mix === 'equivocator' ? nodes[n - 1]! : undefined;

  // The network: per directed link a latency drawn once, jitter per message, links cut by partitions.
  const latency = new Map<string, number>();
  for (const a of nodes)
    for (const b of nodes) if (a !== b) latency.set(`${a.index}>${b.index}`, random.range(2, 40));
  const cut = new Set<string>();
  const deliver = (from: number, to: SimNode, channel: Channel, payload: Uint8Array, extraMs = 0) => {
    if (cut.has(`${from}>${to.index}`)) return;
    const delay = (latency.get(`${from}>${to.index}`) ?? 5) + random.range(0, 10) + extraMs;
    const sender = from < nodes.length ? nodes[from]!.address : `member-${from}`;
    scheduler.at(scheduler.now + delay, () => {
      if (!to.up) return;
      to.handlers.get(channel)?.(sender, payload);
    });
  };

  // What each honest validator signed, by slot: a second, different message is a double-sign.
  const signed = new Map<string, string>();
  const recordSent = (node: SimNode, payload: Uint8Array) => {
    if (node === byzantine) return;
    const message = decodeConsensusMessage(payload);
    const [signer, slot, value] =
      message.kind === 'vote'
        ? [
            message.vote.validator,
            `${message.vote.height}/${message.vote.round}/${message.vote.type}`,
            message.vote.blockHash ?? 'nil',
          ]
        : [
            message.proposal.proposer,
            `${message.proposal.height}/${message.proposal.round}/proposal`,
            message.proposal.blockHash,
          ];
    if (signer !== node.address) return;
    const key = `${signer}/${slot}`;
    const before = signed.get(key);
    if (before === undefined) {
      signed.set(key, value);
      counts.signed++;
    } else if (before !== value)
      violations.push(
        `double-sign: ${node.name} sent ${slot} for ${before.slice(0, 12)} and ${value.slice(0, 12)}`,
      );
  };

  // The sync liar is a member peer too: it announces the top height, so block sync asks it, and answers
  // every request with genuine certificates and garbage blocks.
  const liarAddress = `member-${nodes.length}`;
  const liarPeers = mix === 'sync-liar' ? [liarAddress] : [];
  const transportOf = (node: SimNode): PeerTransport => ({
    broadcast: (channel, payload) => {
      if (channel === 'consensus') recordSent(node, payload);
      for (const other of nodes) if (other !== node) deliver(node.index, other, channel, payload);
    },
    send: (peer, channel, payload) => {
      if (channel === 'consensus') recordSent(node, payload);
      const other = byAddress.get(peer);
      if (other !== undefined) deliver(node.index, other, channel, payload);
      else if (peer === liarAddress && channel === 'sync' && liarPeers.length > 0)
        scheduler.at(scheduler.now + random.range(2, 40), () => answerLie(node, payload));
    },
    onMessage: (channel, handler) => {
      node.handlers.set(channel, handler);
    },
    peers: () => [...nodes.filter((o) => o !== node && o.up).map((o) => o.address), ...liarPeers],
    revalidate: () => {},
    isolate: () => {},
    restore: () => {},
    close: async () => {},
  });

  // Agreement: the first hash committed at each height; every later commit must match it.
  const agreed = new Map<number, string>();
  /** When each height was first committed, for the longest gap between blocks. */
  const firstCommitAt = new Map<number, number>();
  let longestGap = 0;
  let txArrivedAt: number | undefined;
  let txCommittedAfter: number | undefined;
  /** One transfer of 1 from the network's funded account to itself, into every running node's mempool. */
  const submitTransfer = () => {
    const org = net.manifest.organisations[0]!.id;
    const key = readKeyFile(networkPaths.orgKey(join(dir, 'net'), org, 'account-0'), net.passphrase);
    const reference = nodes.find((x) => x.up)!;
    const tx = signTx(
      {
        v: 1,
        chainId: net.genesis.chainId,
        module: 'settlement',
        command: 'transfer',
        params: { to: addressFromPublicKey(key.publicKey), amount: 1 },
        submitter: key.publicKey,
        nonce: 0,
        expiresAt: reference.chain!.height + 1_000,
        actors: [],
      },
      key,
    );
    txArrivedAt = scheduler.now;
    for (const node of nodes) {
      if (!node.up) continue;
      node.mempool!.add(tx, node.chain!.reader(), {
        height: node.chain!.height + 1,
        time: scheduler.now,
      });
      node.driver!.onTransactionAdmitted();
    }
  };
  const commitLog: string[] = [];

  const start = (node: SimNode) => {
    // A restart planned past the fault phase finds the node already brought back by the heal.
    if (node.up) return;
    const application = createApplication({ chainId: net.genesis.chainId, suite: ed25519Sha256 });
    const chain = Chain.open({
      dataDir: node.dataDir,
      genesis: net.genesis,
      stateMachine: application.stateMachine,
      suite: ed25519Sha256,
      validators: application.validators,
    });
    const signerState = SignerStateFile.open(node.signerPath, {
      chainId: chain.chainId,
      validator: bytesToHex(node.key.publicKey),
    });
    const mempool = new Mempool(application.stateMachine, chain.chainId, {}, undefined);
    node.handlers = new Map();
    const driver = new ConsensusDriver({
      chain,
      mempool,
      key: node.key,
      // In the simulation a crash falls between two events, never between the signer's fsync and the
      // WAL append, so the machine never has a reason to sign against its guard: a refusal is the
      // machine trying to double-sign, stopped only by the last line of defence.
      // A wiped validator starts again at height 1 and may try to sign at heights it left long ago: its
      // guard refuses those (counted); one at or past the last height it signed is a violation.
      signer: new GuardedSigner(
        new Ed25519ConsensusSigner(chain.chainId, node.key),
        signerState,
        (refusal) => {
          if (refusal.height < refusal.last.height) counts.staleRefusals++;
          else
            violations.push(
              `signer refusal: ${node.name}'s machine tried to sign ${refusal.step} ${refusal.height}/${refusal.round} against what it signed before (${refusal.last.step} ${refusal.last.height}/${refusal.last.round})`,
            );
        },
      ),
      suite: ed25519Sha256,
      transport: transportOf(node),
      wal: new FileWal(node.walPath),
      timing: { ...BLOCK_TIMING, ...options.timing },
      maxBlockTxs: 1_000,
      maxBlockBytes: 1_000_000,
      clock,
      scheduler,
      logger,
      onCommitted: (prepared) => {
        const height = prepared.block.header.height;
        const hash = bytesToHex(prepared.hash);
        commitLog.push(`${node.name}@${height}=${hash}`);
        options.trace?.(
          `${scheduler.now - GENESIS_TIME} ${node.name} committed ${height} ${hash.slice(0, 16)} round ${prepared.block.header.height}`,
        );
        const first = agreed.get(height);
        if (first === undefined) {
          agreed.set(height, hash);
          const previous = firstCommitAt.get(height - 1);
          if (previous !== undefined) longestGap = Math.max(longestGap, scheduler.now - previous);
          firstCommitAt.set(height, scheduler.now);
          if (prepared.txs.length > 0 && txArrivedAt !== undefined && txCommittedAfter === undefined)
            txCommittedAfter = scheduler.now - txArrivedAt;
        } else if (first !== hash)
          violations.push(
            `agreement: ${node.name} committed ${hash.slice(0, 12)} at ${height}, another node ${first.slice(0, 12)}`,
          );
      },
      onExcluded: () => {},
      onEvidence: () => {
        node.evidence++;
      },
    });
    Object.assign(node, { application, chain, signerState, mempool, driver, up: true });
    driver.start();
  };

  /** A process crash: nothing more runs; the ledger, WAL and signer state stay on disk as written. */
  const crash = async (node: SimNode) => {
    if (!node.up) return;
    options.trace?.(`${scheduler.now - GENESIS_TIME} ${node.name} crashes at height ${node.chain!.height}`);
    node.up = false;
    node.driver!.stop();
    node.signerState!.close();
    await node.chain!.close();
    counts.crashes++;
  };

  const wipe = async (node: SimNode) => {
    await crash(node);
    rmSync(node.dataDir, { recursive: true, force: true });
    counts.wipes++;
  };

  // The sync liar: a member that pushes every node, every 150 ms, sync answers nobody asked for: genuine
  // certificates of the next heights (read from the nodes' ledgers, as /v1/headers gives them to anyone)
  // with garbage bytes where the block should be.
  const liarIndex = nodes.length;
  /** Garbage in place of each block of `from..from+count-1` whose certificate an honest ledger has. */
  const forgedItems = (from: number, count: number) => {
    const top = Math.max(...nodes.filter((x) => x.up).map((x) => x.chain!.height));
    const source = nodes.find((x) => x.up && x.chain!.height === top);
    const items: Array<{ block: Uint8Array; commit: Uint8Array }> = [];
    for (let h = from; h < from + count && source !== undefined; h++) {
      const commit = source.chain!.getCommit(h);
      if (commit === undefined) break;
      const garbage = Uint8Array.from({ length: random.range(64, 512) }, () => random.range(0, 255));
      items.push({ block: garbage, commit: commitCodec.encode(commit) });
    }
    return items;
  };
  const answerLie = (asker: SimNode, payload: Uint8Array) => {
    if (!asker.up) return;
    const request = syncWireCodec.decode(payload);
    if (request.kind !== 'blocks-request') return;
    const items = forgedItems(request.from, request.count);
    if (items.length === 0) return;
    deliver(liarIndex, asker, 'sync', syncWireCodec.encode({ kind: 'blocks', items }));
    counts.forgedAnswers++;
    counts.liesAsked++;
  };
  const lie = () => {
    const claimed = Math.max(...nodes.filter((x) => x.up).map((x) => x.chain!.height));
    for (const victim of nodes)
      if (victim.up)
        deliver(liarIndex, victim, 'sync', syncWireCodec.encode({ kind: 'status', height: claimed }));
    for (const victim of nodes) {
      if (!victim.up) continue;
      const items = forgedItems(victim.chain!.height + 1, 8);
      if (items.length === 0) continue;
      deliver(liarIndex, victim, 'sync', syncWireCodec.encode({ kind: 'blocks', items }));
      counts.forgedAnswers++;
    }
  };

  // The equivocator: in each slot an honest vote shows, a vote for an invented block to half the nodes.
  const equivocated = new Set<string>();
  const equivocatorSigner =
    byzantine === undefined ? undefined : new Ed25519ConsensusSigner(net.genesis.chainId, byzantine.key);
  const equivocate = () => {
    if (byzantine === undefined || equivocatorSigner === undefined) return;
    const reference = nodes.find((x) => x.up && x !== byzantine);
    if (reference?.driver?.height === undefined) return;
    const height = reference.driver.height;
    const round = reference.driver.round ?? 0;
    for (const type of ['prevote', 'precommit'] as const) {
      const slot = `${height}/${round}/${type}`;
      if (equivocated.has(slot)) continue;
      equivocated.add(slot);
      counts.equivocations++;
      const invented = bytesToHex(Uint8Array.from({ length: 32 }, () => random.range(0, 255)));
      random.shuffled(nodes.filter((x) => x !== byzantine)).forEach((victim, i) => {
        if (i % 2 !== 0) return;
        const vote = { type, height, round, blockHash: invented, validator: byzantine.address };
        deliver(
          liarIndex,
          victim,
          'consensus',
          encodeConsensusMessage({ kind: 'vote', vote, signature: equivocatorSigner.signVote(vote) }),
        );
      });
    }
  };

  // The fault schedule, drawn up front from the seed.
  const faultEnd = scheduler.now + faultPhaseMs;
  const honest = nodes.filter((x) => x !== byzantine);
  const maxDown = byzantine === undefined ? f : 0;
  const plan: Array<{ at: number; run: () => Promise<void> | void }> = [];
  for (
    let t = scheduler.now + random.range(2_000, 4_000);
    options.faults !== false && t < faultEnd;
    t += random.range(2_500, 6_000)
  ) {
    const duration = random.range(800, 4_000);
    if (mix === 'crash-all') {
      const order = random.shuffled(nodes);
      plan.push({
        at: t,
        run: async () => {
          for (const x of order) await crash(x);
        },
      });
      for (const [i, x] of order.entries())
        plan.push({ at: t + duration + i * random.range(0, 300), run: () => start(x) });
      t += duration + order.length * 300;
    } else if (mix === 'partitions') {
      const shuffled = random.shuffled(nodes);
      const side = random.chance(0.5) ? random.range(1, Math.max(1, f)) : Math.ceil(n / 2);
      const small = shuffled.slice(0, side);
      const large = shuffled.slice(side);
      plan.push({
        at: t,
        run: () => {
          counts.partitions++;
          for (const a of small)
            for (const b of large) {
              cut.add(`${a.index}>${b.index}`);
              cut.add(`${b.index}>${a.index}`);
            }
        },
      });
      plan.push({ at: t + duration, run: () => cut.clear() });
    } else if (maxDown > 0) {
      // crashes, wipe, sync-liar: one validator at a time (never more than f down).
      const victim = random.pick(honest);
      const wipeIt = mix === 'wipe' || (mix === 'sync-liar' && random.chance(0.5));
      // Half the wipes come during a stall: f more validators are cut off, so the network is still at
      // the height the victim voted in when it comes back, and it must resume that height from its WAL
      // (finding "a wiped validator can sign twice").
      const stalled =
        wipeIt && random.chance(0.5) ? random.shuffled(honest.filter((x) => x !== victim)).slice(0, f) : [];
      const isolate = (on: boolean) => {
        for (const a of stalled)
          for (const b of nodes)
            if (a !== b) {
              for (const link of [`${a.index}>${b.index}`, `${b.index}>${a.index}`])
                on ? cut.add(link) : cut.delete(link);
            }
      };
      plan.push({
        at: t,
        run: () => {
          if (stalled.length > 0) isolate(true);
          return wipeIt ? wipe(victim) : crash(victim);
        },
      });
      // A stalled network stays in one round for seconds: back within it, the victim meets again the
      // very round it voted in.
      const back = stalled.length > 0 ? random.range(50, 600) : duration;
      plan.push({ at: t + back, run: () => start(victim) });
      if (stalled.length > 0) {
        const healAt = t + back + random.range(500, 4_000);
        plan.push({ at: healAt, run: () => isolate(false) });
        t = healAt;
      }
      t += duration;
    }
  }

  const result = (heights: number[]): DriverSimulationResult => ({
    seed: options.seed,
    mix,
    validators: n,
    heights,
    crashes: counts.crashes,
    wipes: counts.wipes,
    partitions: counts.partitions,
    forgedAnswers: counts.forgedAnswers,
    liesAsked: counts.liesAsked,
    rejectedBlocks: nodes.reduce(
      (sum, x) =>
        sum +
        (x.driver?.syncStats.rejectedBlocks ?? 0) +
        (x.driver?.syncStats.rejectedAnswers ?? 0) +
        (x.driver?.syncStats.unsolicited ?? 0),
      0,
    ),
    equivocations: counts.equivocations,
    evidence: nodes.reduce((sum, x) => sum + x.evidence, 0),
    signedMessages: counts.signed,
    longestBlockGapMs: longestGap,
    ...(txCommittedAfter === undefined ? {} : { transactionCommittedAfterMs: txCommittedAfter }),
    staleRefusals: counts.staleRefusals,
    violations,
    trace: bytesToHex(sha256(new TextEncoder().encode(commitLog.join('\n')))),
  });

  try {
    for (const node of nodes) start(node);
    for (const step of plan) scheduler.at(step.at, step.run);
    if (options.transactionAtMs !== undefined)
      scheduler.at(GENESIS_TIME + 1_000 + options.transactionAtMs, submitTransfer);
    if (mix === 'sync-liar') for (let t = scheduler.now + 1_000; t < faultEnd; t += 150) scheduler.at(t, lie);
    if (mix === 'equivocator')
      for (let t = scheduler.now + 1_000; t < faultEnd; t += 100) scheduler.at(t, equivocate);

    const runUntil = async (time: number, until?: () => boolean) => {
      for (;;) {
        if (violations.length > 0 || until?.() === true) return;
        const next = scheduler.peek();
        if (next === undefined) return;
        if (next.at > time) {
          scheduler.now = time;
          return;
        }
        const timer = scheduler.pop()!;
        scheduler.now = timer.at;
        if (!timer.cancelled) await timer.fn();
      }
    };
    await runUntil(faultEnd);
    // Heal: every node up, every link whole; then each must commit `progressBlocks` more blocks.
    cut.clear();
    for (const node of nodes) if (!node.up) start(node);
    const target = Math.max(...nodes.map((x) => x.chain!.height)) + progressBlocks;
    await runUntil(scheduler.now + healMs, () => nodes.every((x) => x.chain!.height >= target));
    const heights = nodes.map((x) => x.chain!.height);
    if (violations.length === 0 && heights.some((h) => h < target))
      violations.push(`progress: heights ${heights.join(',')} ${healMs} ms after the heal, target ${target}`);
    if (
      mix === 'equivocator' &&
      violations.length === 0 &&
      counts.equivocations > 0 &&
      result(heights).evidence === 0
    )
      violations.push('evidence: the equivocator double-voted and no honest driver proved it');
    return result(heights);
  } finally {
    for (const node of nodes) if (node.up) await crash(node).catch(() => {});
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  }
}
