export { ConsensusMachine, type ConsensusMachineOptions } from './machine.js';
export { NIL, VoteSet } from './voteSet.js';
