/**
 * API silences: while the runner waits for progress it polls every node's `/v1/status`; a running node
 * whose API does not answer for a long while is noted (it ran, but could not serve a request). One
 * silence is one note, with its whole length, made when the node answers again (or the watch ends):
 * the runner once noted a silence as soon as it passed the threshold and started counting again, so
 * one 50 s silence read as three of 12-13 s.
 */

export interface ApiSilence {
  readonly node: string;
  /** From the first poll that got no answer to the first that got one (or to the end of the watch). */
  readonly ms: number;
}

export class ApiSilenceTracker {
  readonly #noteMs: number;
  /** Per node, the time of the first poll of its current silence. */
  readonly #silentSince = new Map<string, number>();

  /** Silences of `noteMs` or more are reported. */
  constructor(noteMs: number) {
    this.#noteMs = noteMs;
  }

  /**
   * One poll of `node` at `now`, `answered` false when its status request failed or timed out. Returns the
   * silence this answer ends, if it was long enough to note.
   */
  observe(node: string, answered: boolean, now: number): ApiSilence[] {
    const since = this.#silentSince.get(node);
    if (!answered) {
      if (since === undefined) this.#silentSince.set(node, now);
      return [];
    }
    if (since === undefined) return [];
    this.#silentSince.delete(node);
    return now - since >= this.#noteMs ? [{ node, ms: now - since }] : [];
  }

  /** How long `node` has been silent at `now` (0 when it answered last). */
  silentFor(node: string, now: number): number {
    const since = this.#silentSince.get(node);
    return since === undefined ? 0 : now - since;
  }

  /** The watch ends at `now`: silences still going on are reported with their length so far. */
  finish(now: number): ApiSilence[] {
    const noted: ApiSilence[] = [];
    for (const [node, since] of this.#silentSince) {
      if (now - since >= this.#noteMs) noted.push({ node, ms: now - since });
    }
    this.#silentSince.clear();
    return noted;
  }
}
