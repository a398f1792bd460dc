/** Loading, progress and error displays shared by every page: each long task shows progress, each error says what went wrong. */
import { HanglianError } from '@hanglian/core';
import type { ReactNode } from 'react';
import { useApp } from '../appContext.js';

export function Loading({ label }: { label?: string }): ReactNode {
  const { t } = useApp();
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label ?? t('common.loading')}
    </p>
  );
}

/** A step-by-step progress line: `done` of `total`, with what is happening now. */
export function Progress({ done, total, label }: { done: number; total: number; label: string }): ReactNode {
  return (
    <div className="progress" role="status" aria-live="polite">
      <progress max={Math.max(total, 1)} value={Math.min(done, total)} aria-label={label} />
      <span>
        {label} ({Math.min(done, total)}/{total})
      </span>
    </div>
  );
}

/** The code and message of an error (SDK errors keep the node's stable code). */
export function errorText(error: unknown): { code: string | undefined; message: string } {
  if (error instanceof HanglianError) return { code: error.code, message: error.message };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : undefined, message: error.message };
  }
  return { code: undefined, message: String(error) };
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }): ReactNode {
  const { t } = useApp();
  if (error === undefined || error === null) return null;
  const { code, message } = errorText(error);
  return (
    <div className="banner error" role="alert">
      <strong>{t('error.title')}</strong> {code !== undefined && <code>{code}</code>} {message}
      {onRetry !== undefined && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Badge({ tone, children }: { tone: 'good' | 'bad' | 'warn' | 'info'; children: ReactNode }) {
  return <span className={`badge ${tone}`}>{children}</span>;
}
