/**
 * The company view of the organisation chosen in the header, for the role chosen: the producer's,
 * the merchant's, and the queues of platforms, payment providers, carriers, hosts and arbiters. Each acts
 * with the organisation's key, which on a devnet is the node's dev key (lib/devKeys.ts): members-only
 * reads are signed with it, and so are the commands.
 */
import type { ReactNode } from 'react';
import { useApp } from '../appContext.js';
import { ImplementationsUsage } from '../components/companyParts.js';
import { HostSessions } from '../components/hostSessions.js';
import { IndexReport } from '../components/indexReport.js';
import { Loading } from '../components/status.js';
import { devSigners } from '../lib/devKeys.js';
import { useAsync } from '../lib/useAsync.js';
import { MerchantView } from './merchant.js';
import { ProducerView } from './producer.js';
import { QueuesView } from './queues.js';

/** Roles an order names (merchant, carrier, payment provider, platform, host): the index reports on them. */
const REPORT_ROLES = new Set<string>(['merchant', 'carrier', 'payment', 'platform', 'host']);

export function CompanyPage(): ReactNode {
  const { t, org, organisations, role } = useApp();
  const keys = useAsync(() => devSigners().catch(() => undefined), []);
  const me = organisations.find((o) => o.id === org);
  if (role === 'shopper') return <p>{t('company.pickRole')}</p>;
  if (me === undefined) return <Loading />;
  const canAct = keys.data?.has(me.id) === true;
  let view: ReactNode;
  switch (role) {
    case 'producer':
      view = <ProducerView org={me.id} />;
      break;
    case 'merchant':
      view = <MerchantView org={me.id} />;
      break;
    case 'host':
      view = (
        <>
          <HostSessions org={me.id} />
          <QueuesView org={me.id} companyRole={role} />
        </>
      );
      break;
    case 'platform':
    case 'payment':
    case 'carrier':
    case 'arbiter':
      view = <QueuesView org={me.id} companyRole={role} />;
      break;
    default:
      view = <ImplementationsUsage org={me.id} orders={undefined} />;
  }
  return (
    <section data-testid={`company-${role}`}>
      <h1 data-testid="company-name">{me.name}</h1>
      <p className="lead">
        {t('company.roles', { roles: me.roles.join(', '), id: me.id })} {t(`role.${role}` as 'role.producer')}
      </p>
      {keys.loading && <Loading />}
      {!keys.loading && !canAct && (
        <p className="banner warn" data-testid="no-dev-key">
          {t('company.noKey', { org: me.id })}
        </p>
      )}
      {!keys.loading && canAct && (
        <p className="muted" data-testid="acting-as">
          {t('company.actingAs', { org: me.id })}
        </p>
      )}
      {!keys.loading && view}
      {!keys.loading && canAct && REPORT_ROLES.has(role) && <IndexReport org={me.id} role={role} />}
    </section>
  );
}
