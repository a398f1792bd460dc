/**
 * The block explorer (regulator and operators): latest blocks, a block with its transactions, results,
 * events and commit signatures (checked here against the validator set that signed it), a transaction's
 * fate, the validator set, governance proposals with their votes, and recorded evidence of misbehaviour.
 */
import {
  addressFromPublicKey,
  blockHash,
  bytesToHex,
  ed25519Sha256,
  hexToBytes,
  signedTxCodec,
  txBodyCodec,
  verifyCommit,
} from '@hanglian/core';
import { commitFromView, headerFromView } from '@hanglian/sdk';
import type { ChainQueryResult } from '@hanglian/state-machine/client';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { EvidenceExport } from '../components/evidenceExport.js';
import { IndexTransactions } from '../components/indexTxs.js';
import { Badge, ErrorBox, Loading } from '../components/status.js';
import { client, memberClient, q } from '../lib/chain.js';

const READ_AUTH = 'members-only read: this node gives the console no member key';

import { short, time } from '../lib/format.js';
import { href, navigate } from '../lib/router.js';
import { useAsync } from '../lib/useAsync.js';

const RECENT = 15;

function Tabs({ current }: { current: string }): ReactNode {
  const { t } = useApp();
  const tabs: Array<[string, string]> = [
    ['blocks', t('explorer.blocks')],
    ['validators', t('explorer.validators')],
    ['governance', t('explorer.governance')],
    ['evidence', t('explorer.evidence')],
    ['links', t('explorer.links')],
  ];
  return (
    <nav className="tabs" aria-label={t('explorer.sections')}>
      {tabs.map(([id, label]) => (
        <a
          key={id}
          className="tab"
          href={href('explorer', id)}
          aria-current={current === id ? 'page' : undefined}
        >
          {label}
        </a>
      ))}
    </nav>
  );
}

function Jump(): ReactNode {
  const { t } = useApp();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = value.trim();
    if (/^\d{1,15}$/.test(v)) return navigate('explorer', 'block', v);
    if (/^[0-9a-fA-F]{64}$/.test(v)) return navigate('explorer', 'tx', v.toLowerCase());
    setError(t('explorer.jumpBad'));
  };
  return (
    <form className="form-row" onSubmit={submit}>
      <label className="grow">
        <span>{t('explorer.jump')}</span>
        <input
          data-testid="jump"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setError(undefined);
          }}
          aria-invalid={error !== undefined}
          placeholder="42 / 9f3a…"
        />
      </label>
      <button type="submit">{t('explorer.go')}</button>
      {error !== undefined && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function Blocks(): ReactNode {
  const { t, lang } = useApp();
  const blocks = useAsync(async () => {
    const { height } = await client().getStatus();
    const heights = Array.from({ length: Math.min(RECENT, height) }, (_, i) => height - i);
    return Promise.all(heights.map((h) => client().getHeader({ height: h })));
  }, []);
  if (blocks.loading && blocks.data === undefined) return <Loading />;
  if (blocks.error !== undefined) return <ErrorBox error={blocks.error} onRetry={blocks.reload} />;
  return (
    <div className="table-wrap">
      <table data-testid="blocks">
        <caption>
          {t('explorer.latest', { n: blocks.data!.length })}{' '}
          <button type="button" className="secondary" onClick={blocks.reload}>
            {t('explorer.refresh')}
          </button>
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('explorer.height')}</th>
            <th scope="col">{t('explorer.hash')}</th>
            <th scope="col">{t('explorer.time')}</th>
            <th scope="col" className="num">
              {t('explorer.txs')}
            </th>
            <th scope="col">{t('explorer.signatures')}</th>
          </tr>
        </thead>
        <tbody>
          {blocks.data!.map((b) => (
            <tr key={b.header.height}>
              <td>
                <a href={href('explorer', 'block', b.header.height)}>#{b.header.height}</a>
              </td>
              <td>
                <code>{short(b.hash)}</code>
              </td>
              <td>{time(b.header.time, lang)}</td>
              <td className="num">{b.header.txCount}</td>
              <td>{b.commit === null ? t('explorer.noCommit') : b.commit.signatures.length}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function decodeTx(hex: string): {
  module: string;
  command: string;
  submitter: string;
  nonce: number;
  actors: number;
} {
  const signed = signedTxCodec.decode(hexToBytes(hex));
  const body = txBodyCodec.decode(signed.body);
  return {
    module: body.module,
    command: body.command,
    submitter: addressFromPublicKey(body.submitter),
    nonce: body.nonce,
    actors: body.actors.length,
  };
}

function BlockDetail({ height }: { height: number }): ReactNode {
  const { t, lang, org } = useApp();
  const data = useAsync(async () => {
    // Headers and commits are public; transactions and results are members-only reads.
    const reader = await memberClient(org ?? 'regulator').catch(() => undefined);
    const [block, validators, body] = await Promise.all([
      client().getHeader({ height }),
      q('governance', 'validators'),
      reader === undefined
        ? Promise.resolve(undefined)
        : Promise.all([reader.getBlock({ height }), reader.getBlockResults({ height })]).catch(
            (error: unknown) => error as Error,
          ),
    ]);
    const header = headerFromView(block.header);
    const hashOk = bytesToHex(blockHash(header)) === block.hash;
    const set = validators.current.map((v) => ({
      publicKey: hexToBytes(v.publicKey),
      power: v.power,
      org: v.org,
    }));
    const check =
      block.commit === null
        ? undefined
        : verifyCommit(commitFromView(block.commit), header.chainId, blockHash(header), set, ed25519Sha256);
    const txs = Array.isArray(body) ? body[0].txs : [];
    const results = Array.isArray(body) ? body[1] : { txResults: [] };
    const membersOnly = Array.isArray(body) ? undefined : (body ?? new Error(READ_AUTH));
    return { block, txs, results, membersOnly, validators: validators.current, hashOk, check };
  }, [height, org]);
  if (data.loading && data.data === undefined) return <Loading />;
  if (data.error !== undefined) return <ErrorBox error={data.error} onRetry={data.reload} />;
  const { block, txs, results, membersOnly, validators, hashOk, check } = data.data!;
  const h = block.header;
  const orgOf = (publicKey: string) =>
    validators.find((v) => v.publicKey === publicKey)?.org ?? short(publicKey);
  return (
    <article data-testid="block">
      <h2>{t('explorer.block', { height: h.height })}</h2>
      <p className="kv">
        {h.height > 1 && <a href={href('explorer', 'block', h.height - 1)}>← #{h.height - 1}</a>}
        <a href={href('explorer', 'block', h.height + 1)}>#{h.height + 1} →</a>
      </p>
      <dl className="facts">
        <dt>{t('explorer.hash')}</dt>
        <dd>
          <code>{block.hash}</code>{' '}
          {hashOk ? (
            <Badge tone="good">{t('explorer.hashOk')}</Badge>
          ) : (
            <Badge tone="bad">{t('explorer.hashBad')}</Badge>
          )}
        </dd>
        <dt>{t('explorer.time')}</dt>
        <dd>{time(h.time, lang)}</dd>
        <dt>{t('explorer.proposer')}</dt>
        <dd>
          <code>{h.proposer}</code>
        </dd>
        <dt>{t('explorer.previous')}</dt>
        <dd>
          <code>{short(h.previousBlockHash)}</code>
        </dd>
        <dt>{t('verify.stateRoot')}</dt>
        <dd>
          <code>{short(h.stateRoot)}</code>
        </dd>
        <dt>{t('explorer.txRoot')}</dt>
        <dd>
          <code>{short(h.txRoot)}</code>
        </dd>
        <dt>{t('explorer.validatorSet')}</dt>
        <dd>
          <code>{short(h.validatorSetHash)}</code>
        </dd>
      </dl>
      <h3>{t('explorer.commit')}</h3>
      {block.commit === null ? (
        <p>{t('explorer.noCommit')}</p>
      ) : (
        <>
          <p data-testid="commit-check" className={`banner ${check?.ok ? 'good' : 'warn'}`}>
            {check?.ok
              ? t('explorer.commitOk', { signed: check.signedPower, total: check.totalPower })
              : t('explorer.commitBad', { reason: check?.reason ?? '?' })}
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('explorer.validator')}</th>
                  <th scope="col">{t('explorer.signature')}</th>
                </tr>
              </thead>
              <tbody>
                {block.commit.signatures.map((s) => (
                  <tr key={s.validator}>
                    <td>{orgOf(s.validator)}</td>
                    <td>
                      <code>{short(s.signature, 12)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h3>{t('explorer.transactions', { n: h.txCount })}</h3>
      {membersOnly !== undefined && h.txCount > 0 && (
        <p className="banner warn">
          {t('explorer.membersOnly', { org: org ?? 'regulator' })} <code>{membersOnly.message}</code>
        </p>
      )}
      {h.txCount === 0 && <p className="muted">{t('explorer.empty')}</p>}
      {txs.map((tx, i) => {
        const body = decodeTx(tx);
        const result = results.txResults[i];
        return (
          <section key={result?.txId ?? i} className="card" data-testid="tx">
            <p>
              <strong>
                {body.module}.{body.command}
              </strong>{' '}
              {result?.code === 'OK' ? (
                <Badge tone="good">OK</Badge>
              ) : (
                <Badge tone="bad">{result?.code ?? '?'}</Badge>
              )}{' '}
              <span className="muted">{t('explorer.gas', { gas: result?.gasUsed ?? 0 })}</span>
            </p>
            <p className="muted">
              {t('explorer.submitter', { who: body.submitter, nonce: body.nonce })}
              {body.actors > 0 && ` · ${t('explorer.actors', { n: body.actors })}`}
            </p>
            {result !== undefined && (
              <p>
                <a href={href('explorer', 'tx', result.txId)}>
                  <code>{result.txId}</code>
                </a>
              </p>
            )}
            {result !== undefined && result.events.length > 0 && (
              <details>
                <summary>{t('explorer.events', { n: result.events.length })}</summary>
                <ul>
                  {result.events.map((e) => (
                    <li key={JSON.stringify(e)}>
                      <code>
                        {e.module}.{e.name}
                      </code>{' '}
                      <span className="muted">{e.topics.join(' · ')}</span>
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </section>
        );
      })}
    </article>
  );
}

function TxDetail({ id }: { id: string }): ReactNode {
  const { t } = useApp();
  const status = useAsync(() => client().getTransaction({ txId: id }), [id]);
  if (status.loading) return <Loading />;
  if (status.error !== undefined) return <ErrorBox error={status.error} onRetry={status.reload} />;
  const s = status.data as {
    status: string;
    height?: number;
    index?: number;
    result?: { code: string };
    code?: string;
  };
  return (
    <article data-testid="tx-detail">
      <h2>{t('explorer.tx')}</h2>
      <p>
        <code>{id}</code>
      </p>
      <dl className="facts">
        <dt>{t('verify.status')}</dt>
        <dd>{s.status}</dd>
        {s.height !== undefined && (
          <>
            <dt>{t('verify.block')}</dt>
            <dd>
              <a href={href('explorer', 'block', s.height)}>#{s.height}</a> ·{' '}
              {t('explorer.index', { index: s.index ?? 0 })}
            </dd>
          </>
        )}
        {s.result !== undefined && (
          <>
            <dt>{t('explorer.result')}</dt>
            <dd>{s.result.code}</dd>
          </>
        )}
        {s.code !== undefined && (
          <>
            <dt>{t('explorer.result')}</dt>
            <dd>{s.code}</dd>
          </>
        )}
      </dl>
      {s.status === 'committed' && <EvidenceExport tx={id} />}
    </article>
  );
}

function Validators(): ReactNode {
  const { t } = useApp();
  const set = useAsync(() => q('governance', 'validators'), []);
  if (set.loading) return <Loading />;
  if (set.error !== undefined) return <ErrorBox error={set.error} onRetry={set.reload} />;
  const total = set.data!.current.reduce((s, v) => s + v.power, 0);
  return (
    <div className="table-wrap">
      <table data-testid="validators">
        <caption>{t('explorer.validatorsCaption', { n: set.data!.current.length, total })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('role.org')}</th>
            <th scope="col">{t('explorer.address')}</th>
            <th scope="col" className="num">
              {t('explorer.power')}
            </th>
          </tr>
        </thead>
        <tbody>
          {set.data!.current.map((v) => (
            <tr key={v.publicKey}>
              <td>{v.org}</td>
              <td>
                <code>{v.address}</code>
              </td>
              <td className="num">
                {v.power} ({((v.power * 100) / total).toFixed(1)}%)
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Governance(): ReactNode {
  const { t } = useApp();
  const proposals = useAsync(() => q('governance', 'proposals', {}), []);
  if (proposals.loading) return <Loading />;
  if (proposals.error !== undefined) return <ErrorBox error={proposals.error} onRetry={proposals.reload} />;
  if (proposals.data!.length === 0) return <p data-testid="proposals">{t('explorer.noProposals')}</p>;
  return (
    <div className="table-wrap">
      <table data-testid="proposals">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('explorer.proposal')}</th>
            <th scope="col">{t('verify.status')}</th>
            <th scope="col">{t('explorer.votes')}</th>
          </tr>
        </thead>
        <tbody>
          {proposals.data!.map((p) => (
            <tr key={p.id}>
              <td>{p.id}</td>
              <td>
                {p.title} <code>{p.action.type}</code>
                <br />
                <span className="muted">
                  {t('explorer.proposedBy', { org: p.proposerOrg, height: p.createdAt })}
                </span>
              </td>
              <td>{p.status}</td>
              <td>{t('explorer.yesNo', { yes: p.yes.join(', ') || '—', no: p.no.join(', ') || '—' })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Evidence(): ReactNode {
  const { t } = useApp();
  const records = useAsync(() => q('evidence', 'equivocations', {}), []);
  if (records.loading) return <Loading />;
  if (records.error !== undefined) return <ErrorBox error={records.error} onRetry={records.reload} />;
  if (records.data!.length === 0)
    return (
      <>
        <p data-testid="evidence">{t('explorer.noEvidence')}</p>
        <EvidenceExport />
      </>
    );
  return (
    <>
      <div className="table-wrap">
        <table data-testid="evidence">
          <thead>
            <tr>
              <th scope="col">{t('role.org')}</th>
              <th scope="col">{t('explorer.height')}</th>
              <th scope="col">{t('explorer.reporter')}</th>
            </tr>
          </thead>
          <tbody>
            {records.data!.map((r) => (
              <tr key={r.id}>
                <td>{r.org}</td>
                <td>
                  {r.height} / {r.round} ({t('explorer.recordedAt', { height: r.recordedAt })})
                </td>
                <td>{r.reporter}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <EvidenceExport />
    </>
  );
}

type LinkedClient = ChainQueryResult<'lightclients', 'clients'>[number];

/** One linked chain: its light client here, the messages sent to it and those received from it. */
function LinkedChain({ client: linked }: { client: LinkedClient }): ReactNode {
  const { t } = useApp();
  const traffic = useAsync(
    () =>
      Promise.all([
        q('interchain', 'outbox', { chainId: linked.chainId, limit: 500 }),
        q('interchain', 'receipts', { chainId: linked.chainId, limit: 500 }),
      ]),
    [linked.chainId],
  );
  return (
    <article className="card" data-testid={`link-${linked.chainId}`}>
      <h2>
        {linked.chainId}{' '}
        <Badge tone={linked.status === 'active' ? 'good' : 'bad'}>
          {t(linked.status === 'active' ? 'explorer.link.active' : 'explorer.link.frozen')}
        </Badge>
      </h2>
      <p>
        {t('explorer.link.client', {
          height: linked.latestHeight,
          days: Math.round(linked.trustingPeriodMs / 86_400_000),
          admitted: linked.admittedAtHeight,
        })}
      </p>
      {traffic.loading ? <Loading /> : null}
      {traffic.error !== undefined ? <ErrorBox error={traffic.error} onRetry={traffic.reload} /> : null}
      {traffic.data !== undefined ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('explorer.link.direction')}</th>
                <th scope="col">#</th>
                <th scope="col">{t('explorer.link.module')}</th>
                <th scope="col">{t('explorer.link.state')}</th>
                <th scope="col">{t('explorer.height')}</th>
              </tr>
            </thead>
            <tbody>
              {traffic.data[0].map((e) => (
                <tr key={`out-${e.packet.sequence}`}>
                  <td>{t('explorer.link.sent', { org: e.packet.sender.org })}</td>
                  <td>{e.packet.sequence}</td>
                  <td>{e.packet.destModule}</td>
                  <td>
                    {e.status.status === 'pending' ? t('explorer.link.inFlight') : e.status.status}
                    {e.status.code !== undefined && e.status.code !== 'OK' ? ` (${e.status.code})` : ''}
                  </td>
                  <td>{e.packet.sentAtHeight}</td>
                </tr>
              ))}
              {traffic.data[1].map((r) => (
                <tr key={`in-${r.sequence}`}>
                  <td>{t('explorer.link.received')}</td>
                  <td>{r.sequence}</td>
                  <td />
                  <td>
                    {r.status}
                    {r.code !== 'OK' ? ` (${r.code})` : ''}
                  </td>
                  <td>{r.receivedAtHeight}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </article>
  );
}

/** Chains linked to this one (lightclients and interchain modules). */
function Links(): ReactNode {
  const { t } = useApp();
  const clients = useAsync(() => q('lightclients', 'clients', {}), []);
  if (clients.loading) return <Loading />;
  if (clients.error !== undefined) return <ErrorBox error={clients.error} onRetry={clients.reload} />;
  if (clients.data!.length === 0) return <p data-testid="links">{t('explorer.link.none')}</p>;
  return (
    <div data-testid="links">
      {clients.data!.map((c) => (
        <LinkedChain key={c.chainId} client={c} />
      ))}
    </div>
  );
}

export function ExplorerPage({ args }: { args: readonly string[] }): ReactNode {
  const { t } = useApp();
  const [section = 'blocks', param] = args;
  let body: ReactNode;
  if (section === 'block' && param !== undefined && /^\d{1,15}$/.test(param))
    body = <BlockDetail height={Number(param)} />;
  else if (section === 'tx' && param !== undefined && /^[0-9a-f]{64}$/.test(param))
    body = <TxDetail id={param} />;
  else if (section === 'validators') body = <Validators />;
  else if (section === 'governance') body = <Governance />;
  else if (section === 'evidence') body = <Evidence />;
  else if (section === 'links') body = <Links />;
  else if (section === 'blocks')
    body = (
      <>
        <Blocks />
        <IndexTransactions />
      </>
    );
  else
    body = (
      <p className="banner error" role="alert">
        {t('explorer.badAddress')}
      </p>
    );
  return (
    <section>
      <h1>{t('explorer.title')}</h1>
      <p className="lead">{t('explorer.lead')}</p>
      <Jump />
      <Tabs current={section} />
      {body}
    </section>
  );
}
