# syntax=docker/dockerfile:1

# Base image: Node 20 (the runtime the tests run on, see package.json `engines`) on Debian bookworm,
# pinned by digest so a rebuild gets the same bytes. The digest is the multi-arch OCI index of
# node:20.20.2-bookworm-slim (published 2026-03-25) as recorded by docker-library/repo-info
# (repos/node/remote/20.20.2-bookworm-slim.md, seen in the mirror github.com/maxmood96/repo-info);
# BuildKit logs in other public repositories resolve node:20-bookworm-slim to the same digest.
# With a digest the tag is informational only: to move Node, change tag and digest together
# (`docker buildx imagetools inspect node:20-bookworm-slim` prints the current digest).
FROM node:20.20.2-bookworm-slim@sha256:1e85773c98c31d4fe5b545e4cb17379e617b348832fb3738b22a08f68dec30f3 AS base

# Build stage: compile TypeScript with the dev dependencies.
FROM base AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies and compiled code only, as the unprivileged `node` user.
FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/lib ./lib
USER node
EXPOSE 3000
# Node's own fetch, so the image needs no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Not `npm start` (that rebuilds): run the compiled server directly so signals reach Node.
CMD ["node", "lib/server/main.js"]
