/**
 * The arm a reply belongs to, as analyses, exports and the dashboard name it: the source alone for
 * its base condition, `source/condition` otherwise (e.g. `gpt4/empathy-very_high`).
 */
export function armLabel(source: string, condition: string): string {
  return condition === 'base' ? source : `${source}/${condition}`;
}

/**
 * The condition a reply is stored under: the prompt condition's id, or `<id>-<label>` for each part
 * of a condition that asks one call for several labelled replies (`empathy-very_high`).
 */
export function storedCondition(conditionId: string, label?: string): string {
  return label ? `${conditionId}-${label}` : conditionId;
}

/** Every condition a prompt condition's replies are stored under. */
export function storedConditions(condition: { readonly id: string; readonly split?: { readonly labels: readonly string[] } | undefined }): string[] {
  return condition.split ? condition.split.labels.map((l) => storedCondition(condition.id, l)) : [condition.id];
}
