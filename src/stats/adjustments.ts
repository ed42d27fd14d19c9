/** The p-value adjustments for a family of pairwise contrasts. */
export const ADJUSTMENTS = ['holm', 'tukey', 'bonferroni', 'none'] as const;
export type Adjustment = (typeof ADJUSTMENTS)[number];
