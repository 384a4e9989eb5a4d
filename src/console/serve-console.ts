import fastifyStatic from '@fastify/static';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { DomainError } from '../common/errors/domain-error';
import { PROBLEM_CONTENT_TYPE } from '../common/errors/problem';
import { toProblem } from '../common/errors/to-problem';

/**
 * The browser console (a Vite build: `index.html` and content-hashed `assets/*`) served by the api
 * at `/`. Paths under these prefixes belong to the API: an unknown one answers the API's own 404
 * problem, never the console's page.
 */
export const API_PREFIXES: readonly string[] = [
  '/v1',
  '/rsl',
  '/health',
  '/docs',
  '/openapi.json',
  '/openapi.yaml',
  '/.well-known',
];

/** Vite's output: file names carry a content hash, so a name never changes content. */
const ASSETS_PREFIX = '/assets/';

const ASSET_HEADERS = {
  'cache-control': 'public, max-age=31536000, immutable',
  'x-content-type-options': 'nosniff',
};

/** Other files of the build (Vite copies `public/` as is: favicon.ico…) keep their names: revalidate. */
const FILE_HEADERS = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };

/** A Vite-built React + Mantine app: no inline script; Mantine injects style elements. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/** The nearest folder above `from` holding package.json: the project (or the image's /app). */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/**
 * Where the console's build lives: CONSOLE_DIR (absolute, or relative to the working directory),
 * else `console/dist` in the project — found from this file, so the same answer from `src/console`
 * (ts-node, tests) and `dist/src/console` (after `nest build`, and in the image's /app).
 */
export function consoleDirectory(configured: string | undefined): string {
  if (configured) return resolve(configured);
  return join(projectRoot(__dirname), 'console', 'dist');
}

function isApiPath(path: string): boolean {
  return API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** The request's path, percent-decoded and with dot segments resolved; undefined if malformed. */
function decodedPath(url: string): string | undefined {
  const raw = url.split('?', 1)[0];
  try {
    return posix.normalize(decodeURIComponent(raw));
  } catch {
    return undefined;
  }
}

/** `path` as a file inside `root`, if it names a regular file there; never a file outside. */
async function fileInside(root: string, path: string): Promise<string | undefined> {
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const absolute = resolve(root, `.${path}`);
  const inside = relative(root, absolute);
  if (!inside || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  try {
    return (await stat(absolute)).isFile() ? inside.split(sep).join('/') : undefined;
  } catch {
    return undefined;
  }
}

class ConsoleNotBuilt extends DomainError {
  constructor() {
    super(
      'console-not-built',
      503,
      'The console is not built: run npm run build (it writes console/dist), or point CONSOLE_DIR at a build',
    );
  }
}

/** The console's answer to a GET or HEAD, or undefined to let the API answer (its 404). */
async function answer(root: string, request: FastifyRequest, reply: FastifyReply) {
  const path = decodedPath(request.url);
  if (path === undefined || isApiPath(path)) return undefined;
  const file = await fileInside(root, path);
  if (file === 'index.html') return sendPage(root, reply, file);
  if (file) {
    const headers = path.startsWith(ASSETS_PREFIX) ? ASSET_HEADERS : FILE_HEADERS;
    return reply.headers(headers).sendFile(file, root, { cacheControl: false });
  }
  if (path.startsWith(ASSETS_PREFIX)) return undefined;
  if (!(await fileInside(root, '/index.html'))) {
    const result = toProblem(new ConsoleNotBuilt(), request.id);
    return reply.status(result.status).type(PROBLEM_CONTENT_TYPE).send(result.body);
  }
  return sendPage(root, reply, 'index.html');
}

function sendPage(root: string, reply: FastifyReply, file: string): FastifyReply {
  return reply.headers(PAGE_HEADERS).sendFile(file, root, { cacheControl: false });
}

/**
 * Registers the console on the api's Fastify instance: a GET or HEAD that no route of the API
 * matched (Fastify's 404 route, `request.is404`) answers a file of the build if it names one;
 * an `/assets/` file that does not exist, and any path under the API's prefixes, keep the API's
 * 404 problem; any other path answers index.html (the console routes in the browser). No route
 * of its own, so the router's answers (a malformed path, an overlong parameter) stay as they were.
 */
export async function serveConsole(fastify: FastifyInstance, directory: string): Promise<void> {
  const root = resolve(directory);
  // Only reply.sendFile: the hook below decides what is served.
  await fastify.register(fastifyStatic, { serve: false });
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.is404 || (request.method !== 'GET' && request.method !== 'HEAD')) return;
    // An answer sent here ends the request; none lets the API's 404 handler answer.
    return answer(root, request, reply);
  });
}
