# idp-chatops: three stages. Dependencies are installed from the lock file (npm ci), the native
# better-sqlite3 addon is compiled where the toolchain is, and the runtime image gets only
# production node_modules, the compiled dist/ and the default manifests, run as a non-root user.

# A Debian slim Node 20 (glibc: better-sqlite3 builds and runs as in CI), with what node-gyp needs
# when no prebuilt binary of better-sqlite3 fits.
FROM node:20-bookworm-slim AS toolchain
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

# Production dependencies only: these node_modules are what the runtime image runs with.
FROM toolchain AS deps
RUN npm ci --omit=dev --no-audit --no-fund

# The TypeScript build, with the dev dependencies (tsc).
FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY blocks ./blocks
COPY bench ./bench
RUN npm run build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
# Settings src/config.ts reads. Mount your own catalogue over /app/manifests (or set MANIFESTS_DIR),
# and keep the SQLite file on a volume at /data. Tokens and secrets come from the environment at
# run time (docker run --env-file, Kubernetes Secrets), never from the image.
ENV PORT=3000 \
    MANIFESTS_DIR=/app/manifests \
    DATABASE_PATH=/data/idp-chatops.db
# Application files stay root-owned and read-only to the bot; only /data is writable.
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY manifests ./manifests
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# The slim image has no curl: Node's own fetch asks /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/idp-chatops.js", "start"]
