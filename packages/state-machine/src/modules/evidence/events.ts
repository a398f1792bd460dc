export const EvidenceEvents = { equivocationRecorded: 'equivocationRecorded' } as const;

export interface EquivocationRecordedData {
  id: string;
  org: string;
  validator: string;
  height: number;
  round: number;
}
