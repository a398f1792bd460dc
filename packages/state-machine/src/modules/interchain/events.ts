/** Events of the interchain module (topics in the README). */
export const InterchainEvents = {
  sent: 'sent',
  received: 'received',
  acknowledged: 'acknowledged',
} as const;

export interface SentData {
  destChain: string;
  sequence: number;
  sourceModule: string;
  destModule: string;
  sender: string;
  timeoutHeight: number;
  timeoutTime: number;
}
export interface ReceivedData {
  sourceChain: string;
  sequence: number;
  destModule: string;
  status: string;
  code: string;
}
export interface AcknowledgedData {
  destChain: string;
  sequence: number;
  status: string;
  code: string;
}
