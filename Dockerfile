# syntax=docker/dockerfile:1
# Mailroom image. The build and start steps live in scripts/container-steps.sh, which CI runs
# without Docker (`scripts/container-steps.sh ci`), so what this file does is tested.

# --- build: compile TypeScript and better-sqlite3, then keep production dependencies only
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN bash scripts/container-steps.sh build

# --- runtime: no compilers, not root
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=sqlite:/data/mailroom.db \
    MAILROOM_MIGRATE_ON_START=true
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/scripts ./scripts
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# /readyz answers 200 once the database answers; worker containers point MAILROOM_HEALTHCHECK_URL at their metrics listener.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["bash", "scripts/container-steps.sh", "healthcheck"]
ENTRYPOINT ["bash", "scripts/container-steps.sh", "start"]
CMD ["serve"]
