/**
 * @hanglian/sdk: a typed client of a Hanglian node's HTTP API, builders for every kernel transaction, a
 * consumer wallet with one-time order keys and an encrypted keystore, and light-client verification of
 * state reads. No node: imports, so it bundles for browsers (core's crypto switches to @noble there).
 */
export * from './actions/exportEvidence.js';
export * from './actions/getAccount.js';
export * from './actions/getBlock.js';
export * from './actions/getBlockResults.js';
export * from './actions/getHeader.js';
export * from './actions/getInsights.js';
export * from './actions/getStateProof.js';
export * from './actions/getStatus.js';
export * from './actions/getTransaction.js';
export * from './actions/listErrors.js';
export * from './actions/previewOrder.js';
export * from './actions/query.js';
export * from './actions/submitTransaction.js';
export * from './actions/submitTransactions.js';
export * from './actions/subscribe.js';
export * from './actions/verifyItem.js';
export * from './actions/waitForTransaction.js';
export * from './client.js';
export * from './errors.js';
export * from './light/interchain.js';
export * from './light/lightClient.js';
export * from './light/verify.js';
export * from './light/views.js';
export * from './privacy/discovery.js';
export * from './privacy/seal.js';
export * from './privacy/share.js';
export * from './relay/relayer.js';
export * from './signer.js';
export * from './transactions/accountSender.js';
export * from './transactions/call.js';
export * from './transactions/catalog.js';
export * from './transactions/distribution.js';
export * from './transactions/evidence.js';
export * from './transactions/governance.js';
export * from './transactions/identity.js';
export * from './transactions/interchain.js';
export * from './transactions/items.js';
export * from './transactions/orders.js';
export * from './transactions/privacy.js';
export * from './transactions/registry.js';
export * from './transactions/reviews.js';
export * from './transactions/settlement.js';
export * from './transactions/signAndSubmit.js';
export * from './transport.js';
export * from './wallet/derivation.js';
export * from './wallet/keystore.js';
export * from './wallet/wallet.js';
