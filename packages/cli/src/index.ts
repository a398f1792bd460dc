/**
 * What other packages of the repository take from the CLI (the `hanglian` command itself is
 * bin/hanglian.js): the book story's commerce world and the steps of one sale, which the chaos
 * campaign's order load plays on its own network as the demo and the commerce benchmark do on theirs.
 */
export * from './demo/bookOrder.js';
export {
  BATCH,
  BOOK,
  BOOK_COPIES,
  type BookStep,
  LISTING_ID,
  registerBookImplementations,
  setUpBookCommerce,
  stockBookstore,
  submitStep,
} from './demo/bookStory.js';
export { NODE_FAULT_EXIT_CODE, NODE_UPGRADE_EXIT_CODE } from './exitCodes.js';
