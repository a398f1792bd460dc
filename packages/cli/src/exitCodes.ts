/**
 * Exit codes of `hanglian node start` / `join` that mean more than "failed": what a supervisor (systemd,
 * the devnet, the fault campaign) does next depends on them.
 */

/**
 * The node stopped itself on a local fault: its contract worker timed out or died, or its disk is full or
 * failing (`DISK_FULL`, `STORAGE_FAILED` in its log). Restart it once the cause is gone; it resumes from
 * its WAL (sysexits' EX_SOFTWARE).
 */
export const NODE_FAULT_EXIT_CODE = 70;
/**
 * The node stopped (or would not start) at a software upgrade it does not carry: start the new release on
 * the same directory (sysexits' EX_TEMPFAIL).
 */
export const NODE_UPGRADE_EXIT_CODE = 75;
