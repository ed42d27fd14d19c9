/** The part of the `stopword` package used here (it ships no types). */
declare module 'stopword' {
  /** The English stopword list. */
  export const eng: readonly string[];
}
