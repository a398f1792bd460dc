/**
 * What the identity module needs from other modules: nothing. It is the root of the kernel's dependency
 * graph (governance and settlement depend on it), which is why it can serve as the executor's membership
 * oracle without a cycle.
 */
export type IdentityDependencies = Record<string, never>;
