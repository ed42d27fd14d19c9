/**
 * `eliza`: an offline, deterministic reflective-listening responder in the spirit of Weizenbaum's
 * ELIZA (1966, "ELIZA - a computer program for the study of natural language communication between
 * man and machine", CACM 9(1)) and its DOCTOR script, written for this project. It is a classic
 * baseline source (no understanding, only reflection), and it lets the demo and the tests run with
 * no network and no keys.
 *
 * How it answers a post: an opening acknowledgement; then the writer's own first-person statements
 * ("I can't sleep", "I feel like a failure") reflected back as questions, with pronouns swapped;
 * then probes chosen by keywords (family, work, partner, worry, anger, loss, loneliness); then an
 * invitation to go on. Sentences are added until the reply reaches the requested word range.
 * Every choice is a deterministic function of the post text and the sample index.
 */
import { ProviderError, type GenerationRequest, type GenerationResult, type Provider } from '../provider.js';

const REFLECT: Record<string, string> = {
  i: 'you',
  me: 'you',
  my: 'your',
  mine: 'yours',
  myself: 'yourself',
  am: 'are',
  was: 'were',
  "i'm": "you're",
  "i've": "you've",
  "i'll": "you'll",
  "i'd": "you'd",
  im: "you're",
  you: 'I',
  your: 'my',
  yours: 'mine',
  yourself: 'myself',
  "you're": "I'm",
  our: 'your',
  we: 'you',
  us: 'you',
};

/** Swaps first and second person, word by word. */
export function reflect(phrase: string): string {
  return phrase
    .split(/\s+/)
    .map((w) => {
      const bare = w.toLowerCase().replace(/[’]/g, "'");
      return REFLECT[bare] ?? w;
    })
    .join(' ');
}

/** Decomposition rules for first-person statements: a pattern and reassembly templates ({0}). */
const STATEMENTS: ReadonlyArray<{ pattern: RegExp; templates: readonly string[] }> = [
  { pattern: /\bi (?:just )?feel (?:like )?(.+)/i, templates: ['You say you feel {0}. How long have you felt that way?', 'Tell me more about feeling {0}.', 'When did you first feel {0}?'] },
  { pattern: /\bi(?: am|'m) (.+)/i, templates: ['You say you are {0}. Why do you think that is?', 'How long have you been {0}?', 'Do you believe it is normal to be {0}?'] },
  { pattern: /\bi (?:can't|cannot|can not) (.+)/i, templates: ["What makes you think you can't {0}?", "What would happen if you could {0}?"] },
  { pattern: /\bi (?:don't|do not) know (.+)/i, templates: ['What would it mean to you to know {0}?', 'Why do you think you do not know {0}?'] },
  { pattern: /\bi keep (.+)/i, templates: ['You keep {0}. What happens when you do?', 'Why do you think you keep {0}?'] },
  { pattern: /\bi (?:want|wish|would like) (.+)/i, templates: ['What would it mean to you if you got {0}?', 'Why do you want {0}?'] },
  { pattern: /\bi (?:hate|can't stand) (.+)/i, templates: ['What is it about {0} that troubles you so much?'] },
  { pattern: /\bi (?:think|guess|suppose) (.+)/i, templates: ['Do you really think {0}?', 'What makes you think {0}?'] },
];

const PROBES: ReadonlyArray<{ keywords: RegExp; questions: readonly string[] }> = [
  { keywords: /\b(mother|mum|mom|father|dad|parents?|family|brother|sister|son|daughter|grandmother|in-laws)\b/i, questions: ['Tell me more about your family.', 'How do you get along with your family?'] },
  { keywords: /\b(work|job|boss|manager|colleagues?|coworkers?|office|career|company)\b/i, questions: ['How do you feel about your work?', 'What does your work mean to you?'] },
  { keywords: /\b(partner|husband|wife|girlfriend|boyfriend|relationship|married)\b/i, questions: ['How are things between you and your partner?', 'What does this relationship mean to you?'] },
  { keywords: /\b(anxious|anxiety|panic|scared|afraid|worried|worry|nervous|dread)\b/i, questions: ['What do you think is at the root of this worry?', 'What goes through your mind when the worry starts?'] },
  { keywords: /\b(angry|anger|furious|rage|shouting|shouted|yelled|snapped)\b/i, questions: ['What do you do when you feel angry?', 'What does the anger tell you?'] },
  { keywords: /\b(died|death|funeral|grief|loss|lost|passed away)\b/i, questions: ['Losing someone or something changes a great deal. How have you been coping?'] },
  { keywords: /\b(alone|lonely|loneliness|isolated)\b/i, questions: ['You mention feeling alone. Who do you usually turn to?'] },
];

const OPENINGS = ['Thank you for telling me about this.', 'I hear that this has been weighing on you.', 'It sounds like a lot is happening for you right now.', 'I am listening.'];
const FILLERS = [
  'How does that make you feel?',
  'Can you say more about that?',
  'Why do you think this is happening now?',
  'What do you think would help you most right now?',
  'What else comes to mind when you think about this?',
  'How have you been looking after yourself through all of this?',
  'Who else knows about what you are going through?',
  'What would you say to a friend who told you the same story?',
  'What has helped you in hard times before?',
  'Does it help to put it into words like this?',
];
const CLOSINGS = ['Please, go on.', 'I would like to hear more about how you are feeling.', 'What would you like to happen next?'];

/** FNV-1a, for deterministic choices. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const pick = <T>(items: readonly T[], seed: number): T => items[seed % items.length];
const wordCount = (s: string) => (s.match(/[\p{L}\p{N}']+/gu) ?? []).length;

/** Cleans a captured clause: first clause only, no trailing punctuation, at most 12 words. */
function clause(text: string): string {
  const first = (text.split(/[,;:.!?]| but | and | because /i)[0] ?? '').trim();
  return first.split(/\s+/).slice(0, 12).join(' ');
}

export function elizaReply(post: string, sampleIndex = 0, range: { min: number; max: number } = { min: 100, max: 150 }): string {
  const seed = hash(`${post}\u0000${sampleIndex}`);
  const sentences: string[] = [pick(OPENINGS, seed)];
  const statements = post.replace(/[’]/g, "'").split(/(?<=[.!?])\s+/);
  let k = 0;
  for (const s of statements) {
    for (const rule of STATEMENTS) {
      const m = rule.pattern.exec(s);
      const captured = m?.[1] ? clause(m[1]) : '';
      if (captured.split(/\s+/).length < 2) continue;
      sentences.push(pick(rule.templates, seed + k++).replace('{0}', reflect(captured)));
      break;
    }
  }
  for (const probe of PROBES) if (probe.keywords.test(post)) sentences.push(pick(probe.questions, seed + k++));
  // Open questions, in a seeded order, until the reply reaches the requested length.
  for (let f = 0; f < FILLERS.length && wordCount(sentences.join(' ')) < range.min; f++) sentences.push(FILLERS[(seed + f) % FILLERS.length]);
  sentences.push(pick(CLOSINGS, seed));
  // Keep within the maximum: drop reflections from the end of the middle, never the opening or closing.
  while (wordCount(sentences.join(' ')) > range.max && sentences.length > 3) sentences.splice(sentences.length - 2, 1);
  return sentences.join(' ');
}

export function elizaProvider(range: { min: number; max: number }): Provider {
  return {
    id: 'eliza',
    // ELIZA answers the post itself, by rule: no prompt, no sampling parameters.
    sends: () => ({}),
    readsPrompt: false,
    async generate(request: GenerationRequest, { signal } = {}): Promise<GenerationResult> {
      if (signal?.aborted) throw new ProviderError('aborted', true, undefined, undefined, { kind: 'interrupted' });
      if (request.post.text.trim() === '') throw new ProviderError('the post is empty', false);
      const text = elizaReply(request.post.text, request.unit.sampleIndex, range);
      const inputTokens = Math.ceil(request.messages.reduce((s, m) => s + wordCount(m.content), 0) * 1.3);
      return { text, usage: { inputTokens, outputTokens: Math.ceil(wordCount(text) * 1.3) }, latencyMs: 0, finishReason: 'stop' };
    },
  };
}
