import type { Context } from 'hono';
import type { FlowDeps } from './flow.js';

/** Everything the app needs, given by the CLI (or a test): no module here opens or reads anything itself. */
export interface AppDeps extends FlowDeps {
  /** Key for CSRF tokens and the admin cookie. */
  readonly secret: string;
  /** The admin token (from EMPATHY_LAB_ADMIN_TOKEN or --admin-token). */
  readonly adminToken: string;
  /** Arrivals per client per minute at the entry point (default 60). */
  readonly entryPerMinute?: number;
  /** The client's address for rate limiting (the socket's by default). */
  readonly clientIp?: (c: Context) => string;
  readonly log?: (line: string) => void;
  /** Fails within `timeoutMs` when the database cannot answer: `/healthz` answers 503 then. */
  readonly ping: (timeoutMs: number) => Promise<void>;
}

/** Participant pages never show the manifest's title, which may name the sources. */
export const studyNameOf = (deps: AppDeps): string => deps.study.instrument.title;
