import { describe, expect, it } from 'vitest';
import { blind, exclamationsToFullStops, markdownToPlain, removeAiDisclosure, removeEmojis, removeSignOff, truncateWords, variant } from '../../src/generate/transforms.js';

describe('blinding clean-up', () => {
  it('turns Markdown into plain text', () => {
    expect(markdownToPlain('## You are not alone\n\n**That sounds hard.** Here is what *might* help:\n\n- Rest\n- Talk to [a friend](http://x)\n\n1. Breathe')).toBe(
      'You are not alone\n\nThat sounds hard. Here is what might help:\n\nRest\nTalk to a friend\n\nBreathe',
    );
  });

  it('removes sentences that disclose an AI, and sign-offs', () => {
    expect(removeAiDisclosure("As an AI language model, I don't have feelings. But that sounds really hard. You matter.")).toBe('But that sounds really hard. You matter.');
    expect(removeAiDisclosure('I’m just an AI, yet I hear you. Take care of yourself.')).toBe('Take care of yourself.');
    expect(removeSignOff('That sounds hard.\n\nWarm regards,\nAlex')).toBe('That sounds hard.');
    expect(removeSignOff('That sounds hard.\n- A fellow traveller')).toBe('That sounds hard.');
    expect(removeSignOff('Take care of yourself, and rest.')).toBe('Take care of yourself, and rest.');
  });

  it('logs every change with the text before and after', () => {
    const r = blind('**I hear you.** As an AI, I cannot feel, but I understand.\n\nBest,\n[Your Name]');
    expect(r.text).toBe('I hear you.');
    expect(r.log.map((l) => l.transform)).toEqual(['remove-sign-off', 'markdown-to-plain', 'remove-ai-disclosure']);
    expect(r.log[0]?.before).toContain('**I hear you.**');
    expect(blind('Plain text.').log).toEqual([]);
  });
});

describe('style variants', () => {
  it('removes emojis, turns exclamations into full stops, and truncates at a sentence boundary', () => {
    expect(removeEmojis('Sending hugs 🤗 your way 👍🏽!')).toBe('Sending hugs your way!');
    expect(exclamationsToFullStops('Wow!! You did it! Really?!')).toBe('Wow. You did it. Really?');
    expect(truncateWords('One two three. Four five six. Seven eight.', 7)).toBe('One two three. Four five six.');
    expect(truncateWords('A very long first sentence without an end', 3)).toBe('A very long');
    expect(variant('truncate-6')?.apply('One two three. Four five six. Seven.')).toBe('One two three. Four five six.');
    expect(variant('shout')).toBeUndefined();
  });
});
