/**
 * A first, deliberately over-inclusive screen of a support-seeking post for risk of harm, run before
 * any person or model sees the post (issue 20's field study). A post that matches is not answered by
 * the study; its writer is shown crisis resources at once. False alarms cost a reply; a miss can cost
 * far more, so the screen matches phrases whatever surrounds them ("I'm not going to kill myself"
 * still matches) and says which phrase matched, so the study team can review every decision.
 *
 * The phrases are written here, in plain English, grouped by what they signal; a study adds its own
 * (other languages, its population's words) and can replace the list. Matching is on words, case-
 * and apostrophe-insensitive, so "Kill myself", "kill  myself" and "kill-myself" all match.
 */
import { words } from './words.js';

export type RiskKind = 'self_harm' | 'harm_to_others' | 'danger_from_others';

export interface RiskPhrase {
  readonly kind: RiskKind;
  readonly phrase: string;
}

export interface RiskMatch extends RiskPhrase {
  /** Where in the text the phrase starts and ends (character offsets). */
  readonly start: number;
  readonly end: number;
}

const RISK_PHRASES: Readonly<Record<RiskKind, readonly string[]>> = {
  self_harm: [
    'kill myself',
    'killing myself',
    'end my life',
    'ending my life',
    'take my own life',
    'taking my own life',
    'suicide',
    'suicidal',
    'want to die',
    'wanna die',
    'wish i was dead',
    'wish i were dead',
    'better off dead',
    'better off without me',
    'no reason to live',
    'not worth living',
    "don't want to be alive",
    "don't want to live",
    'hurt myself',
    'hurting myself',
    'harm myself',
    'self harm',
    'self-harm',
    'cut myself',
    'cutting myself',
    'overdose',
    'od on',
    'hang myself',
    'jump off',
    "can't go on",
    'end it all',
    'say goodbye to everyone',
  ],
  harm_to_others: ['kill him', 'kill her', 'kill them', 'kill my', 'hurt him', 'hurt her', 'hurt them', 'hurt someone', 'hurt somebody', 'make them pay', 'shoot', 'stab', 'get a gun', 'bought a gun'],
  danger_from_others: [
    'hits me',
    'hit me',
    'beats me',
    'beat me',
    'chokes me',
    'choked me',
    'threatened to kill',
    'threatens to kill',
    'afraid for my life',
    'scared for my life',
    'afraid he will kill',
    'afraid she will kill',
    'not safe at home',
    "don't feel safe",
    'abusing me',
    'abuses me',
    'touches me',
  ],
};

/** The built-in phrases, by what they signal. */
export function defaultRiskPhrases(): RiskPhrase[] {
  return (Object.keys(RISK_PHRASES) as RiskKind[]).flatMap((kind) => RISK_PHRASES[kind].map((phrase) => ({ kind, phrase })));
}

const normalise = (w: string) => w.toLowerCase().replace(/[’‘`]/g, "'");

/** The phrases a text contains, in the order they occur (every occurrence). */
export function screenForRisk(text: string, phrases: readonly RiskPhrase[] = defaultRiskPhrases()): RiskMatch[] {
  // Words with their offsets; hyphenated words split, so "self-harm" and "self harm" are one phrase.
  const tokens: Array<{ w: string; start: number; end: number }> = [];
  const re = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) tokens.push({ w: normalise(m[0]), start: m.index, end: m.index + m[0].length });
  const compiled = phrases.map((p) => ({ ...p, parts: words(p.phrase.replace(/-/g, ' ')).map(normalise) })).filter((p) => p.parts.length > 0);
  const out: RiskMatch[] = [];
  for (let i = 0; i < tokens.length; i++)
    for (const p of compiled) {
      if (i + p.parts.length > tokens.length) continue;
      if (p.parts.every((part, k) => tokens[i + k]?.w === part)) out.push({ kind: p.kind, phrase: p.phrase, start: (tokens[i] as { start: number }).start, end: (tokens[i + p.parts.length - 1] as { end: number }).end });
    }
  // One match per place: a longer phrase at the same start wins.
  const seen = new Map<number, RiskMatch>();
  for (const m of out) {
    const prior = seen.get(m.start);
    if (!prior || m.end > prior.end) seen.set(m.start, m);
  }
  return [...seen.values()].sort((a, b) => a.start - b.start);
}
