import type { CryptoSuite } from '@hanglian/core';
import {
  type Command,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import { ReportEquivocationCommand } from './commands/reportEquivocation.js';
import type { IdentityForEvidence } from './expected.js';
import { equivocationsQuery } from './queries.js';
import { byOrgStore, EVIDENCE_MODULE, equivocationStore } from './stores.js';

/** Evidence of validator misbehaviour, proven by signatures and kept on chain against the organisation. */
export class EvidenceModule implements Module {
  readonly name = EVIDENCE_MODULE;
  readonly commands: readonly Command<any>[];
  readonly queries: readonly Query<any, any>[] = queryList({ equivocations: equivocationsQuery });
  readonly stores: readonly StoreDescription[] = [
    {
      name: equivocationStore.name,
      access: 'public',
      keyLayout: 'evidence/equivocations/<id>',
      summary: 'Proven double votes.',
    },
    {
      name: byOrgStore.name,
      access: 'public',
      keyLayout: 'evidence/byOrg/<org>/<id>',
      summary: 'Offences by organisation.',
    },
  ];

  constructor(identity: IdentityForEvidence, suite: CryptoSuite) {
    this.commands = [new ReportEquivocationCommand(identity, suite)];
  }
}
