# radassoc: build with the dev toolchain, run on a slim image as an unprivileged user.
# syntax=docker/dockerfile:1

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    RADASSOC_DATA_DIR=/var/lib/radassoc
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY sql ./sql
COPY config ./config
RUN mkdir -p /var/lib/radassoc && chown node:node /var/lib/radassoc \
    && ln -s /app/bin/radassoc.js /usr/local/bin/radassoc
USER node
VOLUME ["/var/lib/radassoc"]
# RADIUS authentication and accounting (RFC 2865, RFC 2866); /metrics stays on loopback.
EXPOSE 1812/udp 1813/udp
ENTRYPOINT ["node", "/app/bin/radassoc.js"]
CMD ["serve"]
