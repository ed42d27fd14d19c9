import type { Context } from 'hono';
import { DEFAULT_CONSENT, participantText, type Text } from '../study/participant-text.js';
import { sessionLength } from './duration.js';
import type { Drafter, Screener } from './field-flow.js';
import type { FlowDeps } from './flow.js';
import { markdownToHtml } from './markdown.js';

/** Everything the app needs, given by the CLI (or a test): no module here opens or reads anything itself. */
export interface AppDeps extends FlowDeps {
  /** Key for CSRF tokens. */
  readonly secret: string;
  /** The admin token (from EMPATHY_LAB_ADMIN_TOKEN or --admin-token). */
  readonly adminToken: string;
  /** Arrivals per client per minute at the entry point (default 60). */
  readonly entryPerMinute?: number;
  /** Failed admin sign-ins per client per minute (default 5). */
  readonly signInPerMinute?: number;
  /**
   * Reverse proxies in front of the app (`--trust-proxy N`): the client's address is the N-th entry of
   * X-Forwarded-For from the right, and X-Forwarded-Proto is believed. 0 (default): neither.
   */
  readonly trustProxy?: number;
  /** The client's address for rate limiting, overriding the socket's (tests). */
  readonly clientIp?: (c: Context) => string;
  readonly log?: (line: string) => void;
  /** Fails within `timeoutMs` when the database cannot answer: `/healthz` answers 503 then. */
  readonly ping: (timeoutMs: number) => Promise<void>;
  /** The Markdown of `instrument.consent_file` and `instrument.instructions_file`, read by the CLI. */
  readonly pageFiles?: { readonly consent?: string; readonly instructions?: string };
  /** Link panels with one token per invitee: the panel's id -> its tokens (from `tokens_file`, read by the CLI). */
  readonly panelTokens?: ReadonlyMap<string, ReadonlySet<string>>;
  /** A field study's supporters' tokens (from `field.supporters.tokens_file`, read by the CLI). */
  readonly supporterTokens?: ReadonlySet<string>;
  /** A field study's draft source (built by the CLI from `field.draft_source`). */
  readonly draft?: Drafter;
  /** A field study's model screen (built by the CLI from `field.screening.model`). */
  readonly screen?: Screener;
}

/** The app's deps with what is derived from them once: the participant text and the study's pages as HTML. */
export interface App extends AppDeps {
  readonly t: Text;
  readonly consentHtml: string;
  /** Panels with a consent text of their own: the panel's id -> its consent as HTML. */
  readonly panelConsentHtml: ReadonlyMap<string, string>;
  readonly instructionsHtml: string;
  /** A field study's briefing for supporters, as HTML ('' when it has none). */
  readonly supporterBriefingHtml: string;
}

export const DEFAULT_INSTRUCTIONS = 'Read each post and rate every response to it.';

export function appOf(deps: AppDeps): App {
  const instrument = deps.study.instrument;
  const minutes = sessionLength(deps.study, deps.content).minutes;
  const consent =
    instrument.consent ??
    deps.pageFiles?.consent ??
    DEFAULT_CONSENT.replace('{minutes}', String(minutes)).replace('{contact}', instrument.contact ?? 'Send the researcher a message through Prolific.');
  return {
    ...deps,
    t: participantText(instrument.text),
    consentHtml: markdownToHtml(consent),
    panelConsentHtml: new Map(deps.study.recruitment.panels.flatMap((p) => (p.consent ? [[p.id, markdownToHtml(p.consent)] as [string, string]] : []))),
    instructionsHtml: markdownToHtml(instrument.instructions ?? deps.pageFiles?.instructions ?? DEFAULT_INSTRUCTIONS),
    supporterBriefingHtml: deps.study.field?.supporters.briefing ? markdownToHtml(deps.study.field.supporters.briefing) : '',
  };
}

/** Participant pages never show the manifest's title, which may name the sources. */
export const studyNameOf = (deps: AppDeps): string => deps.study.instrument.title;
