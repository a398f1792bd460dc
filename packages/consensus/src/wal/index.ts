export type { WriteAheadLog } from './interface.js';
export { MemoryWal } from './memoryWal.js';
export * from './records.js';
