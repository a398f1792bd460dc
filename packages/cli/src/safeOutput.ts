/**
 * Everything the CLI prints passes through core's `displayText`: text read from a chain (a listing title,
 * a review, an event's place) cannot carry terminal escapes or bidirectional overrides to the operator's
 * screen, even text stored before the text rule (issue 16). The CLI prints no colours of its own, so
 * nothing it means to print is changed; line feeds and tabs pass.
 */
import { displayText } from '@hanglian/core';

type Write = (chunk: string | Uint8Array, ...rest: any[]) => boolean;

/** Wraps a stream's `write` so that string chunks are shown safely; bytes pass as they are. */
export function installSafeOutput(stream: { write: Write }): void {
  const write = stream.write.bind(stream) as Write;
  stream.write = ((chunk: string | Uint8Array, ...rest: any[]) =>
    write(typeof chunk === 'string' ? displayText(chunk) : chunk, ...rest)) as Write;
}
