// Transfer settlement units from a member identity and wait for the commit.
// Run: HANGLIAN_URL=… HANGLIAN_MEMBER_SEED=<hex of a 32-byte key seed> HANGLIAN_TO=hl… node dist/examples/transfer.js
import { hexToBytes } from '@hanglian/core';
import { createClient, memberSignerFromSeed, settlement, signAndSubmit } from '@hanglian/sdk';

const client = createClient({ url: process.env.HANGLIAN_URL ?? 'http://127.0.0.1:26650' });
const signer = memberSignerFromSeed(hexToBytes(process.env.HANGLIAN_MEMBER_SEED ?? ''));
const to = process.env.HANGLIAN_TO ?? '';

const { txId, status } = await signAndSubmit(client, {
  signer,
  ...settlement.transfer({ to, amount: 1_00, memo: 'example' }),
});
console.log(
  JSON.stringify({
    txId,
    status: status.status,
    height: status.status === 'committed' ? status.height : null,
  }),
);
