import { createHash, type Hash } from 'node:crypto';
import type { ConsensusMessage, Height, SignedProposal, SignedVote } from '../types.js';
import { EventQueue } from './eventQueue.js';
import { HmacKeyring } from './keyring.js';
import { describe, type WireMessage } from './messages.js';
import { type NodeRole, SimNode } from './node.js';
import { Prng } from './prng.js';
import type { ScenarioConfig } from './scenario.js';
import { ValidatorSchedule } from './validatorSchedule.js';

/** Chance, per output carried out, that a node in a crash scenario dies mid-step. */
const MID_STEP_CRASH_RATE = 0.001;
const MAX_EVENTS = 5_000_000;

/**
 * A whole network in one process, in virtual time: nodes, a seeded lossy network and a fault schedule.
 * Everything that happens is an event in one queue, and every random choice comes from generators seeded by
 * the scenario's seed, so a run is exactly reproducible; `traceDigest` fingerprints it.
 */
export class Simulation {
  readonly keyring: HmacKeyring;
  readonly schedule: ValidatorSchedule;
  readonly nodes: SimNode[] = [];
  /** Every proposal any node signed and sent, by block hash: the validity check looks committed blocks up here. */
  readonly proposed = new Map<string, Uint8Array>();
  now = 0;
  /** Highest height any correct node had committed when all faults ended. */
  heightAtHeal = 0;
  healed = false;
  eventCount = 0;
  private readonly queue = new EventQueue();
  private readonly networkRandom: Prng;
  private readonly faultRandom: Prng;
  private readonly appDelayRandom: Prng;
  private readonly traceHash: Hash = createHash('sha256');
  private traceLines = 0;
  private readonly keepTrace: string[] | null;
  /** Partition group of each node, or null when the network is whole. */
  private groups: number[] | null = null;
  private goalHeight = Infinity;

  constructor(
    readonly config: ScenarioConfig,
    options: { keepTrace?: boolean } = {},
  ) {
    const random = new Prng(config.seed);
    this.networkRandom = random.fork();
    this.faultRandom = random.fork();
    this.appDelayRandom = random.fork();
    this.keepTrace = options.keepTrace === true ? [] : null;
    const n = config.genesis.length;
    const keys = [
      ...config.genesis.map((v) => v.address),
      ...Array.from({ length: config.fullNodes }, (_, j) => `v${n + j}`),
    ];
    this.keyring = new HmacKeyring(config.seed, keys);
    this.schedule = new ValidatorSchedule(
      config.genesis,
      new Map(config.validatorChanges.map((c) => [c.height, c.changes])),
    );
    const byzantine = new Map(config.byzantine.map((b) => [b.key, b.behaviour]));
    const roleOf = (key: string): NodeRole =>
      config.twins.includes(key) ? 'twin' : byzantine.has(key) ? 'byzantine' : 'honest';
    for (const key of [...keys, ...config.twins]) {
      const index = this.nodes.length;
      const node = new SimNode(
        this,
        index,
        this.keyring.signerFor(key),
        roleOf(key),
        byzantine.get(key),
        random.fork(),
      );
      this.nodes.push(node);
    }
  }

  get correctNodes(): SimNode[] {
    return this.nodes.filter((n) => n.role === 'honest');
  }

  at(time: number, run: () => void): void {
    this.queue.push(time, run);
  }

  trace(line: string): void {
    this.traceLines++;
    this.traceHash.update(`${this.now} ${line}\n`);
    this.keepTrace?.push(`${this.now} ${line}`);
  }

  get traceDigest(): string {
    return this.traceHash.copy().digest('hex');
  }

  get traceLength(): number {
    return this.traceLines;
  }

  get traceText(): readonly string[] {
    return this.keepTrace ?? [];
  }

  appDelay(): number {
    return this.appDelayRandom.range(0, 5);
  }

  /** Runs the scenario: fault phase, then healing, then until progress is shown or the window closes. */
  run(): void {
    const { config } = this;
    for (const node of this.nodes) node.start();
    this.scheduleFaults();
    const deadline = config.faultPhaseMs + config.livenessWindowMs;
    while (this.queue.size > 0 && this.eventCount < MAX_EVENTS) {
      const time = this.queue.peekTime()!;
      if (time > deadline) break;
      const event = this.queue.pop()!;
      this.now = event.time;
      this.eventCount++;
      event.run();
      if (this.healed && this.correctNodes.every((n) => n.app.lastHeight >= this.goalHeight)) break;
    }
  }

  // ----- network -----

  send(from: SimNode, to: number, wire: WireMessage): void {
    if (from.behaviour === 'silent') return;
    const { network } = this.config;
    const random = this.networkRandom;
    if (!this.connected(from.index, to)) return;
    if (random.chance(network.dropRate)) return;
    const copies = random.chance(network.duplicateRate) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const delay = random.range(network.minDelayMs, network.maxDelayMs);
      this.at(this.now + delay, () => {
        const target = this.nodes[to]!;
        if (!target.up || !this.connected(from.index, to)) return;
        this.trace(`D ${from.index}>${to} ${describe(wire)}`);
        target.receive(from.index, wire);
      });
    }
  }

  /** Sends a node's consensus message to every other node, through its Byzantine behaviour if it has one. */
  broadcast(from: SimNode, message: ConsensusMessage): void {
    if (message.kind === 'proposal') this.proposed.set(message.proposal.blockHash, message.proposal.payload);
    const alternative = this.alternativeFor(from, message);
    for (const peer of this.nodes) {
      if (peer === from) continue;
      const useAlternative = alternative !== null && this.faultRandom.chance(0.5);
      this.send(from, peer.index, { kind: 'consensus', message: useAlternative ? alternative : message });
    }
  }

  /** The conflicting twin of a message that an equivocating node sends to some of its peers. */
  private alternativeFor(from: SimNode, message: ConsensusMessage): ConsensusMessage | null {
    if (from.behaviour === 'equivocating-proposer' && message.kind === 'proposal') {
      const p = message.proposal;
      const block = from.app.buildBlock(p.height, this.faultRandom.chance(0.5));
      const proposal = { ...p, blockHash: block.blockHash, payload: block.payload };
      this.proposed.set(block.blockHash, block.payload);
      return {
        kind: 'proposal',
        proposal,
        signature: from.signer.signProposal(proposal),
      } satisfies SignedProposal;
    }
    if (from.behaviour === 'equivocating-voter' && message.kind === 'vote') {
      const v = message.vote;
      const blockHash = v.blockHash === null ? 'f'.repeat(64) : null;
      const vote = { ...v, blockHash };
      return { kind: 'vote', vote, signature: from.signer.signVote(vote) } satisfies SignedVote;
    }
    return null;
  }

  private connected(a: number, b: number): boolean {
    return this.groups === null || this.groups[a] === this.groups[b];
  }

  // ----- faults -----

  maybeCrashMidStep(node: SimNode): boolean {
    if (!this.config.crashes || this.healed || !node.up) return false;
    if (!this.faultRandom.chance(this.config.midStepCrashRate ?? MID_STEP_CRASH_RATE)) return false;
    if (this.nodes.filter((n) => !n.up).length >= this.maxDown) return false;
    this.crash(node);
    return true;
  }

  /** Crashed nodes at once, at most: crash-recovery is safe for any number, this keeps runs eventful. */
  private get maxDown(): number {
    return Math.max(1, Math.floor(this.nodes.length / 3));
  }

  private crash(node: SimNode): void {
    this.trace(`X ${node.index} crash at height ${node.app.lastHeight + 1}`);
    node.crash();
    const restartAt = Math.min(this.now + this.faultRandom.range(50, 1500), this.config.faultPhaseMs);
    this.at(restartAt, () => this.restart(node));
  }

  private restart(node: SimNode): void {
    if (node.up) return;
    this.trace(`R ${node.index} restart`);
    node.start();
    const m = node.machine;
    if (m !== null && !m.decided)
      this.trace(`S ${node.index} resumed at ${m.height}/${m.round} ${m.currentStep}`);
  }

  private scheduleFaults(): void {
    const { config } = this;
    const random = this.faultRandom;
    const count = this.nodes.length;
    if (config.fixedPartition !== undefined) {
      const groups = new Array<number>(count).fill(-1);
      config.fixedPartition.forEach((group, g) => {
        for (const i of group) groups[i] = g;
      });
      this.groups = groups;
    }
    if (config.partitions) {
      for (let t = random.range(200, 1000); t < config.faultPhaseMs; t += random.range(300, 1500)) {
        const split = random.shuffled(this.nodes.map((n) => n.index));
        const cut = random.range(1, count - 1);
        const heal = random.chance(0.4);
        this.at(t, () => {
          if (heal) {
            this.groups = null;
            this.trace('N heal');
          } else {
            const groups = new Array<number>(count).fill(0);
            split.forEach((index, position) => {
              groups[index] = position < cut ? 0 : 1;
            });
            this.groups = groups;
            this.trace(`N partition ${groups.join('')}`);
          }
        });
      }
    }
    if (config.crashes) {
      const maxDown = this.maxDown;
      for (let t = random.range(100, 800); t < config.faultPhaseMs; t += random.range(200, 1200)) {
        const victim = random.int(count);
        this.at(t, () => {
          const node = this.nodes[victim]!;
          const down = this.nodes.filter((n) => !n.up).length;
          if (node.up && down < maxDown) this.crash(node);
        });
      }
    }
    if (config.crashAll) {
      const t = random.range(300, Math.max(400, config.faultPhaseMs - 1600));
      this.at(t, () => {
        this.trace('X all');
        if (config.restartDeafMs === undefined) {
          for (const node of this.nodes) if (node.up) this.crash(node);
          return;
        }
        // All back at the same moment, so each one's resume re-sends reach the others in their deaf window.
        const restartAt = this.now + random.range(50, 1000);
        for (const node of this.nodes) {
          if (!node.up) continue;
          this.trace(`X ${node.index} crash at height ${node.app.lastHeight + 1}`);
          node.crash();
          this.at(restartAt, () => this.restart(node));
        }
      });
    }
    this.at(config.faultPhaseMs, () => {
      this.groups = null;
      for (const node of this.nodes) if (!node.up) this.restart(node);
      this.healed = true;
      this.heightAtHeal = Math.max(0, ...this.correctNodes.map((n) => n.app.lastHeight));
      this.goalHeight = this.heightAtHeal + config.progressHeights;
      this.trace(`N healed at height ${this.heightAtHeal}`);
    });
  }

  onCommit(node: SimNode, height: Height, blockHash: string): void {
    this.trace(`C ${node.index} ${height} ${blockHash.slice(0, 12)}`);
  }
}
