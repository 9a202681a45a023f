# cdrflow services (collector, aggregator) for docker-compose.yml.
# The image runs the same commands as the README: `cdrflow collector`,
# `cdrflow aggregator`, `cdrflow report`. A server deployment talks to a
# ClickHouse server (CLICKHOUSE_URL), so chDB's native engine (an optional
# dependency, ~570 MB) is left out.
FROM node:20.19-bookworm-slim

WORKDIR /opt/cdrflow
COPY package.json package-lock.json ./
COPY packages ./packages
COPY services ./services
COPY fixtures/sample ./fixtures/sample
COPY infra/clickhouse ./infra/clickhouse
RUN npm ci --omit=optional --omit=dev --no-audit --no-fund && npm cache clean --force

ENV NODE_ENV=production \
    CDRFLOW_CONFIG=/etc/cdrflow/cdrflow.yaml \
    CDRFLOW_DATA_DIR=/var/lib/cdrflow
USER node
ENTRYPOINT ["node", "packages/cli/bin/cdrflow.js"]
CMD ["--help"]
