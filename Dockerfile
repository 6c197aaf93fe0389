# syntax=docker/dockerfile:1
# Position Record: the wheel and its dependencies are built in one stage (given an npm
# registry, the wheel's build hook fetches the playground's pinned GraphiQL files and
# checks their hashes); the image holds only the installed wheel and tini.
#
#   docker build -t position-record .
#   docker run --rm -e DATABASE_URL=postgresql://... position-record db migrate
#   docker run --rm -e DATABASE_URL=postgresql://... position-record seed load
#   docker run -d -p 8000:8000 -e DATABASE_URL=postgresql://... position-record

# --- the wheel, and wheels of every dependency (the final stage needs no network) ------
FROM python:3.11-slim-bookworm AS wheels
WORKDIR /src
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY pyproject.toml README.md hatch_build.py ./
COPY service ./service
COPY sql ./sql
COPY seeds ./seeds
COPY graphql ./graphql
# The image runs in production, where the playground is off: the wheel's build hook leaves
# GraphiQL's files out unless an npm registry is given
# (--build-arg npm_config_registry="$(npm config get registry)").
ARG npm_config_registry=""
RUN if [ -z "$npm_config_registry" ]; then export POSITION_RECORD_SKIP_PLAYGROUND_ASSETS=1; fi \
    && pip wheel --wheel-dir /wheels .

# --- the service -------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime
# tini runs as PID 1: it forwards SIGTERM to the service and reaps zombies (an unreaped
# postgres child would block a restart of the embedded server).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --no-log-init --system --create-home --uid 10001 --user-group app
RUN --mount=type=bind,from=wheels,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels /wheels/position_record-*.whl
ENV HOST=0.0.0.0 \
    PORT=8000 \
    ENVIRONMENT=production \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
USER 10001:10001
WORKDIR /home/app
EXPOSE 8000
# No curl in the image: Python asks the readiness probe (200 when the database answers).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/ready' % os.environ.get('PORT', '8000'), timeout=4)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "position-record"]
CMD ["serve"]
