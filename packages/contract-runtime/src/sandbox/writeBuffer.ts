/**
 * A call's own state writes and events, kept aside until the call succeeds. Reads see the call's own writes
 * first, then the host's committed state.
 */
export class CallEffects {
  /** Key to new value, or null for a deletion; insertion order is the order of first write. */
  private readonly writes = new Map<string, string | null>();
  private readonly events: { name: string; dataJson: string }[] = [];

  /** The value this call sees: its own pending write if any, otherwise `readCommitted(key)`. */
  read(key: string, readCommitted: (key: string) => string | undefined): string | undefined {
    const pending = this.writes.get(key);
    if (pending === null) return undefined;
    if (pending !== undefined) return pending;
    return readCommitted(key);
  }

  set(key: string, value: string): void {
    this.writes.set(key, value);
  }

  delete(key: string): void {
    this.writes.set(key, null);
  }

  emit(name: string, dataJson: string): void {
    this.events.push({ name, dataJson });
  }

  get pendingWrites(): ReadonlyMap<string, string | null> {
    return this.writes;
  }

  get pendingEvents(): readonly { name: string; dataJson: string }[] {
    return this.events;
  }
}
