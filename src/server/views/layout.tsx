/** The page frame every participant and admin page shares: no inline script or style (the CSP forbids them). */
import type { Child } from 'hono/jsx';

export interface LayoutProps {
  readonly title: string;
  readonly studyName: string;
  readonly progress?: { readonly done: number; readonly total: number } | undefined;
  /** Shows the "leave the study" link (to a page that asks for confirmation). */
  readonly leave?: boolean | undefined;
  /** A meta refresh (the completion redirect to Prolific). */
  readonly refresh?: { readonly seconds: number; readonly url: string } | undefined;
  readonly wide?: boolean;
  readonly children?: Child;
}

export function Layout(p: LayoutProps) {
  const pct = p.progress && p.progress.total > 0 ? Math.round((100 * p.progress.done) / p.progress.total) : null;
  return (
    <html lang="en">
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
                {`${p.progress.done} of ${p.progress.total} replies rated`}
              </span>
            ) : null}
          </div>
          {pct !== null ? (
            <div class="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label="Progress">
              {/* The width is an attribute-free SVG so that no inline style is needed. */}
              <svg width="100%" height="4" aria-hidden="true" preserveAspectRatio="none" viewBox="0 0 100 4">
                <rect width={pct} height="4" fill="#1d4ed8" />
              </svg>
            </div>
          ) : null}
        </header>
        <main class={p.wide ? 'wide' : undefined}>{p.children}</main>
        {p.leave ? (
          <footer class="leave">
            <a href="/withdraw">Leave the study</a>
          </footer>
        ) : null}
      </body>
    </html>
  );
}
