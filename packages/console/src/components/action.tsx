/**
 * Running a signed command from a company page: one at a time, with a progress line (signed and sent,
 * in a block, done), the error in words when it fails, and a confirmation when it is done.
 */
import { type ReactNode, useCallback, useState } from 'react';
import { useApp } from '../appContext.js';
import { ACT_STEPS } from '../lib/company.js';
import { ErrorBox, Progress } from './status.js';

export interface Runner {
  readonly busy: string | undefined;
  readonly step: number;
  readonly error: unknown;
  readonly done: string | undefined;
  /** Runs `task` (which reports its steps) unless another runs; `label` names it in the progress line. */
  run(
    label: string,
    task: (onStep: (n: number) => void) => Promise<unknown>,
    done?: string,
  ): Promise<boolean>;
  fail(error: unknown): void;
  clear(): void;
}

export function useRunner(onDone?: () => void): Runner {
  const [busy, setBusy] = useState<string | undefined>();
  const [step, setStep] = useState(0);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string | undefined>();
  const run = useCallback(
    async (label: string, task: (onStep: (n: number) => void) => Promise<unknown>, doneText?: string) => {
      setBusy(label);
      setStep(0);
      setError(undefined);
      setDone(undefined);
      try {
        await task(setStep);
        setDone(doneText ?? label);
        onDone?.();
        return true;
      } catch (caught) {
        setError(caught);
        return false;
      } finally {
        setBusy(undefined);
      }
    },
    [onDone],
  );
  return {
    busy,
    step,
    error,
    done,
    run,
    fail: (e) => {
      setDone(undefined);
      setError(e);
    },
    clear: () => {
      setError(undefined);
      setDone(undefined);
    },
  };
}

export function RunnerStatus({ runner, testId }: { runner: Runner; testId?: string }): ReactNode {
  const { t } = useApp();
  return (
    <div data-testid={testId}>
      {runner.busy !== undefined && (
        <Progress
          done={runner.step}
          total={ACT_STEPS - 1}
          label={`${runner.busy}: ${t(runner.step === 0 ? 'act.signing' : 'act.block')}`}
        />
      )}
      <ErrorBox error={runner.error} />
      {runner.done !== undefined && runner.busy === undefined && (
        <p className="banner good" role="status" data-testid="act-done">
          {t('act.done', { what: runner.done })}
        </p>
      )}
    </div>
  );
}
