/** Events of the insights module: names and data shapes (topics in the README). */
export const InsightsEvents = {
  /** A month ended: its counts are final and its answers use the group size it closed with. */
  monthClosed: 'monthClosed',
} as const;

export interface MonthClosedData {
  month: string;
  minGroupSize: number;
}
