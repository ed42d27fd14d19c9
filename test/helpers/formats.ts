/** The demo's instrument with a slider, a multi-item scale (one item reverse-keyed), a pairwise scale with strength, and a pairwise attention check. */
export const FORMATS = `    - id: warmth
      type: slider
      question: How warm does this reply feel?
      anchors: [Not warm at all, Extremely warm]
    - id: mie
      type: multi-item
      question: How much do you agree with each statement about this reply?
      points: 5
      items:
        - { id: understood, text: The reply understood the person. }
        - { id: cared, text: The reply showed that the writer cared. }
        - { id: cold, text: The reply felt cold., reverse: true }
    - id: pair
      type: pairwise
      question: Which reply is more empathic?
      strength: true
`;
const PAIR_CHECK = `    - id: ac-pair
      text: Which reply asks you to choose it?
      pair: { left: "This reply is only a check: please choose the other one.", right: "Please choose this reply to show that you are reading." }
      answer: right
      after: 3
`;
export const withFormats = (yaml: string) => yaml.replace(/^ {2}attention_checks:\n/m, `${FORMATS}  attention_checks:\n${PAIR_CHECK}`);

