/**
 * Item verification: enter (or scan, via the QR code's link) a code, see the item's story from
 * production to now with a verdict, and the item's state proven in this browser by the light client
 * against headers signed by the validators. Also prints QR codes for a range of items.
 */
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { useApp } from '../appContext.js';
import { QrCode, verifyUrl } from '../components/qr.js';
import { Badge, ErrorBox, Loading, Progress } from '../components/status.js';
import { chain, type ItemView } from '../lib/chain.js';
import { party, short, time } from '../lib/format.js';
import { href, useRoute } from '../lib/router.js';
import {
  type Checkpoint,
  decodeValue,
  forgetCheckpoint,
  type TrustProgress,
  verifiedState,
} from '../lib/trust.js';
import { useAsync } from '../lib/useAsync.js';
import { parseCode, verdictOf } from '../lib/verdict.js';
import type { MessageKey } from '../messages.js';

const MAX_CODE = 200;
const MAX_QR_SHEET = 100;

async function check(code: string, owner: string | undefined) {
  const verification = await chain.verify(code, owner);
  return { verification, ...verdictOf(verification) };
}

interface ProofResult {
  readonly checkpoint: Checkpoint;
  readonly height: number;
  readonly blockHash: string;
  readonly stateRoot: string;
  readonly item: { owner: string; custodian: string; status: string } | null;
  readonly batch: { recalled: boolean; count: number } | null;
  readonly agrees: boolean;
}

function ProofPanel({ code, item }: { code: string; item: ItemView | null }): ReactNode {
  const { t, lang } = useApp();
  const [progress, setProgress] = useState<TrustProgress | undefined>();
  const [attempt, setAttempt] = useState(0);
  const parts = parseCode(code);
  const proof = useAsync(async (): Promise<ProofResult | null> => {
    if (parts === undefined) return null;
    const itemState = await verifiedState(`items/items/${code}`, setProgress);
    const batchState = await verifiedState(`items/batches/${parts.sku}/${parts.batch}`, setProgress);
    const provenItem = decodeValue<{ owner: string; custodian: string; status: string }>(itemState.state);
    const provenBatch = decodeValue<{ recalled: boolean; count: number }>(batchState.state);
    // What the node told (the story) must match what is proven: the owner and status of the item.
    const agrees =
      item === null
        ? provenBatch === null || parts.serial > provenBatch.count
        : provenBatch !== null &&
          (provenItem === null
            ? item.state.owner === `org:${item.product.producer}`
            : provenItem.owner === item.state.owner && provenItem.status === item.state.status) &&
          provenBatch.recalled === item.batch.recalled;
    return {
      checkpoint: batchState.checkpoint,
      height: batchState.state.height,
      blockHash: batchState.state.blockHash,
      stateRoot: bytesHex(batchState.state.header.stateRoot),
      item: provenItem,
      batch: provenBatch,
      agrees,
    };
  }, [code, attempt]);

  return (
    <section aria-labelledby="proof" className="card" data-testid="proof">
      <h2 id="proof">{t('verify.proof')}</h2>
      <p className="muted">{t('verify.proofLead')}</p>
      {proof.loading && progress !== undefined && progress.to > progress.from && (
        <Progress
          done={progress.at - progress.from}
          total={progress.to - progress.from}
          label={t('verify.following', { to: progress.to })}
        />
      )}
      {proof.loading && <Loading label={t('verify.proving')} />}
      <ErrorBox error={proof.error} onRetry={() => setAttempt((a) => a + 1)} />
      {proof.data === null && <p>{t('verify.noProof')}</p>}
      {proof.data !== undefined && proof.data !== null && (
        <>
          <p
            className={`banner ${proof.data.agrees ? 'good' : 'error'}`}
            data-testid="proof-verdict"
            role="status"
          >
            {proof.data.agrees ? t('verify.proofOk') : t('verify.proofMismatch')}
          </p>
          <dl className="facts">
            <dt>{t('verify.provenItem')}</dt>
            <dd>
              {proof.data.item === null
                ? t('verify.provenAbsent')
                : `${party(proof.data.item.owner)} · ${proof.data.item.status}`}
            </dd>
            <dt>{t('verify.provenBatch')}</dt>
            <dd>
              {proof.data.batch === null
                ? t('verify.provenAbsent')
                : t('verify.batchFacts', {
                    count: proof.data.batch.count,
                    recalled: proof.data.batch.recalled ? t('common.yes') : t('common.no'),
                  })}
            </dd>
            <dt>{t('verify.block')}</dt>
            <dd>
              <a href={href('explorer', 'block', proof.data.height)}>#{proof.data.height}</a>{' '}
              <code>{short(proof.data.blockHash)}</code>
            </dd>
            <dt>{t('verify.stateRoot')}</dt>
            <dd>
              <code>{short(proof.data.stateRoot)}</code>
            </dd>
            <dt>{t('verify.signedBy')}</dt>
            <dd>
              {proof.data.checkpoint.validators.map((v) => v.org).join(', ')} (
              {t('verify.power', {
                power: proof.data.checkpoint.validators.reduce((s, v) => s + v.power, 0),
              })}
              )
            </dd>
            <dt>{t('verify.trust')}</dt>
            <dd>
              {t('verify.trustText', {
                pinned: time(proof.data.checkpoint.pinnedAt, lang),
                height: proof.data.checkpoint.height,
              })}{' '}
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  forgetCheckpoint(proof.data!.checkpoint.genesisHash);
                  setAttempt((a) => a + 1);
                }}
              >
                {t('verify.repin')}
              </button>
            </dd>
          </dl>
        </>
      )}
    </section>
  );
}

function bytesHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function Story({ item }: { item: ItemView }): ReactNode {
  const { t, lang } = useApp();
  return (
    <ol className="story" data-testid="story">
      {item.history.map((e) => (
        <li key={`${e.txId}-${e.bizStep}`}>
          <strong>{t(`step.${e.bizStep}` as MessageKey) ?? e.bizStep}</strong>{' '}
          <span className="muted">{time(e.time, lang)}</span>
          <br />
          {t('verify.by', { who: party(e.by) })}
          {e.where !== undefined && ` · ${e.where}`}
          {e.why !== undefined && ` · ${e.why}`}
          {e.destination !== undefined && ` → ${party(e.destination)}`}
          <br />
          <a className="muted" href={href('explorer', 'block', e.height)}>
            {t('verify.atBlock', { height: e.height })}
          </a>{' '}
          <code className="muted">{short(e.txId)}</code>
        </li>
      ))}
    </ol>
  );
}

function Result({ code, owner }: { code: string; owner: string | undefined }): ReactNode {
  const { t } = useApp();
  const result = useAsync(() => check(code, owner), [code, owner]);
  if (result.loading) return <Loading label={t('verify.checking')} />;
  if (result.error !== undefined) return <ErrorBox error={result.error} onRetry={result.reload} />;
  const r = result.data!;
  const item = r.verification.item;
  return (
    <>
      <p className={`verdict ${r.verdict}`} data-testid="verdict" role="status">
        {t(`verdict.${r.verdict}`)}
      </p>
      <ul>
        {r.reasons
          .filter((v) => v !== 'genuine')
          .map((v) => (
            <li key={v}>{t(`verdict.${v}.why`)}</li>
          ))}
        {r.verdict === 'genuine' && <li>{t('verdict.genuine.why')}</li>}
      </ul>
      <div className="columns">
        <section aria-labelledby="item-facts">
          <h2 id="item-facts">{t('verify.item')}</h2>
          {item === null ? (
            <p>{t('verify.neverMinted')}</p>
          ) : (
            <dl className="facts">
              <dt>{t('product.product')}</dt>
              <dd>{item.product.name}</dd>
              <dt>{t('product.producer')}</dt>
              <dd>{item.product.producer}</dd>
              <dt>{t('verify.batch')}</dt>
              <dd>
                {item.batch.batch} · {item.batch.site ?? '—'}{' '}
                {item.batch.recalled && <Badge tone="bad">{t('verdict.recalled')}</Badge>}
              </dd>
              <dt>{t('verify.serial')}</dt>
              <dd>
                {item.serial} / {item.batch.count}
              </dd>
              <dt>{t('verify.owner')}</dt>
              <dd data-testid="owner">{party(item.state.owner)}</dd>
              <dt>{t('verify.custodian')}</dt>
              <dd>{party(item.state.custodian)}</dd>
              <dt>{t('verify.status')}</dt>
              <dd>{item.state.status}</dd>
              <dt>{t('product.channel')}</dt>
              <dd>{t(`channel.${r.verification.channel?.channel ?? 'unknown-code'}`)}</dd>
            </dl>
          )}
        </section>
        <section aria-labelledby="qr" className="qr">
          <h2 id="qr">{t('verify.qr')}</h2>
          <QrCode text={verifyUrl(code)} label={t('verify.qrLabel', { code })} />
          <p>
            <code>{code}</code>
          </p>
          <button type="button" className="secondary no-print" onClick={() => window.print()}>
            {t('verify.print')}
          </button>
        </section>
      </div>
      {item !== null && (
        <section aria-labelledby="story-title">
          <h2 id="story-title">{t('verify.story')}</h2>
          <Story item={item} />
        </section>
      )}
      <ProofPanel code={code} item={item} />
    </>
  );
}

function QrSheet(): ReactNode {
  const { t } = useApp();
  const [form, setForm] = useState({ sku: 'isbn-9787020002207', batch: 'b2026-11', from: '1', to: '12' });
  const [sheet, setSheet] = useState<string[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const from = Number(form.from);
    const to = Number(form.to);
    if (form.sku.trim() === '' || form.batch.trim() === '') return setError(t('qr.needSkuBatch'));
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from)
      return setError(t('qr.badRange'));
    if (to - from + 1 > MAX_QR_SHEET) return setError(t('qr.tooMany', { max: MAX_QR_SHEET }));
    setError(undefined);
    setSheet(
      Array.from({ length: to - from + 1 }, (_, i) => `${form.sku.trim()}:${form.batch.trim()}:${from + i}`),
    );
  };
  return (
    <section aria-labelledby="qr-sheet">
      <h2 id="qr-sheet">{t('qr.title')}</h2>
      <p className="muted">{t('qr.lead')}</p>
      <form className="form-row no-print" onSubmit={submit}>
        {(['sku', 'batch', 'from', 'to'] as const).map((field) => (
          <label key={field}>
            <span>{t(`qr.${field}`)}</span>
            <input
              value={form[field]}
              inputMode={field === 'from' || field === 'to' ? 'numeric' : undefined}
              onChange={(e) => setForm({ ...form, [field]: e.target.value })}
              aria-invalid={error !== undefined}
            />
          </label>
        ))}
        <button type="submit">{t('qr.make')}</button>
        {sheet !== undefined && (
          <button type="button" className="secondary" onClick={() => window.print()}>
            {t('verify.print')}
          </button>
        )}
      </form>
      {error !== undefined && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      {sheet !== undefined && (
        <div className="qr-sheet qr" data-testid="qr-sheet">
          {sheet.map((code) => (
            <figure key={code}>
              <QrCode text={verifyUrl(code)} label={t('verify.qrLabel', { code })} />
              <figcaption>{code}</figcaption>
            </figure>
          ))}
        </div>
      )}
    </section>
  );
}

export function VerifyPage({ code }: { code: string }): ReactNode {
  const { t, organisations } = useApp();
  const route = useRoute();
  const owner = route.query.get('owner') ?? undefined;
  const [draft, setDraft] = useState(code);
  const [draftOwner, setDraftOwner] = useState(owner ?? '');
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    setDraft(code);
    setDraftOwner(owner ?? '');
  }, [code, owner]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = draft.trim();
    if (value.length === 0) return setError(t('verify.empty'));
    if (value.length > MAX_CODE) return setError(t('verify.tooLong', { max: MAX_CODE }));
    if (parseCode(value) === undefined) return setError(t('verify.malformed'));
    if (draftOwner !== '' && !/^(org:[a-z0-9-]{1,64}|acct:hl[0-9a-f]{40})$/.test(draftOwner))
      return setError(t('verify.badOwner'));
    setError(undefined);
    const target = href('verify', value);
    window.location.hash = draftOwner === '' ? target : `${target}?owner=${encodeURIComponent(draftOwner)}`;
  };

  const sellers = organisations.filter(
    (o) => o.roles.includes('merchant') || o.roles.includes('distributor'),
  );
  return (
    <section>
      <h1>{t('verify.title')}</h1>
      <p className="lead">{t('verify.lead')}</p>
      <form className="form-row" onSubmit={submit}>
        <label className="grow">
          <span>{t('verify.code')}</span>
          <input
            data-testid="code"
            value={draft}
            placeholder="isbn-9787020002207:b2026-11:42"
            onChange={(e) => setDraft(e.target.value)}
            aria-invalid={error !== undefined}
            aria-describedby="code-help"
          />
        </label>
        <label>
          <span>{t('verify.offeredBy')}</span>
          <select
            data-testid="owner-claim"
            value={draftOwner}
            onChange={(e) => setDraftOwner(e.target.value)}
          >
            <option value="">{t('verify.offeredByNobody')}</option>
            {sellers.map((o) => (
              <option key={o.id} value={`org:${o.id}`}>
                {o.name}
              </option>
            ))}
            {draftOwner.startsWith('acct:') && <option value={draftOwner}>{short(draftOwner, 10)}</option>}
          </select>
        </label>
        <button type="submit" data-testid="verify">
          {t('verify.check')}
        </button>
      </form>
      <p id="code-help" className="muted">
        {t('verify.help')}
      </p>
      {error !== undefined && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      {code !== '' && <Result key={`${code}|${owner ?? ''}`} code={code} owner={owner} />}
      <QrSheet />
    </section>
  );
}
