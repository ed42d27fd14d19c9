/**
 * Word and phrase lists for the style battery, written for this project (empathy-lab, MIT). They
 * are deliberately small and inspectable: each category names what it counts, and the lists are
 * the definition. Entries are lower-case, with straight apostrophes; a multi-word entry is a phrase
 * matched on consecutive words.
 */

/** Pronoun classes, after the reference study's (I, we, you, she/he, they). */
export const PRONOUNS = {
  i: ['i', 'me', 'my', 'mine', 'myself', "i'm", "i've", "i'll", "i'd", 'im', 'ive'],
  we: ['we', 'us', 'our', 'ours', 'ourselves', "we're", "we've", "we'll", "we'd", "let's"],
  you: ['you', 'your', 'yours', 'yourself', 'yourselves', "you're", "you've", "you'll", "you'd", 'ya', "y'all", 'youre'],
  shehe: ['she', 'her', 'hers', 'herself', 'he', 'him', 'his', 'himself', "she's", "he's", "she'll", "he'll", "she'd", "he'd"],
  they: ['they', 'them', 'their', 'theirs', 'themselves', "they're", "they've", "they'll", "they'd"],
} as const;

/** Categories of wording that matter for perceived empathy. */
export const EMPATHY_CATEGORIES: Readonly<Record<string, { readonly description: string; readonly entries: readonly string[] }>> = {
  apology: {
    description: 'apologies and condolences ("sorry to hear", "my condolences")',
    entries: ['sorry', 'apologize', 'apologise', 'apologies', 'condolences', 'sorry to hear', 'sorry for your loss', "i'm so sorry"],
  },
  validation: {
    description: 'telling the person their reaction makes sense ("that makes sense", "it\'s understandable")',
    entries: [
      'makes sense',
      'make sense',
      'understandable',
      "it's okay to",
      "it's ok to",
      "it's natural",
      'natural to feel',
      'completely normal',
      'perfectly normal',
      'valid',
      'no wonder',
      'of course you',
      "you're not alone",
      'not alone',
      'anyone would',
    ],
  },
  emotion_naming: {
    description: 'words that name a feeling',
    entries: [
      'feel', 'feeling', 'feelings', 'felt', 'sad', 'sadness', 'angry', 'anger', 'furious', 'frustrated', 'frustrating', 'frustration',
      'anxious', 'anxiety', 'scared', 'afraid', 'fear', 'frightened', 'worried', 'worry', 'nervous', 'hurt', 'hurting', 'lonely',
      'loneliness', 'overwhelmed', 'overwhelming', 'exhausted', 'exhausting', 'upset', 'heartbroken', 'grief', 'grieve', 'grieving',
      'ashamed', 'shame', 'guilty', 'guilt', 'embarrassed', 'helpless', 'hopeless', 'stressed', 'stress', 'stressful', 'resentful',
      'resentment', 'disappointed', 'jealous', 'numb', 'relieved', 'happy', 'joy', 'proud', 'hopeful', 'grateful', 'loved',
    ],
  },
  advice: {
    description: 'advice and directives ("you should", "try to", "it might help")',
    entries: [
      'you should', 'you could', 'you might', 'try to', 'try', 'consider', 'it might help', 'it may help', 'it could help', 'make sure',
      'i suggest', 'i recommend', 'i would suggest', 'i would recommend', "don't", 'do not', 'remember to', 'you need to', 'you have to',
    ],
  },
  referral: {
    description: 'pointing to professional or formal help',
    entries: [
      'therapist', 'therapists', 'therapy', 'counsellor', 'counselor', 'counselling', 'counseling', 'psychologist', 'psychiatrist',
      'doctor', 'gp', 'professional', 'professionals', 'professional help', 'mental health', 'helpline', 'hotline', 'crisis line',
      'support group', 'emergency services', 'hr', 'union representative', 'lawyer', 'advice service',
    ],
  },
  casual: {
    description: 'casual register: interjections and slang ("hey", "oh", "totally")',
    entries: ['hey', 'hi', 'oh', 'ah', 'aw', 'aww', 'wow', 'totally', 'lol', 'omg', 'haha', 'hugs', 'yeah', 'yep', 'gonna', 'wanna', 'kinda', 'sorta', 'dude', 'ugh', 'yikes', 'damn', 'super', 'awesome', 'cool'],
  },
  hedges: {
    description: 'hedges and tentative wording',
    entries: ['maybe', 'perhaps', 'possibly', 'probably', 'might', 'may', 'seems', 'it seems', 'i think', 'i guess', 'i believe', 'sort of', 'kind of', 'somewhat', 'a bit', 'a little'],
  },
  self_disclosure: {
    description: 'the writer telling of their own experience ("when I was", "I went through")',
    entries: ["i've been", 'i have been', 'i went through', 'when i was', 'i remember', 'my own', 'i also', 'happened to me', 'i know how', 'i used to', 'in my experience', 'i had'],
  },
};

/** Split entries into single words (a set) and phrases (word arrays), for fast counting. */
export function compileEntries(entries: readonly string[]): { words: ReadonlySet<string>; phrases: ReadonlyArray<readonly string[]> } {
  const single = new Set<string>();
  const phrases: string[][] = [];
  for (const e of entries) {
    const parts = e.split(' ');
    if (parts.length === 1) single.add(e);
    else phrases.push(parts);
  }
  return { words: single, phrases };
}
