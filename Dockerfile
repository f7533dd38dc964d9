# LLMTrace proxy image. Build: docker build -t llmtrace .   Run: see docker-compose.yml.
# The build stage compiles the TypeScript workspaces; the runtime stage holds only the compiled
# packages and their production dependencies, and runs as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 (lite profile) is a native addon; these build it when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/security/package.json packages/security/
COPY packages/storage/package.json packages/storage/
COPY packages/proxy/package.json packages/proxy/
COPY packages/sdk/package.json packages/sdk/
# --omit=optional skips chdb's ~550 MB embedded ClickHouse (a test-only dev dependency).
RUN npm ci --no-audit --no-fund --omit=optional
COPY tsconfig.base.json tsconfig.json ./
COPY packages ./packages
RUN npx tsc -b packages/proxy && npm prune --omit=dev --omit=optional --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# glibc's malloc returns freed memory to the system (10–15 MB less RSS under load; README, Memory).
ENV GLIBC_TUNABLES=glibc.malloc.trim_threshold=131072
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages/core/package.json packages/core/
COPY --from=build /app/packages/core/dist packages/core/dist
COPY --from=build /app/packages/security/package.json packages/security/
COPY --from=build /app/packages/security/dist packages/security/dist
COPY --from=build /app/packages/storage/package.json packages/storage/
COPY --from=build /app/packages/storage/dist packages/storage/dist
COPY --from=build /app/packages/proxy/package.json packages/proxy/
COPY --from=build /app/packages/proxy/dist packages/proxy/dist
RUN mkdir -p /etc/llmtrace /var/lib/llmtrace && chown node:node /var/lib/llmtrace
USER node
EXPOSE 8080
# /health answers 200 when the proxy and its storage are up.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "packages/proxy/dist/cli.js"]
CMD ["proxy", "--config", "/etc/llmtrace/config.yaml"]
