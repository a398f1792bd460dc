/**
 * The command line's own error codes (for what the CLI checks before any node or SDK is involved). Codes
 * are a public contract: scripts match on them, never on the message. `hanglian` maps each kind to its
 * exit code (main.ts): invalid 2, unauthorized/forbidden 3, not found 4, conflict 5.
 */
import { defineErrorCodes } from '@hanglian/core';

export const CliErrors = defineErrorCodes('cli', {
  CLI_BAD_OPTION: {
    kind: 'invalid',
    summary: 'An option is missing, malformed, or does not go with the others given.',
  },
  CLI_BAD_BYTES: {
    kind: 'invalid',
    summary: 'A {"$hex": "…"} value in command parameters is not an even number of hex digits.',
  },
  CLI_FILE_EXISTS: {
    kind: 'conflict',
    summary: 'The output file exists; the CLI never overwrites a wallet or a key.',
  },
  CLI_FILE_UNREADABLE: { kind: 'invalid', summary: 'An input file is missing, unreadable or not JSON.' },
  CLI_WALLET_PASSPHRASE_MISSING: {
    kind: 'invalid',
    summary: 'No wallet passphrase: give --wallet-passphrase-file or set HANGLIAN_WALLET_PASSPHRASE.',
  },
  CLI_WALLET_PASSPHRASE_SHORT: {
    kind: 'invalid',
    summary: 'A new wallet passphrase must have at least 8 characters.',
  },
  CLI_NO_ENCRYPTION_KEY: {
    kind: 'not_found',
    summary: 'An organisation has no registered encryption key (or no key file in the network directory).',
  },
  CLI_ORDER_NOT_FOUND: { kind: 'not_found', summary: 'No order with this id on chain.' },
});
