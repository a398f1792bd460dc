// The public-read rule for the API (docs/privacy.md): every endpoint names what its answer is made of,
// and one open to anyone serves only public sources (what a member's signature adds is named apart).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATA_SOURCES, type EndpointDefinition, endpoints } from '@hanglian/api';
import { ed25519Sha256 } from '@hanglian/core';
import { createKernel, nonceStore, StateMachine, standardTestNetwork } from '@hanglian/state-machine';

describe('endpoint sources', () => {
  const list = Object.values(endpoints) as EndpointDefinition[];

  it('every endpoint names its sources, each a known one', () => {
    for (const e of list) {
      for (const s of [...e.sources, ...(e.membersSources ?? [])]) {
        assert.ok(s in DATA_SOURCES, `${e.id}: unknown source ${s}`);
      }
    }
  });

  it('an endpoint open to anyone serves only public sources; per-read ones only where the node decides per read', () => {
    for (const e of list) {
      if (e.auth === 'members' || e.auth === 'admin') continue;
      for (const s of e.sources) {
        const access = DATA_SOURCES[s];
        if (e.id === 'submitTransaction' && s === 'chain.events') continue; // the holder of the signed bytes
        assert.notEqual(access, 'members', `${e.id} serves the members-only ${s} to anyone`);
        if (access === 'per-read')
          assert.equal(e.auth, 'depends', `${e.id} serves ${s} without deciding per read`);
      }
      if ((e.membersSources ?? []).length > 0) assert.equal(e.auth, 'depends', `${e.id} adds members' data`);
    }
  });

  it('what the sources table calls public agrees with the state machine (nonces)', () => {
    const genesis = standardTestNetwork().build();
    const kernel = createKernel();
    const machine = new StateMachine({
      chainId: genesis.chainId,
      modules: kernel.modules,
      membership: kernel.membership,
      suite: ed25519Sha256,
    });
    assert.equal(DATA_SOURCES['state.nonces'], 'public');
    assert.equal(machine.stateAccess(`${nonceStore.module}/${nonceStore.name}/hl00`), 'public');
    assert.equal(machine.stateAccess('settlement/balances/hl00'), 'members');
  });
});
