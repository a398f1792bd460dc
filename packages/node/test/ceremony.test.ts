// The genesis ceremony and organisation directories, without a network: cards are their owner's, every
// founder must sign the very document a node starts from, and a changed document needs new signatures.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { addressFromPublicKey, bytesToHex, HanglianError } from '@hanglian/core';
import { SignerStateFile } from '../src/consensus/signerState.js';
import {
  addOrganisationToGenesis,
  checkCard,
  checkGenesisSignatures,
  checkGenesisStarts,
  completeNodeKeyRotation,
  completeRootKeyRotation,
  DEFAULT_SCRYPT_N,
  DEV_NETWORK_SCRYPT_N,
  initNetwork,
  initOrganisation,
  networkPaths,
  newGenesis,
  nextNodeKey,
  nextRootKey,
  orgPaths,
  readCard,
  readGenesis,
  readKeyFile,
  readManifest,
  readOrgKey,
  requireFoundersSigned,
  retireSignerFilesOfOtherKey,
  signGenesis,
} from '../src/index.js';
import { TEST_SCRYPT_N } from './helpers.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HanglianError, String(error));
    return error.code;
  }
  assert.fail('expected an error');
}

describe('genesis ceremony', () => {
  const root = mkdtempSync(join(tmpdir(), 'hanglian-ceremony-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const make = (id: string, roles: string[]) =>
    initOrganisation({
      dir: join(root, id),
      id,
      name: `${id} Co.`,
      roles,
      passphrase: `${id}-secret`,
      scryptN: TEST_SCRYPT_N,
    });
  const bank = make('bank', ['payment', 'issuer']);
  const shop = make('shop', ['merchant']);

  it('an organisation directory holds encrypted keys and a card of public keys signed by its root', () => {
    for (const file of [
      'keys/root.json',
      'keys/admin.json',
      'keys/ops.json',
      'keys/encryption.json',
      'node/node-key.json',
    ]) {
      assert.ok(existsSync(join(root, 'bank', file)), file);
      assert.doesNotMatch(readFileSync(join(root, 'bank', file), 'utf8'), /"seed"|"privateKey"/);
    }
    const card = JSON.parse(readFileSync(orgPaths.card(join(root, 'bank')), 'utf8'));
    assert.deepEqual(checkCard(card), bank.card);
    assert.equal(
      codeOf(() => checkCard({ ...card, roles: ['payment', 'issuer', 'regulator'] })),
      'CARD_INVALID',
    );
    assert.equal(
      codeOf(() => checkCard({ ...card, nodePublicKey: card.opsPublicKey })),
      'CARD_INVALID',
    );
    assert.equal(
      codeOf(() =>
        initOrganisation({ dir: join(root, 'bank'), id: 'bank', name: 'again', roles: [], passphrase: 'x' }),
      ),
      'CONFIG_INVALID',
      'keys are never overwritten',
    );
  });

  it('a node refuses the genesis until every founder signed this very document', () => {
    let genesis = newGenesis({ chainId: 'ceremony-test', genesisTime: 1_700_000_000_000 });
    genesis = addOrganisationToGenesis(genesis, bank.card, {
      validatorPower: 10,
      issuerReserves: 1_000_000,
      openingBalance: 1000,
    }).genesis;
    genesis = addOrganisationToGenesis(genesis, shop.card, { validatorPower: 10 }).genesis;
    assert.equal(
      codeOf(() => requireFoundersSigned(genesis)),
      'GENESIS_UNSIGNED',
    );
    const bankRoot = readOrgKey(join(root, 'bank'), 'root', 'bank-secret');
    const shopRoot = readOrgKey(join(root, 'shop'), 'root', 'shop-secret');
    const half = signGenesis(genesis, 'bank', bankRoot);
    assert.deepEqual(checkGenesisSignatures(half).missing, ['shop']);
    assert.equal(
      codeOf(() => requireFoundersSigned(half)),
      'GENESIS_UNSIGNED',
    );
    // Only a founder's own root key signs for it.
    assert.equal(
      codeOf(() => signGenesis(half, 'shop', bankRoot)),
      'GENESIS_CEREMONY',
    );
    const signed = signGenesis(half, 'shop', shopRoot);
    const report = requireFoundersSigned(signed);
    assert.deepEqual(report.signed, ['bank', 'shop']);
    // In either order the founders signed the same bytes.
    const other = signGenesis(signGenesis(genesis, 'shop', shopRoot), 'bank', bankRoot);
    assert.equal(checkGenesisSignatures(other).consentHash, report.consentHash);
    // The document starts a chain.
    assert.match(checkGenesisStarts(signed), /^[0-9a-f]{64}$/);

    // A changed document (one more validator power, say) makes every signature void.
    const tampered = structuredClone(signed);
    (tampered.modules.governance as { validators: Array<{ power: number }> }).validators[0]!.power = 1000;
    assert.equal(
      codeOf(() => requireFoundersSigned(tampered)),
      'GENESIS_UNSIGNED',
    );
    assert.deepEqual(checkGenesisSignatures(tampered).invalid, ['bank', 'shop']);
    // A signature by a stranger does not count for a founder.
    const forged = {
      ...signed,
      signatures: [...signed.signatures!.slice(0, 1), { ...signed.signatures![1]!, org: 'bank' }],
    };
    assert.equal(
      codeOf(() => requireFoundersSigned(forged)),
      'GENESIS_UNSIGNED',
    );
  });

  it('adding an organisation drops the signatures made so far, and refuses duplicates', () => {
    let genesis = newGenesis({ chainId: 'ceremony-test', genesisTime: 1 });
    genesis = addOrganisationToGenesis(genesis, bank.card, { validatorPower: 1 }).genesis;
    const signed = signGenesis(genesis, 'bank', readOrgKey(join(root, 'bank'), 'root', 'bank-secret'));
    const added = addOrganisationToGenesis(signed, shop.card);
    assert.equal(added.droppedSignatures, 1);
    assert.equal(added.genesis.signatures, undefined);
    assert.equal(
      codeOf(() => addOrganisationToGenesis(added.genesis, shop.card)),
      'GENESIS_CEREMONY',
    );
    assert.equal(
      codeOf(() => addOrganisationToGenesis(genesis, shop.card, { issuerReserves: 1 })),
      'GENESIS_CEREMONY',
      'an issuer needs the role',
    );
    assert.equal(
      codeOf(() =>
        addOrganisationToGenesis(newGenesis({ chainId: 'x', genesisTime: 1 }), shop.card, {
          openingBalance: 5,
        }),
      ),
      'GENESIS_CEREMONY',
      'a balance needs an issuer',
    );
  });

  it('a local network is one organisation directory per member, joined by the ceremony’s genesis', () => {
    const dir = join(root, 'net');
    const net = initNetwork({
      dir,
      genesisTime: 1_700_000_000_000,
      validators: 2,
      fullNodes: 1,
      extraAccounts: 1,
      scryptN: TEST_SCRYPT_N,
    });
    const genesis = readGenesis(dir);
    const report = requireFoundersSigned(genesis);
    const identity = genesis.modules.identity as {
      organisations: Array<{ id: string; rootPublicKey: string }>;
      identities: Array<{ publicKey: string; org: string; kind: string; permissions: string[] }>;
    };
    const validators = (genesis.modules.governance as { validators: Array<{ publicKey: string }> })
      .validators;
    assert.deepEqual(
      [...report.signed].sort(),
      net.manifest.organisations.map((o) => o.id).sort(),
      'every organisation signed, with its own root key',
    );
    for (const org of net.manifest.organisations) {
      const orgDir = networkPaths.orgDir(dir, org.id);
      assert.equal(join(dir, org.dir), orgDir);
      // Made as `org init` makes it: a card signed by its root key, the keys it names in its directory.
      const card = readCard(orgPaths.card(orgDir));
      assert.equal(identity.organisations.find((o) => o.id === org.id)?.rootPublicKey, card.rootPublicKey);
      assert.equal(bytesToHex(readOrgKey(orgDir, 'root', net.passphrase).publicKey), card.rootPublicKey);
      assert.equal(join(dir, org.keys.admin!), orgPaths.key(orgDir, 'admin'));
      const admin = identity.identities.find((i) => i.publicKey === card.adminPublicKey);
      assert.deepEqual(admin?.permissions, ['admin', 'transact']);
      // A dev network's organisation directories open with their own dev file, like `org init`'s.
      assert.equal(readFileSync(orgPaths.devPassphrase(orgDir), 'utf8').trim(), net.passphrase);
    }
    // Node i is organisation i's node, run from that directory; the first two are the validators.
    assert.deepEqual(
      net.manifest.nodes.map((n) => [n.name, n.org, n.validator]),
      net.manifest.organisations.slice(0, 3).map((o, i) => [`node${i}`, o.id, i < 2]),
    );
    for (const node of net.manifest.nodes) {
      const orgDir = networkPaths.orgDir(dir, node.org);
      assert.equal(networkPaths.nodeKey(dir, node.name), orgPaths.nodeKey(orgDir));
      assert.equal(networkPaths.nodeData(dir, node.name), orgPaths.nodeData(orgDir));
      assert.equal(node.publicKey, readCard(orgPaths.card(orgDir)).nodePublicKey);
    }
    assert.deepEqual(
      validators.map((v) => v.publicKey).sort(),
      net.manifest.nodes
        .filter((n) => n.validator)
        .map((n) => n.publicKey)
        .sort(),
    );
    // The load generators' extra account is the first organisation's, funded.
    const first = net.manifest.organisations[0]!;
    const account = readKeyFile(join(dir, first.keys['account-0']!), net.passphrase);
    assert.ok(
      identity.identities.some((i) => i.publicKey === bytesToHex(account.publicKey) && i.org === first.id),
    );
    assert.ok(checkGenesisStarts(genesis).length === 64);
  });

  it('a dev network derives its key files’ encryption cheaply (its passphrase is beside them); a production one does not', () => {
    const organisations = [{ id: 'solo', name: 'Solo Co.', roles: ['regulator'] }];
    const nOf = (dir: string) =>
      (
        JSON.parse(readFileSync(networkPaths.orgKey(dir, 'solo', 'root'), 'utf8')) as {
          crypto: { kdfParams: { N: number } };
        }
      ).crypto.kdfParams.N;
    const dev = join(root, 'dev-kdf');
    initNetwork({ dir: dev, genesisTime: 1, organisations });
    assert.equal(nOf(dev), DEV_NETWORK_SCRYPT_N);
    const prod = join(root, 'prod-kdf');
    initNetwork({ dir: prod, genesisTime: 1, organisations, passphrase: 'a production passphrase' });
    assert.equal(nOf(prod), DEFAULT_SCRYPT_N);
    assert.equal(existsSync(networkPaths.devPassphrase(prod)), false);
  });

  it('a network directory of the older layout is refused with a message that says what to do', () => {
    const dir = join(root, 'old');
    mkdirSync(join(dir, 'keys'), { recursive: true });
    writeFileSync(
      join(dir, 'network.json'),
      JSON.stringify({ version: 1, chainId: 'hanglian-local', dev: true, organisations: [], nodes: [] }),
    );
    assert.equal(
      codeOf(() => readManifest(dir)),
      'NETWORK_LAYOUT_OLD',
    );
    assert.throws(() => readManifest(dir), /--fresh/);
    assert.equal(
      codeOf(() =>
        initNetwork({ dir: join(root, 'too-many'), genesisTime: 1, validators: 10, fullNodes: 1 }),
      ),
      'CONFIG_INVALID',
      'one node per organisation',
    );
  });

  it('a root key rotation keeps the new key beside the old until it commits, then swaps them and re-signs the card', () => {
    const dir = join(root, 'rerooting');
    const made = initOrganisation({
      dir,
      id: 'rerooting',
      name: 'Rerooting Co.',
      roles: ['merchant'],
      passphrase: 'p',
      scryptN: TEST_SCRYPT_N,
    });
    const oldRoot = readOrgKey(dir, 'root', 'p');
    const next = nextRootKey(dir, 'p', TEST_SCRYPT_N);
    assert.deepEqual(nextRootKey(dir, 'p', TEST_SCRYPT_N).publicKey, next.publicKey, 'a retry reuses it');
    assert.deepEqual(readOrgKey(dir, 'root', 'p').publicKey, oldRoot.publicKey, 'nothing moves before');
    const card = completeRootKeyRotation(dir, 'p');
    assert.equal(card.rootPublicKey, bytesToHex(next.publicKey));
    // Signed by the new root: checkCard verifies against the root the card names.
    assert.deepEqual(checkCard(JSON.parse(readFileSync(orgPaths.card(dir), 'utf8'))), card);
    assert.equal(card.nodePublicKey, made.card.nodePublicKey);
    assert.deepEqual(readOrgKey(dir, 'root', 'p').publicKey, next.publicKey);
    const oldAddress = addressFromPublicKey(oldRoot.publicKey);
    assert.ok(existsSync(join(orgPaths.retiredKeys(dir), `root.${oldAddress}.json`)));
    assert.equal(existsSync(orgPaths.nextRootKey(dir)), false);
  });

  it('a node key rotation keeps the new key beside the old until it commits, then swaps them and the card', () => {
    const dir = join(root, 'rotating');
    const made = initOrganisation({
      dir,
      id: 'rotating',
      name: 'Rotating Co.',
      roles: ['carrier'],
      passphrase: 'p',
      scryptN: TEST_SCRYPT_N,
    });
    const oldKey = readOrgKey(dir, 'node', 'p');
    // The old key signed as a validator: its signer state and WAL are on disk.
    const state = SignerStateFile.open(orgPaths.nodeSignerState(dir), {
      chainId: 'c',
      validator: bytesToHex(oldKey.publicKey),
    });
    state.record({ height: 5, round: 0, step: 'precommit', blockHash: null, signature: new Uint8Array(64) });
    writeFileSync(orgPaths.nodeWal(dir), 'old wal');
    // While it is held by a running process nothing moves; the new key's file is made once and kept.
    const next = nextNodeKey(dir, 'p', TEST_SCRYPT_N);
    assert.deepEqual(nextNodeKey(dir, 'p', TEST_SCRYPT_N).publicKey, next.publicKey, 'a retry reuses it');
    const card = completeNodeKeyRotation(dir, 'p');
    assert.equal(card.nodePublicKey, bytesToHex(next.publicKey));
    assert.deepEqual(checkCard(JSON.parse(readFileSync(orgPaths.card(dir), 'utf8'))), card);
    assert.equal(card.rootPublicKey, made.card.rootPublicKey);
    assert.deepEqual(readOrgKey(dir, 'node', 'p').publicKey, next.publicKey);
    const oldAddress = addressFromPublicKey(oldKey.publicKey);
    assert.ok(existsSync(join(orgPaths.retired(dir), `node-key.${oldAddress}.json`)));
    assert.equal(existsSync(orgPaths.nextNodeKey(dir)), false);
    // The old key's signer state is held (its node still runs): left alone until that process stops.
    assert.equal(retireSignerFilesOfOtherKey(dir, next.publicKey), undefined);
    state.close();
    assert.equal(retireSignerFilesOfOtherKey(dir, next.publicKey), bytesToHex(oldKey.publicKey));
    assert.equal(existsSync(orgPaths.nodeSignerState(dir)), false);
    assert.equal(readFileSync(join(orgPaths.retired(dir), `consensus.wal.${oldAddress}`), 'utf8'), 'old wal');
    assert.ok(existsSync(join(orgPaths.retired(dir), `signer-state.${oldAddress}`)));
    // The new key's own state is never moved.
    SignerStateFile.open(orgPaths.nodeSignerState(dir), {
      chainId: 'c',
      validator: bytesToHex(next.publicKey),
    }).close();
    assert.equal(retireSignerFilesOfOtherKey(dir, next.publicKey), undefined);
    assert.ok(existsSync(orgPaths.nodeSignerState(dir)));
  });
});
