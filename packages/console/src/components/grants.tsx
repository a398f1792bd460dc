/**
 * Grants in the wallet (give a platform part of my purchase history: scope, purpose, expiry; see what each
 * covers; share; revoke) and the grantee's check of a share package it was given.
 */
import type { SharePackage } from '@hanglian/sdk';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { client } from '../lib/chain.js';
import { money, short, time } from '../lib/format.js';
import {
  checkGrantForm,
  checkPackage,
  type GrantForm,
  MAX_GRANT_DAYS,
  makeGrant,
  myGrants,
  parsePackage,
  revokeGrant,
  sharePackage,
} from '../lib/grants.js';
import { useAsync } from '../lib/useAsync.js';
import type { MessageKey } from '../messages.js';
import { RunnerStatus, useRunner } from './action.js';
import { Badge, ErrorBox, Loading } from './status.js';

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export function WalletGrants(): ReactNode {
  const { t, lang, organisations } = useApp();
  const platforms = organisations.filter((o) => o.roles.includes('platform'));
  const [tick, setTick] = useState(0);
  const runner = useRunner(() => setTick((n) => n + 1));
  const grants = useAsync(() => myGrants(), [tick]);
  const [form, setForm] = useState<GrantForm>({
    grantee: '',
    categories: 'books',
    from: '',
    until: '',
    purpose: '',
    days: '30',
  });
  const [shared, setShared] = useState<{ index: number; text: string } | undefined>();
  const grantee = form.grantee || platforms[0]?.id || '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const now = (await client().getStatus()).latestBlockTime;
    const checked = checkGrantForm({ ...form, grantee }, now);
    if ('error' in checked) return runner.fail(new Error(t(checked.error as MessageKey, checked.vars)));
    void runner.run(
      t('grants.granting', { org: grantee }),
      (step) => makeGrant({ grantee, ...checked }, step),
      t('grants.granted', { org: grantee }),
    );
  };
  const field = (key: keyof GrantForm, label: string, props: Record<string, string> = {}) => (
    <label htmlFor={`grant-${key}`} className={key === 'purpose' ? 'grow' : undefined}>
      <span>{label}</span>
      <input
        id={`grant-${key}`}
        data-testid={`grant-${key}`}
        value={form[key]}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
        {...props}
      />
    </label>
  );

  return (
    <section aria-labelledby="grants" data-testid="grants">
      <h2 id="grants">{t('wallet.grants')}</h2>
      <p className="muted">{t('grants.lead')}</p>
      <form className="card" onSubmit={(e) => void submit(e)} data-testid="grant-form">
        <h3>{t('grants.new')}</h3>
        <div className="form-row">
          <label htmlFor="grant-grantee">
            <span>{t('grants.grantee')}</span>
            <select
              id="grant-grantee"
              data-testid="grant-grantee"
              value={grantee}
              onChange={(e) => setForm({ ...form, grantee: e.target.value })}
            >
              {platforms.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.id})
                </option>
              ))}
            </select>
          </label>
          {field('categories', t('grants.categories'), { placeholder: 'books, stationery' })}
          {field('from', t('grants.from'), { type: 'date' })}
          {field('until', t('grants.until'), { type: 'date' })}
        </div>
        <div className="form-row">
          {field('purpose', t('grants.purpose'), {
            maxLength: '400',
            placeholder: t('grants.purposeExample'),
          })}
          {field('days', t('grants.days', { max: MAX_GRANT_DAYS }), { inputMode: 'numeric' })}
          <button type="submit" data-testid="grant-submit" disabled={runner.busy !== undefined}>
            {t('grants.submit')}
          </button>
        </div>
      </form>
      <RunnerStatus runner={runner} testId="grant-action" />
      {grants.loading && <Loading label={t('grants.listing')} />}
      <ErrorBox error={grants.error} onRetry={grants.reload} />
      {grants.data !== undefined && grants.data.length === 0 && (
        <p className="muted" data-testid="grants-none">
          {t('grants.none')}
        </p>
      )}
      <ul className="reviews" data-testid="grant-list">
        {grants.data?.map(({ index, grant, covers }) => {
          if (grant === null)
            return (
              <li key={index} className="card">
                {t('grants.missing', { n: index })}
              </li>
            );
          const expired = grant.status === 'active' && grant.expiresAt <= Date.now();
          return (
            <li key={grant.id} className="card" data-testid="grant" data-grant={grant.id}>
              <p>
                <strong>{grant.grantee}</strong> · {grant.purpose}{' '}
                <span data-testid="grant-status">
                  {grant.status === 'revoked' ? (
                    <Badge tone="bad">{t('grants.revoked', { when: time(grant.revokedAt, lang) })}</Badge>
                  ) : expired ? (
                    <Badge tone="warn">{t('grants.expired')}</Badge>
                  ) : (
                    <Badge tone="good">{t('grants.active', { when: time(grant.expiresAt, lang) })}</Badge>
                  )}
                </span>
              </p>
              <p className="muted">
                {t('grants.scope', {
                  categories:
                    grant.scope.categories.length === 0 ? t('grants.any') : grant.scope.categories.join(', '),
                  from: grant.scope.from === undefined ? '—' : time(grant.scope.from, lang),
                  until: grant.scope.until === undefined ? '—' : time(grant.scope.until, lang),
                })}{' '}
                <code>{short(grant.id, 6)}</code>
              </p>
              <p data-testid="grant-covers">
                {t('grants.covers', { n: covers.length })}{' '}
                {covers.map((o) => `${o.listing} ${money(o.composition.total)}`).join(' · ')}
              </p>
              {grant.status === 'active' && !expired && (
                <div className="form-row">
                  <button
                    type="button"
                    className="secondary"
                    data-testid="grant-share"
                    disabled={runner.busy !== undefined}
                    onClick={() =>
                      void runner.run(
                        t('grants.sharing'),
                        async () =>
                          setShared({ index, text: JSON.stringify(await sharePackage(index), null, 1) }),
                        t('grants.shared'),
                      )
                    }
                  >
                    {t('grants.share')}
                  </button>
                  <button
                    type="button"
                    data-testid="grant-revoke"
                    disabled={runner.busy !== undefined}
                    onClick={() => {
                      if (!window.confirm(t('grants.revokeConfirm', { org: grant.grantee }))) return;
                      void runner.run(
                        t('grants.revoking'),
                        (step) => revokeGrant(index, step),
                        t('grants.revokedDone'),
                      );
                    }}
                  >
                    {t('grants.revoke')}
                  </button>
                </div>
              )}
              {shared?.index === index && (
                <div>
                  <label htmlFor={`package-${index}`} className="grow">
                    <span>{t('grants.package')}</span>
                    <textarea
                      id={`package-${index}`}
                      data-testid="grant-package"
                      readOnly
                      rows={5}
                      value={shared.text}
                    />
                  </label>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => download(`share-${grant.id}.json`, shared.text)}
                  >
                    {t('grants.download')}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The grantee's side: paste or upload a share package, verify it against the chain. */
export function PackageCheck({ org }: { org: string }): ReactNode {
  const { t, lang } = useApp();
  const [text, setText] = useState('');
  const [stage, setStage] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<Awaited<ReturnType<typeof checkPackage>> | undefined>();
  const verify = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    let pkg: SharePackage;
    try {
      if (text.trim() === '') throw new Error(t('grantee.empty'));
      pkg = parsePackage(text);
    } catch (caught) {
      return setError(new Error(`${t('grantee.notPackage')} (${(caught as Error).message})`));
    }
    try {
      setResult(await checkPackage(pkg, org, (s) => setStage(s)));
    } catch (caught) {
      setError(caught);
    } finally {
      setStage(undefined);
    }
  };
  return (
    <section aria-labelledby="grantee" data-testid="package-check">
      <h2 id="grantee">{t('grantee.title')}</h2>
      <p className="muted">{t('grantee.lead', { org })}</p>
      <form onSubmit={(e) => void verify(e)}>
        <label htmlFor="package-text" className="grow">
          <span>{t('grantee.paste')}</span>
          <textarea
            id="package-text"
            data-testid="package-text"
            rows={5}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <div className="form-row">
          <label htmlFor="package-file">
            <span>{t('grantee.upload')}</span>
            <input
              id="package-file"
              type="file"
              accept="application/json,.json"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file !== undefined) void file.text().then(setText);
              }}
            />
          </label>
          <button type="submit" data-testid="package-verify" disabled={stage !== undefined}>
            {t('grantee.verify')}
          </button>
        </div>
      </form>
      {stage !== undefined && <Loading label={t(`grantee.stage.${stage}` as MessageKey)} />}
      {error !== undefined && (
        <div data-testid="package-refused">
          <p className="verdict clone">{t('grantee.refused')}</p>
          <ErrorBox error={error} />
        </div>
      )}
      {result !== undefined && (
        <div data-testid="package-accepted">
          <p className="verdict genuine">{t('grantee.accepted', { n: result.orders.length })}</p>
          <p className="muted">
            {t('grantee.grant', {
              purpose: result.grant.purpose,
              expires: time(result.grant.expiresAt, lang),
              height: result.header.height,
            })}
          </p>
          <ul>
            {result.orders.map((o) => (
              <li key={o.id}>
                <code>{short(o.id, 6)}</code> {o.listing} ×{o.quantity} · {money(o.composition.total)} ·{' '}
                {time(o.createdAt, lang)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
