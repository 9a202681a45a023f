# cdrflow services (collector, aggregator) for docker-compose.yml.
# The image runs the same commands as the README: `cdrflow collector`,
# `cdrflow aggregator`, `cdrflow report`, as JavaScript bundled by the build
# stage (scripts/build.js, esbuild): no TypeScript compiler at run time. A
# server deployment talks to a ClickHouse server (CLICKHOUSE_URL), so chDB's
# native engine (an optional dependency, ~570 MB) is left out.

# Build: every dependency (esbuild is a dev dependency), then the bundles.
FROM node:20.19-bookworm-slim AS build
WORKDIR /opt/cdrflow
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY scripts ./scripts
COPY packages ./packages
COPY services ./services
COPY fixtures/sample ./fixtures/sample
RUN npm ci --ignore-scripts --no-audit --no-fund && npm run build
# The workspace manifests alone, for the production install of the run stage.
RUN mkdir /manifests && cp --parents package.json package-lock.json packages/*/package.json services/*/package.json /manifests/

# Run: production dependencies and the bundles only.
FROM node:20.19-bookworm-slim
WORKDIR /opt/cdrflow
COPY --from=build /manifests/ ./
# --ignore-scripts: `prepare` (the build) is done; no production dependency needs an install script.
RUN npm ci --omit=optional --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /opt/cdrflow/packages/cli/bin ./packages/cli/bin
COPY --from=build /opt/cdrflow/packages/cli/dist ./packages/cli/dist
COPY --from=build /opt/cdrflow/services/collector/dist ./services/collector/dist
COPY --from=build /opt/cdrflow/services/aggregator/dist ./services/aggregator/dist
# Read at run time beside the bundles: the ClickHouse migrations and the sample's config.
COPY infra/clickhouse ./infra/clickhouse
COPY fixtures/sample/cdrflow.yaml ./fixtures/sample/cdrflow.yaml

ENV NODE_ENV=production \
    CDRFLOW_CONFIG=/etc/cdrflow/cdrflow.yaml \
    CDRFLOW_DATA_DIR=/var/lib/cdrflow
USER node
# Exec form: node is PID 1 and receives `docker stop`'s SIGTERM itself; the
# services handle it (finish the work in hand, exit 0).
ENTRYPOINT ["node", "packages/cli/dist/main.js"]
CMD ["--help"]
