/** Loads data for a component: the value, the error, whether it is loading, and a way to reload. */
import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

export interface AsyncState<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
}

export function useAsync<T>(load: () => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when to reload
  useEffect(() => {
    const mine = ++generation.current;
    setState((s) => ({ data: s.data, error: undefined, loading: true }));
    load().then(
      (data) => {
        if (generation.current === mine) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (generation.current === mine) setState({ data: undefined, error, loading: false });
      },
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
