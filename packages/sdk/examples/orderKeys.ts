// Derive a consumer's one-time order keys from a wallet, and keep the wallet in an encrypted keystore.
// Run: node dist/examples/orderKeys.js   (HANGLIAN_BACKUP="24 words" restores a wallet instead of making one)
import { decryptKeystore, generateWallet, walletFromBackupPhrase, walletFromSeed } from '@hanglian/sdk';

const wallet = process.env.HANGLIAN_BACKUP
  ? walletFromBackupPhrase(process.env.HANGLIAN_BACKUP)
  : generateWallet();
// One key per order: unlinkable on chain, re-derivable from the seed alone.
const orders = wallet.orderKeys({ from: 0, count: 3 }).map((k) => ({ index: k.index, address: k.address }));

// The seed at rest: PBKDF2 + AES-256-GCM (use the default 600,000 iterations in a real app).
const keystore = await wallet.encrypt('a long passphrase', { iterations: 10_000 });
const reopened = walletFromSeed(await decryptKeystore(keystore, 'a long passphrase'));
console.log(
  JSON.stringify({
    orders,
    reopenedFirst: reopened.orderKey(0).address,
    words: wallet.backupPhrase().split(' ').length,
  }),
);
