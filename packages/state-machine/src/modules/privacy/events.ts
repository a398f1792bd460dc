/** Events of the privacy module (topics in the README). */
export const PrivacyEvents = {
  granted: 'granted',
  revoked: 'revoked',
} as const;

export interface GrantedData {
  grant: string;
  grantee: string;
  purpose: string;
  expiresAt: number;
}
export interface RevokedData {
  grant: string;
  grantee: string;
}
