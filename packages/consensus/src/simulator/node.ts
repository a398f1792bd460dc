import type { ConsensusInput, ConsensusOutput, ConsensusSigner } from '../interface.js';
import { ConsensusMachine } from '../machine/machine.js';
import type { Evidence, Height } from '../types.js';
import { MemoryWal } from '../wal/memoryWal.js';
import { recordsForHeight } from '../wal/records.js';
import { hashPayload, SimApplication } from './app.js';
import { GuardedSimSigner } from './guardedSigner.js';
import { messageHeight, type SyncedCommit, type WireMessage } from './messages.js';
import type { Prng } from './prng.js';
import type { ByzantineBehaviour } from './scenario.js';
import type { Simulation } from './simulation.js';

export type NodeRole = 'honest' | 'twin' | 'byzantine';

const SYNC_BATCH = 20;
const SYNC_INTERVAL_MS = 150;
/** How long a peer whose sync answer failed is not asked again. */
const SYNC_BENCH_MS = 2_000;

/**
 * One simulated node and its driver: it carries out the machine's outputs the way the real node must
 * (WAL synced before anything that follows a write leaves the node), validates and commits through its
 * application, re-sends its own messages periodically (the network loses them), and catches up from
 * peers' commit certificates when it sees it is behind.
 */
export class SimNode {
  readonly wal = new MemoryWal();
  /** What the machine signs with: the node's key behind the double-sign guard, remembered across crashes. */
  readonly guardedSigner: GuardedSimSigner;
  readonly app: SimApplication;
  readonly evidence: Evidence[] = [];
  machine: ConsensusMachine | null = null;
  up = false;
  /** Bumped on every crash and restart, so timers of a previous life never fire into the new one. */
  private incarnation = 0;
  private readonly inputs: ConsensusInput[] = [];
  private draining = false;
  private readonly pendingCommits = new Map<Height, SyncedCommit>();
  private readonly lastSyncRequest = new Map<number, number>();
  private readonly lastSyncServe = new Map<number, number>();
  private readonly lastCommitVotes = new Map<number, number>();
  /** Peers asked for blocks and not answered yet: only their answers are taken (as the node's block sync). */
  private readonly syncAsked = new Map<number, Height>();
  private readonly syncBenchedUntil = new Map<number, number>();
  /** Sync answers refused: unasked, or a block that does not hash to its certificate. */
  syncRefused = 0;
  crashes = 0;
  /** Messages lost to a restart's deaf window (`restartDeafMs`). */
  deafDropped = 0;
  /** Until then this life hears nothing (`restartDeafMs`). */
  deafUntil = -Infinity;

  constructor(
    private readonly sim: Simulation,
    readonly index: number,
    readonly signer: ConsensusSigner,
    readonly role: NodeRole,
    readonly behaviour: ByzantineBehaviour | undefined,
    appRandom: Prng,
  ) {
    this.app = new SimApplication(appRandom);
    this.guardedSigner = new GuardedSimSigner(signer);
  }

  get key(): string {
    return this.signer.address;
  }

  /** Starts (or restarts) the node: a fresh machine rebuilt from the durable WAL and the committed chain. */
  start(): void {
    this.up = true;
    this.incarnation++;
    if (this.crashes > 0 && this.sim.config.restartDeafMs !== undefined)
      this.deafUntil = this.sim.now + this.sim.config.restartDeafMs;
    this.machine = new ConsensusMachine({
      signer: this.guardedSigner,
      verifier: this.sim.keyring,
      timeouts: this.sim.config.timeouts,
    });
    const height = this.app.lastHeight + 1;
    this.feed({
      type: 'start-height',
      height,
      validators: this.sim.schedule.setFor(height),
      recovered: recordsForHeight(this.wal.replay(), height),
    });
    this.scheduleGossip();
  }

  /** Dies at once: memory and the unsynced WAL tail are gone; the committed chain and synced WAL stay. */
  crash(): void {
    this.up = false;
    this.crashes++;
    this.incarnation++;
    this.wal.crash();
    this.machine = null;
    this.inputs.length = 0;
    this.pendingCommits.clear();
    this.syncAsked.clear();
  }

  /** Steps the machine with `input` and then with whatever the outputs lead to (next height, synced commits). */
  feed(input?: ConsensusInput): void {
    if (input !== undefined) this.inputs.push(input);
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.machine !== null) {
        const next = this.inputs.shift() ?? this.takePendingCommit();
        if (next === undefined) break;
        this.carryOut(this.machine.step(next));
      }
    } finally {
      this.draining = false;
    }
  }

  receive(from: number, wire: WireMessage): void {
    const machine = this.machine;
    if (!this.up || machine === null) return;
    if (this.sim.now < this.deafUntil) {
      this.deafDropped++;
      return;
    }
    const height = machine.height ?? 0;
    switch (wire.kind) {
      case 'consensus': {
        const messageAt = messageHeight(wire.message);
        if (messageAt > height) this.requestSync(from, height);
        else if (messageAt < height) {
          this.serveSync(from, messageAt);
          this.sendCommitVotes(from, messageAt);
        }
        if (wire.message.kind === 'vote') this.feed({ type: 'vote-received', message: wire.message });
        else this.feed({ type: 'proposal-received', message: wire.message });
        return;
      }
      case 'sync-request':
        this.serveSync(from, wire.height);
        return;
      case 'sync-response': {
        // The node's rules (packages/node/src/sync/blockSync.ts): only an answer to a request this node
        // made, and only blocks whose bytes hash to their certificate's block hash; a peer that fails is
        // not asked for a while. The machine checks each certificate's signatures.
        const asked = this.syncAsked.get(from);
        if (asked === undefined) {
          this.syncRefused++;
          return;
        }
        this.syncAsked.delete(from);
        if (wire.commits.some((c) => hashPayload(c.payload) !== c.certificate.blockHash)) {
          this.syncRefused++;
          this.syncBenchedUntil.set(from, this.sim.now + SYNC_BENCH_MS);
          return;
        }
        for (const commit of wire.commits) {
          if (commit.certificate.height >= height) this.pendingCommits.set(commit.certificate.height, commit);
        }
        this.feed();
        return;
      }
    }
  }

  /** A commit learnt from a peer for the height the machine is at, as an input. */
  private takePendingCommit(): ConsensusInput | undefined {
    const machine = this.machine;
    if (machine === null || machine.decided || machine.height === undefined) return undefined;
    for (const h of [...this.pendingCommits.keys()]) if (h < machine.height) this.pendingCommits.delete(h);
    const commit = this.pendingCommits.get(machine.height);
    if (commit === undefined) return undefined;
    this.pendingCommits.delete(machine.height);
    return { type: 'commit-received', certificate: commit.certificate, payload: commit.payload };
  }

  private requestSync(peer: number, height: Height): void {
    const last = this.lastSyncRequest.get(peer) ?? -Infinity;
    if (this.sim.now - last < SYNC_INTERVAL_MS) return;
    if ((this.syncBenchedUntil.get(peer) ?? -Infinity) > this.sim.now) return;
    this.lastSyncRequest.set(peer, this.sim.now);
    this.syncAsked.set(peer, height);
    this.sim.send(this, peer, { kind: 'sync-request', height });
  }

  private serveSync(peer: number, height: Height): void {
    if (this.app.lastHeight < height || height < 1) return;
    const last = this.lastSyncServe.get(peer) ?? -Infinity;
    if (this.sim.now - last < SYNC_INTERVAL_MS) return;
    this.lastSyncServe.set(peer, this.sim.now);
    const commits = this.app.chain
      .slice(height - 1, height - 1 + SYNC_BATCH)
      .map((b) => ({ certificate: b.certificate, payload: b.payload }));
    if (this.behaviour === 'lying-syncer') {
      // Genuine certificates, tampered bytes; and the same pushed, unasked, to everyone else.
      const lies = commits.map((c) => ({ certificate: c.certificate, payload: tamper(c.payload) }));
      for (const other of this.sim.nodes)
        if (other !== this) this.sim.send(this, other.index, { kind: 'sync-response', commits: lies });
      return;
    }
    this.sim.send(this, peer, { kind: 'sync-response', commits });
  }

  /**
   * A peer still at a height this node decided gets that height's precommits (from the certificate): votes
   * prove themselves, so the peer can decide from them even if no honest peer serves it the block by sync.
   * As CometBFT gossips its last commit. Without it, nodes that crashed after precommitting (their WAL
   * keeps only their own votes) could wait forever for a decider that moved on.
   */
  private sendCommitVotes(peer: number, height: Height): void {
    const block = this.app.chain[height - 1];
    if (block === undefined) return;
    const last = this.lastCommitVotes.get(peer) ?? -Infinity;
    if (this.sim.now - last < SYNC_INTERVAL_MS) return;
    this.lastCommitVotes.set(peer, this.sim.now);
    const { certificate } = block;
    for (const { validator, signature } of certificate.signatures) {
      const vote = {
        type: 'precommit' as const,
        height: certificate.height,
        round: certificate.round,
        blockHash: certificate.blockHash,
        validator,
      };
      this.sim.send(this, peer, { kind: 'consensus', message: { kind: 'vote', vote, signature } });
    }
  }

  private scheduleGossip(): void {
    const incarnation = this.incarnation;
    this.sim.at(this.sim.now + this.sim.config.gossipIntervalMs, () => {
      if (!this.up || incarnation !== this.incarnation || this.machine === null) return;
      for (const message of this.machine.ownMessages()) this.sim.broadcast(this, message);
      this.scheduleGossip();
    });
  }

  /** The driver contract: WAL writes are synced before any later output of the same step is carried out. */
  private carryOut(outputs: readonly ConsensusOutput[]): void {
    let unsynced = false;
    for (const output of outputs) {
      if (output.type === 'wal-write') {
        this.wal.append(output.record);
        unsynced = true;
        continue;
      }
      // A crash in the middle of a step: what was not synced yet is lost, and nothing after it was sent.
      if (this.sim.maybeCrashMidStep(this)) return;
      if (unsynced) {
        this.wal.sync();
        unsynced = false;
      }
      this.carryOutOne(output);
      if (!this.up) return;
    }
    if (unsynced) this.wal.sync();
  }

  private carryOutOne(output: Exclude<ConsensusOutput, { type: 'wal-write' }>): void {
    const sim = this.sim;
    const incarnation = this.incarnation;
    const alive = () => this.up && incarnation === this.incarnation && this.machine !== null;
    switch (output.type) {
      case 'broadcast':
        sim.broadcast(this, output.message);
        return;
      case 'schedule-timeout':
        sim.at(sim.now + output.delayMs, () => {
          if (!alive()) return;
          sim.trace(`T ${this.index} ${output.timeout} ${output.height}/${output.round}`);
          this.feed({
            type: 'timeout-fired',
            timeout: output.timeout,
            height: output.height,
            round: output.round,
          });
        });
        return;
      case 'build-proposal':
        sim.at(sim.now + sim.appDelay(), () => {
          if (!alive() || this.app.lastHeight + 1 !== output.height) return;
          const block = this.app.buildBlock(output.height, this.behaviour === 'invalid-proposer');
          this.feed({ type: 'proposal-built', height: output.height, round: output.round, ...block });
        });
        return;
      case 'validate-proposal':
        sim.at(sim.now + sim.appDelay(), () => {
          if (!alive() || this.app.lastHeight + 1 !== output.height) return;
          const result = this.app.validate(output.height, output.blockHash, output.payload);
          this.feed({
            type: 'validation-result',
            height: output.height,
            blockHash: output.blockHash,
            result,
          });
        });
        return;
      case 'decide': {
        this.app.commit(output.height, output.payload, output.certificate);
        this.wal.truncateBelow(output.height + 1);
        sim.onCommit(this, output.height, output.blockHash);
        const next = output.height + 1;
        // As the node's driver: the WAL's records of every height started, not only the first.
        const recovered = recordsForHeight(this.wal.replay(), next);
        this.feed({
          type: 'start-height',
          height: next,
          validators: sim.schedule.setFor(next),
          ...(recovered.length > 0 ? { recovered } : {}),
        });
        return;
      }
      case 'evidence':
        this.evidence.push(output.evidence);
        return;
    }
  }
}

/** The same block bytes with one byte changed: what a lying peer pairs with a genuine certificate. */
function tamper(payload: Uint8Array): Uint8Array {
  const copy = payload.length === 0 ? new Uint8Array(1) : Uint8Array.from(payload);
  copy[0] = (copy[0]! + 1) & 0xff;
  return copy;
}
