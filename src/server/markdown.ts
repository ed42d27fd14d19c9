/**
 * The study's own pages (consent, instructions) are Markdown written by the researcher. Rendered
 * safely: raw HTML is shown as text, only http(s) and mailto links survive (markdown-it's link
 * check), and every link opens in a new tab so the participant does not lose their session.
 */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
md.renderer.rules.link_open = (tokens, i, options, env, self) => {
  const token = tokens[i];
  token?.attrSet('target', '_blank');
  token?.attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, i, options, env, self);
};

export function markdownToHtml(text: string): string {
  return md.render(text);
}
