/**
 * What to do with each Prolific submission, for Prolific's bulk approve / reject / return: approve a
 * completed participant no rule excludes, reject one an exclusion rule excludes (with the recorded
 * reason), approve one screened out in-study when the manifest has a screen-out code (Prolific asks
 * researchers to pay them), and ask everyone else (declined consent, left, timed out, found the study
 * full) to return the submission.
 */
export type ProlificDecision = 'approve' | 'reject' | 'return';

export interface ProlificRow {
  readonly participant_id: string;
  readonly session_id: string;
  readonly status: string;
  readonly code: string;
  readonly decision: ProlificDecision;
  readonly reason: string;
}

export function prolificDecisions(
  people: ReadonlyArray<{ pid: string; session_id: string | null; status: string; code: string | null; ended?: string | undefined }>,
  exclusions: ReadonlyArray<{ rule: string; raters: readonly string[]; reasons: readonly string[] }>,
  hasScreenOutCode: boolean,
): ProlificRow[] {
  const why = new Map<string, string[]>();
  for (const x of exclusions) {
    if (x.rule === 'did not finish the session') continue;
    x.raters.forEach((r, i) => why.set(r, [...(why.get(r) ?? []), `${x.rule} (${x.reasons[i] ?? x.rule})`]));
  }
  return people
    // A reset session was replaced by the id's new one; an id blocked before it arrived never submitted.
    .filter((p) => p.status !== 'reset' && (p.status !== 'blocked' || p.session_id !== null))
    .map((p) => {
      const base = { participant_id: p.pid, session_id: p.session_id ?? '', status: p.status, code: p.code ?? '' };
      if (p.status === 'completed') {
        const reasons = why.get(p.pid);
        return reasons ? { ...base, decision: 'reject' as const, reason: reasons.join('; ') } : { ...base, decision: 'approve' as const, reason: 'completed' };
      }
      if (p.status === 'screened_out')
        return hasScreenOutCode ? { ...base, decision: 'approve' as const, reason: 'screened out in-study (failed the comprehension check); pay the screen-out payment' } : { ...base, decision: 'return' as const, reason: 'screened out in-study; the manifest has no screened_out_code' };
      const reason =
        p.ended === 'declined' ? 'declined consent' : p.ended === 'full' ? 'the study was full at consent' : p.status === 'timed_out' ? 'did not finish in time' : p.status === 'started' ? 'still in progress' : p.status === 'blocked' ? 'blocked by the researcher' : 'left the study';
      return { ...base, decision: 'return' as const, reason };
    });
}
