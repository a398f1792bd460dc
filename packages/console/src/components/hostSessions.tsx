/**
 * The host's live sessions (`catalog sessions {host}`) and announcing one (`catalog.createSession`):
 * an id, a title, a window (the browser's time zone, compared with block time) and the listings it
 * features — only those offering hosts a commission, which is fixed for the session when it is announced.
 */
import { catalog } from '@hanglian/sdk';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { chain } from '../lib/chain.js';
import { act } from '../lib/company.js';
import { bps, time } from '../lib/format.js';
import { localDateTime, type SessionDraft, sessionParams } from '../lib/forms.js';
import { href } from '../lib/router.js';
import { useAsync } from '../lib/useAsync.js';
import { RunnerStatus, useRunner } from './action.js';
import { CheckList, TextField } from './fields.js';
import { Badge, ErrorBox, Loading } from './status.js';

const HOUR = 3_600_000;

const fresh = (): SessionDraft => {
  const now = Date.now();
  return {
    session: '',
    title: '',
    startsAt: localDateTime(now),
    endsAt: localDateTime(now + 2 * HOUR),
    listings: [],
  };
};

export function HostSessions({ org }: { org: string }): ReactNode {
  const { t, lang } = useApp();
  const [tick, setTick] = useState(0);
  const runner = useRunner(() => setTick((n) => n + 1));
  const sessions = useAsync(() => chain.sessions({ host: org }), [org, tick]);
  const listings = useAsync(() => chain.listings({}), [tick]);
  const [draft, setDraft] = useState<SessionDraft>(fresh);
  const set = (patch: Partial<SessionDraft>) => setDraft({ ...draft, ...patch });
  const offering = (listings.data ?? []).filter((l) => (l.hostCommissionBps ?? 0) > 0);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let params: ReturnType<typeof sessionParams>;
    try {
      params = sessionParams(t, draft, Date.now());
    } catch (error) {
      return runner.fail(error);
    }
    void runner
      .run(t('session.creating', { id: `${org}/${params.session}` }), (step) =>
        act(org, catalog.createSession(params), [], step),
      )
      .then((ok) => {
        if (ok) setDraft(fresh());
      });
  };
  const now = Date.now();
  return (
    <section aria-labelledby="sessions" data-testid="host-sessions">
      <h2 id="sessions">{t('session.title')}</h2>
      <p className="muted">{t('session.lead')}</p>
      <h3>{t('session.mine')}</h3>
      {sessions.loading && <Loading />}
      <ErrorBox error={sessions.error} onRetry={sessions.reload} />
      {sessions.data !== undefined && sessions.data.length === 0 && (
        <p className="muted">{t('session.none')}</p>
      )}
      {sessions.data !== undefined && sessions.data.length > 0 && (
        <div className="table-wrap">
          <table data-testid="sessions">
            <thead>
              <tr>
                <th scope="col">{t('session.name')}</th>
                <th scope="col">{t('session.window')}</th>
                <th scope="col">{t('session.featured')}</th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.map((s) => (
                <tr key={s.id} data-testid="session-row" data-session={s.id}>
                  <td>
                    {s.title} <code>{s.id}</code>{' '}
                    {s.endsAt <= now ? (
                      <Badge tone="warn">{t('session.ended')}</Badge>
                    ) : s.startsAt > now ? (
                      <Badge tone="info">{t('session.upcoming')}</Badge>
                    ) : (
                      <Badge tone="good">{t('session.live')}</Badge>
                    )}
                  </td>
                  <td>
                    {time(s.startsAt, lang)} – {time(s.endsAt, lang)}
                  </td>
                  <td>
                    {s.featured.map((f) => (
                      <span key={f.listing}>
                        <a href={href('product', f.listing)}>{f.listing}</a> ({bps(f.commissionBps)}){' '}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="card" onSubmit={submit} data-testid="session-form" noValidate>
        <h3>{t('session.create')}</h3>
        <div className="form-row">
          <TextField
            label={t('session.id')}
            id="session-id"
            value={draft.session}
            placeholder="solitude-night"
            onChange={(v) => set({ session: v })}
          />
          <TextField
            label={t('session.name')}
            id="session-title"
            value={draft.title}
            grow
            onChange={(v) => set({ title: v })}
          />
          <TextField
            label={t('session.starts')}
            id="session-starts"
            type="datetime-local"
            value={draft.startsAt}
            onChange={(v) => set({ startsAt: v })}
          />
          <TextField
            label={t('session.ends')}
            id="session-ends"
            type="datetime-local"
            value={draft.endsAt}
            onChange={(v) => set({ endsAt: v })}
          />
        </div>
        {listings.loading && <Loading />}
        <ErrorBox error={listings.error} onRetry={listings.reload} />
        {listings.data !== undefined && offering.length === 0 && (
          <p className="muted">{t('session.noListings')}</p>
        )}
        {offering.length > 0 && (
          <CheckList
            legend={t('session.listings')}
            id="session-listings"
            options={offering.map((l) => ({
              value: l.id,
              label: (
                <>
                  {l.title} <code>{l.id}</code> ({bps(l.hostCommissionBps)})
                </>
              ),
            }))}
            chosen={draft.listings}
            onChange={(v) => set({ listings: v })}
          />
        )}
        <div className="form-row">
          <button type="submit" data-testid="session-submit" disabled={runner.busy !== undefined}>
            {t('session.submit')}
          </button>
        </div>
      </form>
      <RunnerStatus runner={runner} testId="session-action" />
    </section>
  );
}
