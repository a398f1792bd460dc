/**
 * The console's context (language, role, organisation, the member directory), in its own module so that
 * pages read it with `useApp` without importing the shell (app.tsx) that imports them.
 */
import { createContext, useContext } from 'react';
import type { Organisation } from './lib/chain.js';
import type { Role } from './lib/roles.js';
import type { Lang } from './lib/settings.js';
import type { MessageKey } from './messages.js';

export interface AppContext {
  readonly lang: Lang;
  readonly t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  readonly role: Role;
  /** The organisation viewed in a company role (null for a shopper or none chosen). */
  readonly org: string | null;
  readonly organisations: readonly Organisation[];
}

const Context = createContext<AppContext | undefined>(undefined);

export function useApp(): AppContext {
  const value = useContext(Context);
  if (value === undefined) throw new Error('useApp outside <App>');
  return value;
}

/** Provides the context to everything below the shell. */
export const AppContextProvider = Context.Provider;
