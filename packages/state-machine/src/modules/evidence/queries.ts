import { IdentifierSchema } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
import {
  byOrgStore,
  type EquivocationRecord,
  EquivocationRecordSchema,
  equivocationStore,
} from './stores.js';

const ByOrgParams = Type.Object({ org: Type.Optional(IdentifierSchema) }, { additionalProperties: false });

/** Recorded equivocations, all or one organisation's, oldest offence first. */
export const equivocationsQuery = {
  name: 'equivocations',
  reads: { public: ['evidence/byOrg', 'evidence/equivocations'] },
  resultSchema: Type.Array(EquivocationRecordSchema),
  access: 'public',
  summary: 'Proven double votes, optionally of one organisation.',
  paramsSchema: ByOrgParams,
  execute(ctx) {
    const records: EquivocationRecord[] = [];
    if (ctx.params.org === undefined) {
      for (const [, record] of equivocationStore.entries(ctx.state)) records.push(record);
    } else {
      for (const [key] of byOrgStore.entries(ctx.state, `${ctx.params.org}/`)) {
        const record = equivocationStore.get(ctx.state, key.slice(ctx.params.org.length + 1));
        if (record !== undefined) records.push(record);
      }
    }
    return records.sort((a, b) => a.height - b.height || a.round - b.round);
  },
} satisfies Query<typeof ByOrgParams, EquivocationRecord[]>;
