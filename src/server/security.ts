/**
 * The app's protections in one place: CSRF tokens, headers, a per-client rate limiter for the entry
 * point, and constant-time comparisons. Nothing here keeps state another server would need.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';

/** A CSRF token bound to a session (or to a pre-session cookie): HMAC(secret, purpose:id). */
export function csrfToken(secret: string, purpose: string, id: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${id}`).digest('base64url');
}

export function sameSecret(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const randomToken = (bytes = 24): string => randomBytes(bytes).toString('base64url');

/**
 * Script only from this server, no inline script or style, no framing, forms only to this server.
 * The completion redirect is a link and a meta refresh, which `form-action` does not restrict.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // Prolific ids travel in the entry URL; never leak them to another site.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** A token bucket per client: `perMinute` requests, refilled continuously. */
export class ClientThrottle {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** True when the client has no request left (without using one). */
  exhausted(client: string): boolean {
    const b = this.#buckets.get(client);
    if (!b) return false;
    return Math.min(this.perMinute, b.tokens + ((this.now() - b.at) / 60_000) * this.perMinute) < 1;
  }

  /** True when the client may go ahead; false when it must wait. */
  take(client: string): boolean {
    const t = this.now();
    const b = this.#buckets.get(client) ?? { tokens: this.perMinute, at: t };
    b.tokens = Math.min(this.perMinute, b.tokens + ((t - b.at) / 60_000) * this.perMinute);
    b.at = t;
    if (this.#buckets.size > 10_000) this.#buckets.clear();
    if (b.tokens < 1) {
      this.#buckets.set(client, b);
      return false;
    }
    b.tokens -= 1;
    this.#buckets.set(client, b);
    return true;
  }
}

/** A submitted form's text fields (files are ignored; no form here has one). */
export async function formFields(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * The client's address behind `hops` trusted reverse proxies: the hops-th entry of X-Forwarded-For
 * counted from the right (each proxy appends the address it saw; everything to the left of the
 * proxies' own entries was written by the client and can be forged). Without trusted proxies, or
 * when the header has fewer entries than there are proxies (a request that bypassed them), the
 * socket's address.
 */
export function clientAddress(forwardedFor: string | undefined, hops: number, socketAddress: string): string {
  if (hops <= 0 || !forwardedFor) return socketAddress;
  const entries = forwardedFor.split(',').map((x) => x.trim()).filter(Boolean);
  return entries.length >= hops ? entries[entries.length - hops] : socketAddress;
}

/** OWASP's neutralisation of CSV injection: a cell a spreadsheet would run as a formula gets a leading quote. */
export function neutraliseCell(value: unknown): unknown {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
