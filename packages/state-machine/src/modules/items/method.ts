/**
 * What other modules (distribution, orders) may do with items: resolve a code to its product, batch and
 * current state (materialising the default state of a never-touched item), and move or mark items with a
 * trace event. Authorisation is the caller's job: these methods trust their caller.
 */
import { HanglianError } from '@hanglian/core';
import type { StateReader, StateWriter } from '../../framework/state.js';
import { upgradeApplied } from '../../framework/upgrades.js';
import { ItemsErrors } from './errors.js';
import type { ChannelJudgement, ChannelsForItems } from './expected.js';
import {
  type Batch,
  batchStore,
  batchTraceStore,
  heldId,
  heldStore,
  holdingsStore,
  type ItemState,
  type ItemStatus,
  itemStore,
  orgParty,
  type Party,
  type Product,
  parseItemCode,
  productStore,
  STOCK_INDEX_UPGRADE,
  sequenceKey,
  type TraceEvent,
  traceStore,
} from './stores.js';

/**
 * Who answers for where an item is (anti-串货): its owner while an organisation owns it; once sold to
 * an account, the organisation that sold it, judged at the time and in the region of that sale.
 */
export interface AnswerableParty {
  /** The organisation, or null for an item an account holds with no sale on record. */
  readonly org: string | null;
  /** The sale, when the item was sold to an account. */
  readonly sale?: TraceEvent;
}

/** Where an item stands with its producer's channels, and whom and which region that judges. */
export interface ItemProvenance {
  readonly channel: ChannelJudgement;
  /** The organisation judged (see `AnswerableParty`), or null. */
  readonly org: string | null;
  /** The region judged: the one asked about, else the region of the sale; null when neither is known. */
  readonly region: string | null;
}

export interface ResolvedItem {
  readonly code: string;
  readonly product: Product;
  readonly batch: Batch;
  readonly serial: number;
  readonly state: ItemState;
}

export class ItemsMethod {
  getProduct(state: StateReader, sku: string): Product | undefined {
    return productStore.get(state, sku);
  }

  getBatch(state: StateReader, sku: string, batch: string): Batch | undefined {
    return batchStore.get(state, `${sku}/${batch}`);
  }

  /** The item a code names, or undefined when the code is malformed or names nothing minted. */
  find(state: StateReader, code: string): ResolvedItem | undefined {
    const parsed = parseItemCode(code);
    if (parsed === undefined) return undefined;
    const product = productStore.get(state, parsed.sku);
    const batch = batchStore.get(state, `${parsed.sku}/${parsed.batch}`);
    if (product === undefined || batch === undefined || parsed.serial > batch.count) return undefined;
    const recorded = itemStore.get(state, code);
    // A batch that arrived from another chain holds only the codes that came here.
    if (recorded === undefined && batch.origin !== undefined) return undefined;
    // An item nobody has touched yet is in stock with its producer.
    const itemState = recorded ?? {
      owner: orgParty(product.producer),
      custodian: orgParty(product.producer),
      status: 'in-stock' as const,
      events: 0,
    };
    return { code, product, batch, serial: parsed.serial, state: itemState };
  }

  /** Like `find`, but throws ITEMS_BAD_CODE / ITEMS_UNKNOWN_CODE. */
  resolve(state: StateReader, code: string): ResolvedItem {
    if (parseItemCode(code) === undefined) {
      throw new HanglianError(ItemsErrors.ITEMS_BAD_CODE, `"${code}" is not an item code`, {
        details: { code },
      });
    }
    const item = this.find(state, code);
    if (item === undefined) {
      throw new HanglianError(ItemsErrors.ITEMS_UNKNOWN_CODE, `no item ${code} was minted`, {
        details: { code },
      });
    }
    return item;
  }

  /**
   * Changes an item's owner, custodian or status and records the trace event that explains it, in one
   * step: state never changes without its event.
   */
  apply(
    state: StateWriter,
    item: ResolvedItem,
    change: Partial<Pick<ItemState, 'owner' | 'custodian' | 'status'>>,
    event: Omit<TraceEvent, 'disposition'>,
    options: { readonly acrossChains?: boolean } = {},
  ): ItemState {
    // An item live on another chain is locked here: only its return (interchain) moves it.
    if (item.state.status === 'abroad' && options.acrossChains !== true) {
      throw new HanglianError(ItemsErrors.ITEMS_ABROAD, `item ${item.code} is on another chain`, {
        details: { code: item.code },
      });
    }
    // Destroyed is terminal: no order, return, cancel or delivery may bring the item back. Events that
    // change nothing (an inspection of the remains) may still be recorded.
    if (
      item.state.status === 'destroyed' &&
      ((change.owner !== undefined && change.owner !== item.state.owner) ||
        (change.custodian !== undefined && change.custodian !== item.state.custodian) ||
        (change.status !== undefined && change.status !== 'destroyed'))
    ) {
      throw new HanglianError(ItemsErrors.ITEMS_DESTROYED, `item ${item.code} was destroyed`, {
        details: { code: item.code },
      });
    }
    if (
      item.batch.recalled &&
      change.status !== 'recalled' &&
      change.status !== 'returned' &&
      change.status !== 'destroyed'
    ) {
      throw new HanglianError(
        ItemsErrors.ITEMS_RECALLED,
        `batch ${item.batch.sku}:${item.batch.batch} is recalled`,
      );
    }
    const next: ItemState = {
      owner: change.owner ?? item.state.owner,
      custodian: change.custodian ?? item.state.custodian,
      status: change.status ?? item.state.status,
      events: item.state.events + 1,
    };
    traceStore.set(state, `${item.code}/${sequenceKey(item.state.events)}`, {
      ...event,
      disposition: next.status,
    });
    itemStore.set(state, item.code, next);
    const sku = item.product.sku;
    if (upgradeApplied(state, STOCK_INDEX_UPGRADE)) {
      if (next.owner !== item.state.owner || next.status !== item.state.status) {
        heldStore.delete(state, heldId(item.state.owner, sku, item.state.status, item.code));
        heldStore.set(state, heldId(next.owner, sku, next.status, item.code), {});
      }
    } else {
      holdingsStore.delete(state, `${item.state.owner}/${sku}/${item.code}`);
      holdingsStore.set(state, `${next.owner}/${sku}/${item.code}`, { status: next.status });
    }
    return next;
  }

  /**
   * Codes of `sku` that `owner` holds with `status` (default in stock), in key order, at most `limit`.
   * Items still with their producer since minting are not indexed: producers sell through channels.
   */
  holdings(
    state: StateReader,
    owner: Party,
    sku: string,
    limit: number,
    status: ItemStatus = 'in-stock',
  ): string[] {
    const codes: string[] = [];
    if (upgradeApplied(state, STOCK_INDEX_UPGRADE)) {
      const prefix = heldId(owner, sku, status, '');
      for (const [key] of heldStore.entries(state, prefix)) {
        codes.push(key.slice(prefix.length));
        if (codes.length >= limit) break;
      }
      return codes;
    }
    for (const [key, holding] of holdingsStore.entries(state, `${owner}/${sku}/`)) {
      if (holding.status !== status) continue;
      codes.push(key.slice(owner.length + sku.length + 2));
      if (codes.length >= limit) break;
    }
    return codes;
  }

  /** How many items of `sku` `owner` holds in stock. */
  stock(state: StateReader, owner: Party, sku: string): number {
    let count = 0;
    if (upgradeApplied(state, STOCK_INDEX_UPGRADE)) {
      for (const _ of heldStore.entries(state, heldId(owner, sku, 'in-stock', ''))) count++;
      return count;
    }
    for (const [, holding] of holdingsStore.entries(state, `${owner}/${sku}/`))
      if (holding.status === 'in-stock') count++;
    return count;
  }

  /**
   * The migration of STOCK_INDEX_UPGRADE: every entry of `holdings` moves to `held`, under its status.
   * Read in full before writing, so the scan never sees its own writes. Returns how many moved.
   */
  moveHoldingsToHeld(state: StateWriter): number {
    const entries = [...holdingsStore.entries(state)];
    for (const [id, { status }] of entries) {
      const owner = id.slice(0, id.indexOf('/'));
      const code = id.slice(id.lastIndexOf('/') + 1);
      const sku = id.slice(owner.length + 1, id.lastIndexOf('/'));
      holdingsStore.delete(state, id);
      heldStore.set(state, heldId(owner, sku, status, code), {});
    }
    return entries.length;
  }

  /** The item's history: its batch's events (commissioning, recall) and its own, in time order. */
  history(state: StateReader, item: ResolvedItem): TraceEvent[] {
    const events = [
      ...[...batchTraceStore.entries(state, `${item.batch.sku}/${item.batch.batch}/`)].map(([, e]) => e),
      ...[...traceStore.entries(state, `${item.code}/`)].map(([, e]) => e),
    ];
    return events.sort((a, b) => a.height - b.height || a.time - b.time);
  }

  /** Who answers for where the item is: its owning organisation, or its seller once sold (see the type). */
  answerable(state: StateReader, item: ResolvedItem, history?: readonly TraceEvent[]): AnswerableParty {
    const owner = item.state.owner;
    if (owner.startsWith('org:')) return { org: owner.slice('org:'.length) };
    const sale = (history ?? this.history(state, item)).findLast((e) => e.bizStep === 'selling');
    if (sale === undefined || !sale.by.startsWith('org:')) return { org: null };
    return { org: sale.by.slice('org:'.length), sale };
  }

  /**
   * The item's standing with its producer's channels: the answerable organisation judged at the time of
   * its sale, or now (`time`, the block's) while no account owns it; in `region` if asked, else in the
   * region of the sale. An item an account holds without any sale on record is outside its channel.
   */
  provenance(
    state: StateReader,
    item: ResolvedItem,
    channels: ChannelsForItems,
    at: { readonly time: number; readonly region?: string; readonly history?: readonly TraceEvent[] },
  ): ItemProvenance {
    const { org, sale } = this.answerable(state, item, at.history);
    const region = at.region ?? sale?.region;
    if (org === null) return { channel: 'outside-channel', org: null, region: region ?? null };
    const channel = channels.judge(state, {
      producer: item.product.producer,
      org,
      sku: item.product.sku,
      time: sale?.time ?? at.time,
      ...(region === undefined ? {} : { region }),
    });
    return { channel, org, region: region ?? null };
  }

  appendBatchEvent(state: StateWriter, batch: Batch, sequence: number, event: TraceEvent): void {
    batchTraceStore.set(state, `${batch.sku}/${batch.batch}/${sequenceKey(sequence)}`, event);
  }

  /** Is `party` the organisation that owns or holds the item? */
  holds(item: ResolvedItem, party: Party): boolean {
    return item.state.owner === party || item.state.custodian === party;
  }
}
