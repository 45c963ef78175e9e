# syntax=docker/dockerfile:1
# hookstep worker image. Build: docker build -t hookstep .
# Run:   docker run --rm -e TEMPORAL_ADDRESS=host:7233 hookstep
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile TypeScript with the dev dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Manifests first so the dependency layer is reused while only sources change.
# --ignore-scripts: package.json's "prepare" runs the build, which cannot work
# before the sources below are copied in; we build explicitly afterwards.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
RUN npm run build

# ---- runtime: production dependencies and the compiled output only ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# glibc's mmap threshold fixed at its default, which turns off its dynamic raise: about half the memory a run in
# flight (src/worker/allocator.ts, docs/performance.md figure 10).
ENV MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app

# The worker bundles workflow code with webpack/swc at start-up, and those come
# in through @temporalio/worker's own dependencies, so --omit=dev is enough.
# --ignore-scripts skips "prepare" (no tsc here) and optional postinstall hooks;
# the native bindings arrive as platform packages and need no install step.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# dist/src, dist/workflows and dist/activities must stay siblings: the worker
# finds its workflows with require.resolve('../../workflows') from dist/src/worker.
COPY --from=build /app/dist ./dist
# The API's webhooks page is bundled (esbuild) from these sources when it is first asked for.
COPY tsconfig.json ./
COPY src/page ./src/page
COPY src/client ./src/client
COPY src/contract ./src/contract

# Files stay root-owned and read-only to the process; the worker writes nothing
# to disk (the workflow bundle is built in memory).
USER node

CMD ["node", "dist/src/cli.js", "worker"]
