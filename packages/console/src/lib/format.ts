/** Display helpers: money in fen as yuan, times, shortened hashes and addresses. */

/** 5980 → "¥59.80". Amounts on chain are integers of the smallest unit (fen). */
export function money(fen: number | undefined | null): string {
  if (fen === undefined || fen === null || !Number.isFinite(fen)) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}

/** Basis points as a percentage: 800 → "8%". */
export function bps(value: number | undefined): string {
  if (value === undefined) return '—';
  return `${(value / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })}%`;
}

export function time(ms: number | undefined | null, lang: string): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '—';
  return new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}

/** "f817e82c…d7ed67bb" for long hex strings. */
export function short(text: string | undefined | null, keep = 8): string {
  if (text === undefined || text === null) return '—';
  return text.length <= keep * 2 + 1 ? text : `${text.slice(0, keep)}…${text.slice(-keep)}`;
}

/** `org:bookstore` → `bookstore`; `acct:hl…` → a shortened address. */
export function party(value: string | undefined | null): string {
  if (value === undefined || value === null) return '—';
  if (value.startsWith('org:')) return value.slice(4);
  if (value.startsWith('acct:')) return short(value.slice(5), 6);
  return value;
}
