/**
 * The arm a reply belongs to, as analyses, exports and the dashboard name it: the source alone for
 * its base condition, `source/condition` otherwise (e.g. `gpt4/empathy-very_high`).
 */
export function armLabel(source: string, condition: string): string {
  return condition === 'base' ? source : `${source}/${condition}`;
}
