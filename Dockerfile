# syntax=docker/dockerfile:1
# radassoc: build with the dev toolchain, run on a slim image as an unprivileged user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# RADASSOC_IN_CONTAINER: the first start creates no NAS for 127.0.0.1, which no
# request reaches in here; RADASSOC_INITIAL_NAS_ADDRESS names the one to create.
ENV NODE_ENV=production \
    RADASSOC_DATA_DIR=/var/lib/radassoc \
    RADASSOC_IN_CONTAINER=1
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY sql ./sql
COPY config ./config
# The image's user is node, uid 1000 and gid 1000: a bind-mounted data directory must be owned by it.
RUN mkdir -p /var/lib/radassoc && chown node:node /var/lib/radassoc \
    && ln -s /app/bin/radassoc.js /usr/local/bin/radassoc
USER node
VOLUME ["/var/lib/radassoc"]
# RADIUS authentication and accounting (RFC 2865, RFC 2866); /metrics and
# /healthz listen on 127.0.0.1:9812 unless RADASSOC_HTTP_HOST says otherwise.
EXPOSE 1812/udp 1813/udp
# Ready means listening, with the database and the session store answering (src/ops/http.ts).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:9812/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/radassoc.js"]
CMD ["serve"]
