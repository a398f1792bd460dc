/** Events of the reviews module (data and topics in the README). */
export const ReviewsEvents = {
  reviewed: 'reviewed',
  replied: 'replied',
} as const;
