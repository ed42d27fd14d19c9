import { SUMMARIES } from './commands.js';
import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { Command } from 'commander';
import { createAdaptorServer } from '@hono/node-server';
import { UserError } from '../errors.js';
import { createApp } from '../server/app.js';
import { loadContent } from '../server/content.js';
import { appSecret } from '../store/studies.repository.js';
import type { Output } from './output.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fieldDrafter, fieldScreener } from './field-draft.js';
import { readTokens, tokensOf } from './tokens.js';
import { openStudy, type OpenStudy, type StudyOptions } from './study-context.js';

/** A frozen or unreachable database fails a request within seconds (a "try again" page), never hangs it. */
const SERVE_DB_TIMEOUTS = { statementMs: 5000, connectMs: 5000 } as const;
/** How long a stopping server waits for requests in flight and for the database's connections to close. */
const SHUTDOWN_GRACE_MS = 10_000;

interface ServeOptions extends StudyOptions {
  port: string;
  host: string;
  adminToken?: string;
  entryRate: string;
  trustProxy?: string | boolean;
}

/** `--trust-proxy` alone trusts one proxy; `--trust-proxy N`, N of them. */
function proxyHops(value: string | boolean | undefined): number {
  if (value === undefined || value === false) return 0;
  if (value === true) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10) throw new UserError(`expected the number of proxies in front of the app (1 to 10), got "${value}"`, '--trust-proxy', 'e.g. --trust-proxy 1 behind one nginx or load balancer');
  return n;
}

/** The consent and instructions Markdown files the manifest names, read at start. */
async function readPageFiles(study: OpenStudy['loaded']['study'], dir: string): Promise<{ consent?: string; instructions?: string }> {
  const out: { consent?: string; instructions?: string } = {};
  for (const what of ['consent', 'instructions'] as const) {
    const rel = study.instrument[`${what}_file`];
    if (!rel) continue;
    try {
      out[what] = await readFile(path.join(dir, rel), 'utf8');
    } catch (err) {
      throw new UserError(`cannot read ${rel} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, `instrument.${what}_file`, 'check the path; it is relative to the study folder', { cause: err });
    }
  }
  return out;
}

/** The invitees' tokens of each link panel with a `tokens_file`: one token per non-empty line. */
async function readPanelTokens(study: OpenStudy['loaded']['study'], dir: string): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const [i, p] of study.recruitment.panels.entries()) {
    if (!p.tokens_file) continue;
    let text: string;
    try {
      text = await readFile(path.join(dir, p.tokens_file), 'utf8');
    } catch (err) {
      throw new UserError(`cannot read ${p.tokens_file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, `recruitment.panels[${i}].tokens_file`, 'check the path; it is relative to the study folder', { cause: err });
    }
    out.set(p.id, tokensOf(text, p.tokens_file));
  }
  return out;
}

export function registerServe(program: Command, output: Output): void {
  program
    .command('serve')
    .summary(SUMMARIES.serve)
    .description(
      'Serves the blinded rating study of the manifest: entry by Prolific link or an anonymous link, consent, instructions,\n' +
        'comprehension check, the posts and replies with the instrument\'s scales, attention checks, demographics, and the\n' +
        'completion code with the redirect to Prolific. Assignment takes the least-filled slots at arrival; every rating is\n' +
        'committed before the next page. The admin dashboard is at /admin (token from --admin-token or\n' +
        'EMPATHY_LAB_ADMIN_TOKEN; otherwise one is made and printed). Several serve processes can share one Postgres database.',
    )
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--port <n>', 'port', '8080')
    .option('--host <address>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--admin-token <token>', 'the admin token (default: EMPATHY_LAB_ADMIN_TOKEN, or a new random one)')
    .option('--entry-rate <n>', 'arrivals allowed per client address per minute', '60')
    .option('--trust-proxy [hops]', 'behind N reverse proxies (default 1): the client address is the N-th X-Forwarded-For entry from the right, and X-Forwarded-Proto is believed')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab serve my-study\n  $ EMPATHY_LAB_ADMIN_TOKEN=... empathy-lab serve my-study --db postgres://localhost/study --host 0.0.0.0 --port 8080')
    .action(async (dir: string, o: ServeOptions) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`expected a port number, got "${o.port}"`, '--port', 'e.g. --port 8080');
      const trustProxy = proxyHops(o.trustProxy);
      const entryPerMinute = Number(o.entryRate);
      if (!(entryPerMinute > 0)) throw new UserError(`expected a positive number, got "${o.entryRate}"`, '--entry-rate', 'e.g. --entry-rate 60');
      const opened = await openStudy(dir, o, { timeouts: SERVE_DB_TIMEOUTS, field: true });
      const { loaded, store, row, hashes } = opened;
      const field = loaded.study.field;
      try {
        const content = await loadContent(store.db, row.id);
        if (!field && content.responses.size === 0) throw new UserError('the study has no replies to rate', dir, 'import or generate replies first (empathy-lab import, empathy-lab generate)');
        const adminToken = o.adminToken ?? process.env.EMPATHY_LAB_ADMIN_TOKEN ?? randomBytes(18).toString('base64url');
        const app = createApp({
          db: store.db,
          studyId: row.id,
          contentHash: hashes.content,
          study: loaded.study,
          content,
          now: () => new Date(),
          lockStudy: store.lockStudy,
          ping: store.ping,
          secret: await appSecret(store.db, row.id, randomBytes(32).toString('base64url')),
          adminToken,
          entryPerMinute,
          trustProxy,
          pageFiles: await readPageFiles(loaded.study, loaded.dir),
          panelTokens: await readPanelTokens(loaded.study, loaded.dir),
          ...(field
            ? {
                supporterTokens: await readTokens(field.supporters.tokens_file, loaded.dir, 'field.supporters.tokens_file'),
                draft: await fieldDrafter(loaded.study, loaded.dir, store.db),
                screen: await fieldScreener(loaded.study, loaded.dir, store.db),
              }
            : {}),
          log: (line) => output.err(line),
        });
        const server = createAdaptorServer({ fetch: app.fetch }) as HttpServer;
        await new Promise<void>((resolve, reject) => {
          server.once('error', (err: NodeJS.ErrnoException) =>
            reject(err.code === 'EADDRINUSE' ? new UserError(`port ${port} is in use`, '--port', 'choose another port, e.g. --port 8081') : err),
          );
          // A deep accept queue: a crowd arriving at once waits in it instead of retrying its connections.
          server.listen({ port, host: o.host, backlog: 4096 }, () => resolve());
        });
        const address = server.address();
        const actual = typeof address === 'object' && address ? address.port : port;
        const base = `http://${o.host === '0.0.0.0' ? '127.0.0.1' : o.host}:${actual}`;
        if (field) {
          output.out(`field study "${loaded.study.name}" (arms: ${field.arms.join(', ')}) on ${store.label}`);
          output.out(`  supporters:   ${base}/supporter?token=<a line of ${field.supporters.tokens_file}>`);
        } else output.out(`rating app for "${loaded.study.name}" (${content.posts.size} posts, ${content.responses.size} replies) on ${store.label}`);
        output.out(`  participants: ${base}/`);
        output.out(`  Prolific URL: ${base}/?PROLIFIC_PID={{%PROLIFIC_PID%}}&STUDY_ID={{%STUDY_ID%}}&SESSION_ID={{%SESSION_ID%}}`);
        output.out(`  admin:        ${base}/admin  (token: ${o.adminToken || process.env.EMPATHY_LAB_ADMIN_TOKEN ? 'as given' : adminToken})`);
        output.out('press Ctrl-C to stop');
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            // Requests in flight may finish; after the grace period the rest are cut, so that a
            // request stuck on a frozen database cannot keep the process from stopping.
            const cut = setTimeout(() => {
              output.err(`empathy-lab: requests still open after ${SHUTDOWN_GRACE_MS / 1000} s; closing them`);
              server.closeAllConnections();
              resolve();
            }, SHUTDOWN_GRACE_MS);
            server.close(() => {
              clearTimeout(cut);
              resolve();
            });
            server.closeIdleConnections();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      } finally {
        // A connection checked out by a request that was cut would keep the pool from ending, and a
        // socket to a database that does not answer (frozen, its network gone) keeps the process
        // alive after the pool has ended. Whatever is still open a moment later is left behind.
        let timer: NodeJS.Timeout | undefined;
        const closed = await Promise.race([store.close().then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), SHUTDOWN_GRACE_MS)))]);
        clearTimeout(timer);
        setTimeout(
          () => {
            output.err('empathy-lab: the database did not close its connections; stopping anyway');
            process.exit(process.exitCode ?? 0);
          },
          closed ? 2000 : 0,
        ).unref();
      }
    });
}
