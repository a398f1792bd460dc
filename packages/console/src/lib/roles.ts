/**
 * The roles a person can take in the console. A shopper needs no organisation; every other role views
 * the chain as one member organisation holding that business role (identity module roles).
 */
export const ROLES = [
  'shopper',
  'producer',
  'merchant',
  'platform',
  'payment',
  'carrier',
  'host',
  'arbiter',
  'regulator',
  'operator',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string | null): value is Role {
  return value !== null && (ROLES as readonly string[]).includes(value);
}

/** The identity-module business role an organisation must hold to act in a console role. */
export function businessRoleOf(role: Role): string | undefined {
  if (role === 'shopper' || role === 'operator') return undefined;
  return role;
}

/** The pages each role sees in the navigation, in order. */
export function pagesOf(role: Role): string[] {
  switch (role) {
    case 'shopper':
      return ['shop', 'verify', 'wallet'];
    case 'regulator':
    case 'operator':
      return ['explorer', 'health', 'verify', 'company'];
    default:
      return ['company', 'shop', 'verify'];
  }
}
