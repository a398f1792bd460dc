import type { ScoringOptions } from './options.js';

interface ScoreEntry {
  score: number;
  updatedAtMs: number;
  bannedUntilMs: number;
}

/**
 * Scores and bans by node identity (hex public key), kept across links so a peer cannot clear its record by
 * reconnecting. Only member keys ever get an entry (they are scored after the handshake), so the book is
 * bounded by the membership.
 */
export class ScoreBook {
  readonly #options: ScoringOptions;
  readonly #entries = new Map<string, ScoreEntry>();

  constructor(options: ScoringOptions) {
    this.#options = options;
  }

  score(peerHex: string, nowMs: number): number {
    const entry = this.#entries.get(peerHex);
    if (entry === undefined) return 0;
    this.#recover(entry, nowMs);
    return entry.score;
  }

  /** Lowers the score; returns the new score and whether the peer is now banned. */
  penalise(peerHex: string, points: number, nowMs: number): { score: number; banned: boolean } {
    let entry = this.#entries.get(peerHex);
    if (entry === undefined) {
      entry = { score: 0, updatedAtMs: nowMs, bannedUntilMs: 0 };
      this.#entries.set(peerHex, entry);
    }
    this.#recover(entry, nowMs);
    entry.score -= points;
    if (entry.score > this.#options.banThreshold) return { score: entry.score, banned: false };
    const score = entry.score;
    // The ban is the punishment; the score starts over when it ends.
    entry.bannedUntilMs = nowMs + this.#options.banDurationMs;
    entry.score = 0;
    return { score, banned: true };
  }

  /** When the ban of `peerHex` ends, or 0 when it is not banned. */
  bannedUntil(peerHex: string, nowMs: number): number {
    const until = this.#entries.get(peerHex)?.bannedUntilMs ?? 0;
    return until > nowMs ? until : 0;
  }

  unban(peerHex: string): void {
    const entry = this.#entries.get(peerHex);
    if (entry !== undefined) entry.bannedUntilMs = 0;
  }

  #recover(entry: ScoreEntry, nowMs: number): void {
    const elapsedSeconds = (nowMs - entry.updatedAtMs) / 1000;
    if (elapsedSeconds > 0) {
      entry.score = Math.min(0, entry.score + elapsedSeconds * this.#options.recoveryPerSecond);
      entry.updatedAtMs = nowMs;
    }
  }
}
