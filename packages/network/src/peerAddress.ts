import { bytesToHex, hexToBytes } from '@hanglian/core';
import { NetworkError, NetworkErrors } from './errors.js';
import type { PeerAddress } from './interface.js';

/**
 * Parses `host:port` or `<node public key hex>@host:port` (the form Tendermint uses in persistent_peers).
 * IPv6 hosts are written in brackets: `[::1]:26656`.
 */
export function parsePeerAddress(text: string): PeerAddress {
  const bad = (why: string): never => {
    throw new NetworkError(NetworkErrors.NETWORK_BAD_ADDRESS, `peer address ${JSON.stringify(text)}: ${why}`);
  };
  const at = text.indexOf('@');
  let publicKey: Uint8Array | undefined;
  if (at >= 0) {
    const keyHex = text.slice(0, at);
    if (!/^[0-9a-fA-F]{64}$/.test(keyHex)) bad('the public key must be 64 hex characters');
    publicKey = hexToBytes(keyHex.toLowerCase());
  }
  const hostPort = text.slice(at + 1);
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(hostPort);
  if (match === null) return bad('expected host:port');
  const host = match[1] ?? match[2]!;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) bad('port out of range');
  return publicKey === undefined ? { host, port } : { host, port, publicKey };
}

export function formatPeerAddress(address: PeerAddress): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const key = address.publicKey === undefined ? '' : `${bytesToHex(address.publicKey)}@`;
  return `${key}${host}:${address.port}`;
}
