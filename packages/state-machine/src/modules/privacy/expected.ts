/** What the privacy module needs from other modules (wired in kernel.ts). */
import type { IdentityMethod } from '../identity/method.js';

/** Whether the grantee is an active organisation. */
export type IdentityForPrivacy = Pick<IdentityMethod, 'getOrganisation'>;
