/**
 * Validator changes by governance during a campaign, as a consortium makes them: one organisation's admin
 * proposes `setValidator`, enough others vote yes for the proposal to pass (more than the threshold of the
 * active organisations), and the set changes at the height the chain defines while the load goes on. The
 * runner signs with the organisations' admin keys from the network directory and submits through a live
 * node, waiting for each commit, like the CLI's `org propose-validator` and `org vote`.
 */
import {
  addressFromPublicKey,
  bytesToHex,
  hexToBytes,
  type SigningKey,
  signTx,
  type TxBody,
} from '@hanglian/core';
import { CHAOS_CHAIN_ID, type ChaosCluster, httpJson, sleep } from './cluster.js';

export interface ValidatorView {
  readonly org: string;
  readonly publicKey: string;
  readonly power: number;
}

/** The chain executed the transaction and refused it: retrying through another node would not help. */
class ChainRefusal extends Error {}

/** Governance transactions may wait this long for their commit through a node under faults. */
const COMMIT_WAIT_MS = 20_000;

export class GovernanceDriver {
  constructor(readonly cluster: ChaosCluster) {}

  /** The validator set in force, read through a live node. */
  async validators(): Promise<ValidatorView[]> {
    const node = this.#liveNode();
    const response = await httpJson(`${node.url}/v1/query/governance/validators`, { timeoutMs: 5_000 });
    if (response.status !== 200) throw new Error(`validators query: ${response.status}`);
    return (response.body.result as { current: ValidatorView[] }).current;
  }

  /**
   * Sets the power of `org`'s validator (node key `publicKey`; 0 removes it) by a proposal that passes, and
   * waits until the set in force shows it. Returns the proposal id.
   */
  async setValidator(org: string, publicKey: string, power: number, deadlineMs = 120_000): Promise<number> {
    const deadline = Date.now() + deadlineMs;
    const organisations = this.cluster.manifest.organisations.map((o) => o.id);
    // Organisations other than the one changed vote first (a removed validator's org may still vote).
    const voters = [...organisations.filter((o) => o !== org), org];
    const [proposer, ...others] = voters as [string, ...string[]];
    const submitted = await this.#submit(proposer, 'submitProposal', {
      title: power === 0 ? `chaos: remove the validator of ${org}` : `chaos: ${org} validates at ${power}`,
      action: { type: 'setValidator', publicKey: hexToBytes(publicKey), power, org },
    });
    const idEvent = submitted.events.find((e) => e.name === 'proposalSubmitted');
    const id = (idEvent?.data as { id?: number } | undefined)?.id;
    if (id === undefined) throw new Error(`no proposal id in ${JSON.stringify(submitted.events)}`);
    let closed = submitted.events.some((e) => e.name === 'proposalClosed');
    for (const voter of others) {
      if (closed) break;
      const voted = await this.#submit(voter, 'vote', { proposalId: id, vote: 'yes' });
      const close = voted.events.find((e) => e.name === 'proposalClosed');
      if (close !== undefined) {
        const status = (close.data as { status?: string }).status;
        if (status !== 'approved') throw new Error(`proposal ${id} closed ${status}`);
        closed = true;
      }
    }
    if (!closed) throw new Error(`proposal ${id} did not pass with every organisation's vote`);
    // The change takes effect a few heights after the approval.
    for (;;) {
      const set = await this.validators().catch(() => undefined);
      const entry = set?.find((v) => v.publicKey === publicKey);
      if (set !== undefined && (power === 0 ? entry === undefined : entry?.power === power)) return id;
      if (Date.now() > deadline) throw new Error(`the set did not show ${org} at power ${power} in time`);
      await sleep(300);
    }
  }

  #liveNode() {
    const live = this.cluster.live;
    if (live.length === 0) throw new Error('no live node to submit through');
    return live[Math.floor(Date.now() / 1000) % live.length]!;
  }

  /** Signs `command` with `org`'s admin key and waits for its commit; retries through other nodes. */
  async #submit(
    org: string,
    command: string,
    params: unknown,
  ): Promise<{ events: Array<{ name: string; data: unknown }> }> {
    const key: SigningKey = this.cluster.key(`${org}/admin`);
    const address = addressFromPublicKey(key.publicKey);
    let lastError = '';
    for (let attempt = 0; attempt < 6; attempt++) {
      const node = this.#liveNode();
      try {
        const account = await httpJson(`${node.url}/v1/accounts/${address}`, { timeoutMs: 5_000 });
        const status = await httpJson(`${node.url}/v1/status`, { timeoutMs: 5_000 });
        const body: TxBody = {
          v: 1,
          chainId: CHAOS_CHAIN_ID,
          module: 'governance',
          command,
          params,
          submitter: key.publicKey,
          nonce: account.body.nextNonce as number,
          expiresAt: (status.body.height as number) + 1_000,
          actors: [],
        };
        const response = await httpJson(`${node.url}/v1/txs?wait=commit&timeoutMs=${COMMIT_WAIT_MS}`, {
          json: { tx: bytesToHex(signTx(body, key)) },
          timeoutMs: COMMIT_WAIT_MS + 2_000,
        });
        if (response.status === 200 && response.body.status === 'committed') {
          if (response.body.result?.code !== 'OK')
            throw new ChainRefusal(`${command} by ${org} failed: ${JSON.stringify(response.body.result)}`);
          return { events: response.body.result.events ?? [] };
        }
        lastError = `${node.name}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
      } catch (error) {
        if (error instanceof ChainRefusal) throw error;
        lastError = `${node.name}: ${String(error).slice(0, 300)}`;
      }
      await sleep(1_000);
    }
    throw new Error(`${command} by ${org} not committed: ${lastError}`);
  }
}
