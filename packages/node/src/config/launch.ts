/**
 * Starting one node of a network directory: keys, genesis, ports and peers come from the directory;
 * links to the other nodes are opened when the network has any.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ed25519Sha256, HanglianError } from '@hanglian/core';
import { MemoryState, type StateReader } from '@hanglian/state-machine';
import { devKeysOfNetwork } from '../api/console.js';
import { createApplication } from '../application.js';
import { NetworkTransport } from '../consensus/networkTransport.js';
import { NodeErrors } from '../errors.js';
import { readKeyFile } from '../keystore/keystore.js';
import type { LogLevel } from '../logger.js';
import { HanglianNode } from '../node.js';
import { networkPaths, readGenesis, readManifest } from './network.js';

export interface LaunchOptions {
  readonly dir: string;
  readonly node: string;
  readonly passphrase: string;
  readonly host?: string;
  /** Overrides the manifest's API port (0 picks a free one). */
  readonly apiPort?: number;
  readonly logLevel?: LogLevel;
  readonly stateSync?: boolean;
  /** Serve this console build at `/` (packages/console/dist/web). */
  readonly consoleDir?: string;
  /** DEV ONLY: hand the console this dev network's member keys (refused on other networks). */
  readonly consoleDevKeys?: boolean;
  /** The index the console is told to search and report from (`/console/config.json`). */
  readonly consoleIndexUrl?: string;
}

export async function launchNode(options: LaunchOptions): Promise<HanglianNode> {
  const manifest = readManifest(options.dir);
  const entry = manifest.nodes.find((n) => n.name === options.node);
  if (entry === undefined) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `no node "${options.node}" in ${networkPaths.manifest(options.dir)} (nodes: ${manifest.nodes.map((n) => n.name).join(', ')})`,
    );
  }
  const genesis = readGenesis(options.dir);
  const nodeKey = readKeyFile(networkPaths.nodeKey(options.dir, entry.name), options.passphrase);
  const others = manifest.nodes.filter((n) => n.name !== entry.name);

  let transport: NetworkTransport | undefined;
  let node: HanglianNode | undefined;
  if (others.length > 0) {
    // Before the ledger exists (state sync), membership is judged by the genesis.
    const application = createApplication({ chainId: genesis.chainId, suite: ed25519Sha256 });
    const genesisState = new MemoryState();
    application.stateMachine.initGenesis(genesis, genesisState);
    const genesisView = { state: genesisState as StateReader, time: genesis.genesisTime };
    transport = await NetworkTransport.start({
      chainId: genesis.chainId,
      nodeKey,
      listen: { host: entry.host, port: entry.p2pPort },
      peers: others.map((n) => ({
        host: n.host,
        port: n.p2pPort,
        publicKey: Buffer.from(n.publicKey, 'hex'),
      })),
      membershipState: () =>
        node === undefined ? genesisView : { state: node.chain.reader(), time: node.chain.latestTime },
      identity: application.identity,
    });
  }
  try {
    node = await HanglianNode.start({
      name: entry.name,
      dataDir: networkPaths.nodeData(options.dir, entry.name),
      walPath: networkPaths.nodeWal(options.dir, entry.name),
      genesis,
      ...(entry.validator ? { validatorKey: nodeKey } : {}),
      api: {
        host: options.host ?? entry.host,
        port: options.apiPort ?? entry.apiPort,
        ...(options.consoleDir === undefined
          ? {}
          : {
              console: {
                dir: options.consoleDir,
                ...(options.consoleIndexUrl === undefined ? {} : { indexUrl: options.consoleIndexUrl }),
                ...(options.consoleDevKeys
                  ? { devKeys: devKeysOfNetwork(options.dir, manifest, options.passphrase) }
                  : {}),
              },
            }),
      },
      ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
      ...(transport === undefined ? {} : { transport }),
      stateSync: options.stateSync ?? false,
      ...(existsSync(networkPaths.nodeAdminToken(options.dir, entry.name))
        ? { adminToken: readFileSync(networkPaths.nodeAdminToken(options.dir, entry.name), 'utf8').trim() }
        : {}),
    });
  } catch (error) {
    await transport?.close();
    throw error;
  }
  return node;
}
