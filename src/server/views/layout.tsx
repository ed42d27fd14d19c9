/** The page frame every participant and admin page shares: no inline script or style (the CSP forbids them). */
import type { Child } from 'hono/jsx';
import { participantText, type Text } from '../../study/participant-text.js';

const ENGLISH = participantText();

export interface LayoutProps {
  readonly title: string;
  readonly studyName: string;
  readonly progress?: { readonly done: number; readonly total: number; readonly pairs?: boolean } | undefined;
  /** Shows the "leave the study" link (to a page that asks for confirmation). */
  readonly leave?: boolean | undefined;
  /** A meta refresh (the completion redirect to Prolific). */
  readonly refresh?: { readonly seconds: number; readonly url: string } | undefined;
  readonly wide?: boolean;
  /** The study's participant text (English by default: the admin pages). */
  readonly t?: Text | undefined;
  /** A banner above the page (the admin's preview). */
  readonly banner?: string | undefined;
  /** The switch that turns the number-key shortcuts off (WCAG 2.1.4); shown by the script. */
  readonly keysToggle?: boolean | undefined;
  readonly children?: Child;
}

export function Layout(p: LayoutProps) {
  const t = p.t ?? ENGLISH;
  const pct = p.progress && p.progress.total > 0 ? Math.round((100 * p.progress.done) / p.progress.total) : null;
  return (
    <html lang={t('lang')}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        {p.refresh ? <meta http-equiv="refresh" content={`${p.refresh.seconds};url=${p.refresh.url}`} /> : null}
        <title>{`${p.title} · ${p.studyName}`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/app.js" defer></script>
      </head>
      <body>
        <header class="top">
          <div class="inner">
            <span class="name">{p.studyName}</span>
            {p.progress ? (
              <span class="progress" aria-live="polite">
                {t(p.progress.pairs ? 'layout.progress_pairs' : 'layout.progress', { done: p.progress.done, total: p.progress.total })}
              </span>
            ) : null}
          </div>
          {pct !== null ? (
            <div class="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={t('layout.progress_label')}>
              {/* The width is an attribute-free SVG so that no inline style is needed. */}
              <svg width="100%" height="4" aria-hidden="true" preserveAspectRatio="none" viewBox="0 0 100 4">
                <rect width={pct} height="4" fill="#1d4ed8" />
              </svg>
            </div>
          ) : null}
        </header>
        {p.banner ? <p class="banner" role="status">{p.banner}</p> : null}
        <main class={p.wide ? 'wide' : undefined}>{p.children}</main>
        {p.leave || p.keysToggle ? (
          <footer class="leave">
            {p.keysToggle ? (
              <label class="keys" hidden>
                <input type="checkbox" id="keys-toggle" checked />
                <span>{t('instructions.keys_toggle')}</span>
              </label>
            ) : null}
            {p.leave ? <a href="/withdraw">{t('layout.leave')}</a> : null}
          </footer>
        ) : null}
      </body>
    </html>
  );
}
