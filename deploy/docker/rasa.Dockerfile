# syntax=docker/dockerfile:1
# Rasa server image: Rasa Open Source 3.6.21 on Python 3.10 with the Thai NLU components (nlu/), the
# project's Rasa plugins (rasa_plugins/: input channels, masking tracker stores, event brokers) and a
# trained model baked in (the image tag names the model, so a rollback is a rollout of the older tag).
#
# Build from the repository root, after `make train`:
#   docker build -f deploy/docker/rasa.Dockerfile -t govbot-rasa:<model> \
#     --build-arg MODEL=models/<model>.tar.gz .
# MODEL may also be the models/ folder (its models are copied; Rasa serves the newest). Mounting a
# model folder at /app/models at run time (compose.yaml does) replaces the baked one.
# Nothing secret is baked in: RASA_AUTH_TOKEN, GATEWAY_RASA_TOKEN, ACTION_SERVER_TOKEN and the store
# passwords come from the environment (or /run/secrets/*, see entrypoint.sh) at run time.
# Base images are pinned to an exact release tag; mirror them and pin @sha256 digests in the agency's
# own registry (docs/operations.md, "Images").

FROM python:3.10.13-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements/rasa.txt requirements/rasa-constraints.txt /tmp/requirements/
# Every package pinned: rasa.txt names them, rasa-constraints.txt is the freeze of a working install.
RUN pip install -r /tmp/requirements/rasa.txt

FROM python:3.10.13-slim-bookworm
# tini reaps children and passes SIGTERM on, so a rolling update stops Rasa cleanly.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 govbot \
 && useradd --uid 10001 --gid govbot --home-dir /home/govbot --create-home --shell /usr/sbin/nologin govbot
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    RASA_TELEMETRY_ENABLED=false \
    GOVBOT_ROLE=rasa \
    RASA_PORT=5005 \
    HOME=/home/govbot
WORKDIR /app
COPY --chown=root:root nlu/ /app/nlu/
COPY --chown=root:root rasa_plugins/ /app/rasa_plugins/
COPY --chown=root:root observability/ /app/observability/
COPY --chown=root:root bot/credentials.yml /app/bot/credentials.yml
COPY --chown=root:root deploy/rasa/ /app/deploy/rasa/
COPY --chown=root:root deploy/docker/entrypoint.sh deploy/docker/healthcheck.py /app/deploy/docker/
ARG MODEL=models
COPY --chown=root:root ${MODEL} /app/models/
USER 10001:10001
EXPOSE 5005
# GET / needs no token and answers only once the model is loaded (scripts/run.sh waits on it too).
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
  CMD ["python", "/app/deploy/docker/healthcheck.py"]
ENTRYPOINT ["tini", "--", "/app/deploy/docker/entrypoint.sh"]
CMD ["rasa"]
