// Verify a balance with a proof, without trusting the node: follow the headers from the genesis
// validator set, then check the balance's proof against a header signed by more than 2/3 of them.
// Balances are members-only data: a member identity signs the reads (headers are public).
// Run: HANGLIAN_URL=… HANGLIAN_GENESIS=path/to/genesis.json HANGLIAN_ADDRESS=hl… HANGLIAN_MEMBER_SEED=<hex>
//      node dist/examples/verifyBalance.js
import { readFile } from 'node:fs/promises';
import { decodeCanonical, hexToBytes } from '@hanglian/core';
import {
  createClient,
  createLightClient,
  genesisHashOf,
  memberSignerFromSeed,
  validatorSetFromGenesis,
} from '@hanglian/sdk';

const client = createClient({
  url: process.env.HANGLIAN_URL ?? 'http://127.0.0.1:26650',
  reader: memberSignerFromSeed(hexToBytes(process.env.HANGLIAN_MEMBER_SEED ?? '')),
});
const genesis = JSON.parse(await readFile(process.env.HANGLIAN_GENESIS ?? 'genesis.json', 'utf8'));
const light = createLightClient({
  client,
  trust: {
    chainId: genesis.chainId,
    height: 0,
    blockHash: genesisHashOf(genesis),
    validators: validatorSetFromGenesis(genesis),
  },
});
const address = process.env.HANGLIAN_ADDRESS ?? '';
const { value, height, blockHash } = await light.getVerifiedState({ path: `settlement/balances/${address}` });
// Absent means 0 (settlement README); the value is canonical CBOR `{amount}`.
const amount = value === null ? 0 : (decodeCanonical(value) as { amount: number }).amount;
console.log(JSON.stringify({ address, amount, height, blockHash }));
