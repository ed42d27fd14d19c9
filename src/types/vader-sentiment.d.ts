
/** The published VADER lexicon as the package ships it: token -> mean valence. */
declare module 'vader-sentiment/src/vader_lexicon.js' {
  export const lexicon: Readonly<Record<string, number>>;
}
