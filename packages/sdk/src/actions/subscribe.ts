import { HanglianError } from '@hanglian/core';
import type { BaseClient } from '../baseClient.js';
import { HanglianSdkError, SdkErrors } from '../errors.js';
import type { FetchFunction } from '../transport.js';

export interface SubscribeFilter {
  /** Every new block's height, hash, time and transaction count. */
  readonly blocks?: boolean;
  /**
   * Every new block with its transactions' ids and result codes (`BlockNotice.txs`; implies `blocks`): one
   * stream follows every commit of a client that submits many transactions without waiting on each.
   */
  readonly txs?: boolean;
  /** One transaction's fate: an event once it is committed or rejected (at once if it already is). */
  readonly tx?: string;
  /** Chain events of committed transactions matching every filter given. */
  readonly module?: string;
  readonly name?: string;
  readonly topic?: string;
}

export interface BlockNotice {
  readonly height: number;
  readonly hash: string;
  readonly time: number;
  readonly txCount: number;
  /** The block's transactions in order, with their result codes (`OK` or an error code); with `txs`. */
  readonly txs?: ReadonlyArray<{ readonly id: string; readonly code: string }>;
}

export interface ChainEventNotice {
  readonly height: number;
  readonly txId: string;
  readonly index: number;
  readonly module: string;
  readonly name: string;
  readonly topics: string[];
  readonly data: unknown;
}

export interface SubscribeHandlers {
  onBlock?(block: BlockNotice): void;
  /** The transaction's status: `committed` (with its result) or `rejected` (with the code). */
  onTx?(status: { txId: string; status: string; [key: string]: unknown }): void;
  onEvent?(event: ChainEventNotice): void;
  /** The stream failed (the node went away, a malformed event); it is closed. */
  onError?(error: HanglianSdkError): void;
}

export interface Subscription {
  /** Resolves with the node's height once the node has accepted the subscription. */
  readonly ready: Promise<number>;
  /** Ends the subscription. */
  close(): void;
}

/**
 * Follows the node's server-sent event stream (`/v1/subscribe`): new blocks, one transaction's fate, and
 * chain events filtered by module, name and topic (an order id, an item code, an account), as they are
 * committed. Works wherever `fetch` streams response bodies (Node 18+, browsers).
 *
 * @example
 * ```ts
 * const sub = subscribe(client, { module: 'orders', topic: orderId }, {
 *   onEvent: (e) => console.log(e.name, e.data),
 * });
 * await sub.ready;
 * // … later
 * sub.close();
 * ```
 */
export function subscribe(
  client: BaseClient,
  filter: SubscribeFilter,
  handlers: SubscribeHandlers,
  options: { readonly fetch?: FetchFunction } = {},
): Subscription {
  const query = new URLSearchParams();
  if (filter.blocks) query.set('blocks', 'true');
  if (filter.txs) query.set('txs', 'true');
  for (const key of ['tx', 'module', 'name', 'topic'] as const) {
    const value = filter[key];
    if (value !== undefined) query.set(key, key === 'tx' ? value.toLowerCase() : value);
  }
  const controller = new AbortController();
  const fetchFn: FetchFunction =
    options.fetch ?? client.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let resolveReady!: (height: number) => void;
  let rejectReady!: (error: unknown) => void;
  const ready = new Promise<number>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // A caller that only uses the handlers must not see an unhandled rejection.
  ready.catch(() => {});
  const fail = (error: HanglianSdkError) => {
    rejectReady(error);
    handlers.onError?.(error);
    controller.abort();
  };
  const dispatch = (event: string, data: string) => {
    let value: any;
    try {
      value = JSON.parse(data);
    } catch (cause) {
      fail(
        new HanglianSdkError(SdkErrors.SDK_BAD_RESPONSE, 'the event stream sent malformed data', { cause }),
      );
      return;
    }
    if (event === 'subscribed') resolveReady(value.height as number);
    else if (event === 'block') handlers.onBlock?.(value as BlockNotice);
    else if (event === 'tx') handlers.onTx?.(value);
    else if (event === 'chain-event') handlers.onEvent?.(value as ChainEventNotice);
  };
  void (async () => {
    try {
      const path = `/v1/subscribe?${query}`;
      const headers = (await client.readHeaders?.('GET', path, undefined)) ?? {};
      const response = await fetchFn(`${client.url.replace(/\/+$/, '')}${path}`, {
        headers,
        signal: controller.signal,
      });
      if (!response.ok || response.body === null) {
        const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
        throw new HanglianSdkError(
          body.code ?? SdkErrors.SDK_BAD_RESPONSE,
          body.message ?? `HTTP ${response.status}`,
          {
            status: response.status,
          },
        );
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) dispatch(event, data.join('\n'));
          cut = buffer.indexOf('\n\n');
        }
      }
      if (!controller.signal.aborted)
        fail(new HanglianSdkError(SdkErrors.SDK_NETWORK, 'the node closed the event stream'));
    } catch (error) {
      if (controller.signal.aborted) return;
      fail(
        error instanceof HanglianSdkError
          ? error
          : new HanglianSdkError(SdkErrors.SDK_NETWORK, 'the event stream failed', {
              cause: error instanceof HanglianError ? error : (error as Error),
            }),
      );
    }
  })();
  return { ready, close: () => controller.abort() };
}
