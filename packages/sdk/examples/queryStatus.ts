// Query a node's status. Run: HANGLIAN_URL=http://127.0.0.1:26650 node dist/examples/queryStatus.js
import { createClient } from '@hanglian/sdk';

const client = createClient({ url: process.env.HANGLIAN_URL ?? 'http://127.0.0.1:26650' });
const status = await client.getStatus();
console.log(JSON.stringify({ chainId: status.chainId, height: status.height, stateRoot: status.stateRoot }));
