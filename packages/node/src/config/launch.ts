/**
 * Starting a node from an organisation directory (`launchOrganisationNode`: `hanglian node start --dir
 * ORGDIR`), or one node of a local network directory (`launchNode`), which is the same start from that
 * node's organisation directory with the network's genesis, ports and peers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { bytesToHex, ed25519Sha256, HanglianError, hexToBytes } from '@hanglian/core';
import type { PeerAddress } from '@hanglian/network';
import { type GenesisDocument, MemoryState, type StateReader } from '@hanglian/state-machine';
import type { StatePruning } from '@hanglian/storage';
import { type DevKeys, devKeysOfNetwork } from '../api/console.js';
import { createApplication } from '../application.js';
import { genesisHashOf } from '../chain/chain.js';
import { NetworkTransport } from '../consensus/networkTransport.js';
import { NodeErrors } from '../errors.js';
import type { LogLevel } from '../logger.js';
import { HanglianNode } from '../node.js';
import type { StateSyncTrust } from '../sync/stateSync.js';
import { requireFoundersSigned } from './ceremony.js';
import { networkPaths, readGenesis, readManifest } from './network.js';
import {
  orgPaths,
  parseHostPort,
  readCard,
  readOrgKey,
  retireSignerFilesOfOtherKey,
} from './organisation.js';

export interface LaunchOptions {
  readonly dir: string;
  readonly node: string;
  readonly passphrase: string;
  readonly host?: string;
  /** Overrides the manifest's API port (0 picks a free one). */
  readonly apiPort?: number;
  /** Most API connections held open at once (default `DEFAULT_API_MAX_CONNECTIONS`). */
  readonly apiMaxConnections?: number;
  readonly logLevel?: LogLevel;
  /** State sync on an empty ledger; with a trusted checkpoint, trust starts there (see NodeOptions). */
  readonly stateSync?: boolean | StateSyncTrust;
  /** Tell peers where this node listens and dial the member nodes they name (default true). */
  readonly peerExchange?: boolean;
  /**
   * FOR FAULT TESTS: the node's clock (the block times it proposes and judges) runs this far ahead of the
   * system clock, or behind when negative. Default 0.
   */
  readonly clockOffsetMs?: number;
  /** Serve this console build at `/` (packages/console/dist/web). */
  readonly consoleDir?: string;
  /** DEV ONLY: hand the console this dev network's member keys (refused on other networks). */
  readonly consoleDevKeys?: boolean;
  /** Keep only recent heights and snapshots of the state (default: archival). */
  readonly pruning?: StatePruning;
  /** The software upgrades this build carries (default: the node's `SOFTWARE_UPGRADES`). */
  readonly softwareUpgrades?: readonly string[];
  /** The index the console is told to search and report from (`/console/config.json`). */
  readonly consoleIndexUrl?: string;
}

/**
 * Runs node `options.node` of a local network directory (network.ts): the node of its organisation's
 * directory, started by `launchOrganisationNode` as `hanglian node start --dir ORGDIR` starts it, with
 * the network's genesis, the manifest's ports, and the other nodes as peers (each by the node key its
 * card names now, so a node key rotated with `org rotate-node-key` is dialled by its new key).
 */
export async function launchNode(options: LaunchOptions): Promise<HanglianNode> {
  const manifest = readManifest(options.dir);
  const entry = manifest.nodes.find((n) => n.name === options.node);
  if (entry === undefined) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `no node "${options.node}" in ${networkPaths.manifest(options.dir)} (nodes: ${manifest.nodes.map((n) => n.name).join(', ')})`,
    );
  }
  const others = manifest.nodes.filter((n) => n.name !== entry.name);
  const peers = others.map((n) => ({
    host: n.host,
    port: n.p2pPort,
    publicKey: hexToBytes(readCard(orgPaths.card(networkPaths.orgDir(options.dir, n.org))).nodePublicKey),
  }));
  return launchOrganisationNode({
    dir: networkPaths.orgDir(options.dir, entry.org),
    genesis: readGenesis(options.dir),
    passphrase: options.passphrase,
    // A network of one node opens no links at all.
    peers: others.length === 0 ? 'none' : peers,
    p2p: `${entry.host}:${entry.p2pPort}`,
    api: `${options.host ?? entry.host}:${options.apiPort ?? entry.apiPort}`,
    ...(options.apiMaxConnections === undefined ? {} : { apiMaxConnections: options.apiMaxConnections }),
    name: entry.name,
    // A full node of a local network never votes, even if a vote later made its key a validator's.
    validator: entry.validator,
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    ...(options.stateSync === undefined ? {} : { stateSync: options.stateSync }),
    ...(options.peerExchange === undefined ? {} : { peerExchange: options.peerExchange }),
    ...(options.clockOffsetMs === undefined ? {} : { clockOffsetMs: options.clockOffsetMs }),
    ...(options.pruning === undefined ? {} : { pruning: options.pruning }),
    ...(options.softwareUpgrades === undefined ? {} : { softwareUpgrades: options.softwareUpgrades }),
    ...(options.consoleDir === undefined
      ? {}
      : {
          consoleDir: options.consoleDir,
          ...(options.consoleIndexUrl === undefined ? {} : { consoleIndexUrl: options.consoleIndexUrl }),
          ...(options.consoleDevKeys
            ? { consoleDevKeys: devKeysOfNetwork(options.dir, manifest, options.passphrase) }
            : {}),
        }),
  });
}

/**
 * Parses `--peers`: comma-separated `HOST:PORT`, or `NODEKEY@HOST:PORT` to insist on that node key
 * (without one, the peer is accepted as whichever member node answers there).
 */
export function parsePeerList(text: string | undefined): PeerAddress[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const entry = raw.trim();
    const at = entry.indexOf('@');
    const key = at < 0 ? undefined : entry.slice(0, at);
    const { host, port } = parseHostPort(at < 0 ? entry : entry.slice(at + 1), `peer "${entry}"`);
    if (key !== undefined && !/^[0-9a-f]{64}$/.test(key)) {
      throw new HanglianError(NodeErrors.CONFIG_INVALID, `peer "${entry}": the node key is 64 hex`);
    }
    return { host, port, ...(key === undefined ? {} : { publicKey: hexToBytes(key) }) };
  });
}

/**
 * Runs the genesis through the state machine as a node would (any section a module refuses fails here,
 * with the module's error); returns the genesis hash (hex) a node of this chain starts from.
 */
export function checkGenesisStarts(genesis: GenesisDocument): string {
  const application = createApplication({ chainId: genesis.chainId, suite: ed25519Sha256 });
  application.stateMachine.initGenesis(genesis, new MemoryState());
  return bytesToHex(genesisHashOf(genesis));
}

export interface LaunchOrganisationNodeOptions {
  /** The organisation directory (`hanglian org init`). */
  readonly dir: string;
  readonly genesis: GenesisDocument;
  readonly passphrase: string;
  /** `'none'`: open no links at all (a local network of one node). */
  readonly peers: readonly PeerAddress[] | 'none';
  /** Override the card's addresses (HOST:PORT). */
  readonly p2p?: string;
  readonly api?: string;
  /** Most API connections held open at once (default `DEFAULT_API_MAX_CONNECTIONS`). */
  readonly apiMaxConnections?: number;
  /** The node's name in its status and logs (default: the organisation's id). */
  readonly name?: string;
  /**
   * False: never vote, whatever the validator set says (a local network's full node). Default true: the
   * node votes from the block at which governance makes its key a validator.
   */
  readonly validator?: boolean;
  readonly logLevel?: LogLevel;
  /**
   * On an empty ledger, fetch the verified state from peers (`hanglian node join`); with a trusted
   * checkpoint, header verification starts there instead of at the genesis.
   */
  readonly stateSync?: boolean | StateSyncTrust;
  /** Tell peers where this node listens and dial the member nodes they name (default true). */
  readonly peerExchange?: boolean;
  /**
   * FOR FAULT TESTS: the node's clock (the block times it proposes and judges) runs this far ahead of the
   * system clock, or behind when negative. Default 0.
   */
  readonly clockOffsetMs?: number;
  readonly consoleDir?: string;
  /** The index the console is told to search and report from (`/console/config.json`). */
  readonly consoleIndexUrl?: string;
  /** DEV ONLY: the keys the console may sign with (`devKeysOfNetwork`, a local dev network's). */
  readonly consoleDevKeys?: () => DevKeys;
  /** Keep only recent heights and snapshots of the state (default: archival). */
  readonly pruning?: StatePruning;
  /** The software upgrades this build carries (default: the node's `SOFTWARE_UPGRADES`). */
  readonly softwareUpgrades?: readonly string[];
}

/**
 * Starts an organisation's node from its own directory: its node key, its card's addresses, a genesis
 * every founder signed, and the peers it was told of. The node key is also its consensus key, so the node
 * votes from the block at which governance makes it a validator, and stops voting when it is removed.
 */
/** The system clock moved by `offsetMs` (fault tests: a validator whose clock is wrong). */
function skewedClock(offsetMs: number): () => number {
  return () => Date.now() + offsetMs;
}

export async function launchOrganisationNode(options: LaunchOrganisationNodeOptions): Promise<HanglianNode> {
  const { genesis } = options;
  requireFoundersSigned(genesis);
  const card = readCard(orgPaths.card(options.dir));
  const nodeKey = readOrgKey(options.dir, 'node', options.passphrase);
  // After a node key rotation, the signer state and WAL on disk are the old key's.
  const retiredSignerOf = retireSignerFilesOfOtherKey(options.dir, nodeKey.publicKey);
  const p2p = parseHostPort(options.p2p ?? card.p2p, 'the p2p address');
  const api = parseHostPort(options.api ?? card.api, 'the API address');
  const application = createApplication({ chainId: genesis.chainId, suite: ed25519Sha256 });
  const genesisState = new MemoryState();
  application.stateMachine.initGenesis(genesis, genesisState);
  const genesisView = { state: genesisState as StateReader, time: genesis.genesisTime };
  let node: HanglianNode | undefined;
  const transport =
    options.peers === 'none'
      ? undefined
      : await NetworkTransport.start({
          chainId: genesis.chainId,
          nodeKey,
          listen: p2p,
          peers: options.peers,
          // Before the ledger exists (state sync), members are judged by the genesis.
          membershipState: () =>
            node === undefined ? genesisView : { state: node.chain.reader(), time: node.chain.latestTime },
          identity: application.identity,
          peerExchange: options.peerExchange === false ? false : {},
        });
  try {
    node = await HanglianNode.start({
      name: options.name ?? card.id,
      dataDir: orgPaths.nodeData(options.dir),
      walPath: orgPaths.nodeWal(options.dir),
      signerStatePath: orgPaths.nodeSignerState(options.dir),
      genesis,
      ...(options.validator === false ? {} : { validatorKey: nodeKey }),
      api: {
        host: api.host,
        port: api.port,
        ...(options.apiMaxConnections === undefined ? {} : { maxConnections: options.apiMaxConnections }),
        ...(options.consoleDir === undefined
          ? {}
          : {
              console: {
                dir: options.consoleDir,
                ...(options.consoleIndexUrl === undefined ? {} : { indexUrl: options.consoleIndexUrl }),
                ...(options.consoleDevKeys === undefined ? {} : { devKeys: options.consoleDevKeys }),
              },
            }),
      },
      ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
      ...(options.clockOffsetMs === undefined || options.clockOffsetMs === 0
        ? {}
        : { clock: skewedClock(options.clockOffsetMs) }),
      ...(transport === undefined ? {} : { transport }),
      stateSync: options.stateSync ?? false,
      ...(options.pruning === undefined ? {} : { pruning: options.pruning }),
      ...(options.softwareUpgrades === undefined ? {} : { softwareUpgrades: options.softwareUpgrades }),
      ...(existsSync(orgPaths.nodeAdminToken(options.dir))
        ? { adminToken: readFileSync(orgPaths.nodeAdminToken(options.dir), 'utf8').trim() }
        : {}),
    });
  } catch (error) {
    await transport?.close();
    throw error;
  }
  if (retiredSignerOf !== undefined) {
    node.logger.info(
      { oldNodeKey: retiredSignerOf, nodeKey: bytesToHex(nodeKey.publicKey) },
      'the node key changed: the old key’s signer state and WAL were moved to node/retired/',
    );
  }
  return node;
}
