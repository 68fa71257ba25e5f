# syntax=docker/dockerfile:1
# Application image (Python 3.11): one image, one role per container, chosen by the command:
#   gateway   python -m channels          webhooks, web chat, staff console, agency API, open data,
#                                          case notices and staff replies (GATEWAY_PORT, 8080)
#   actions   python -m actions           Rasa's action server (ACTION_PORT, 5055)
#   consumer  python -m analytics consume Rasa's broker events -> analytics_* tables
#   notices   python -m cases worker      case notices without web chat (optional: the gateway sends them)
#   migrate   python -m db.migrate        bring the database to the newest schema, then exit
# Build from the repository root: docker build -f deploy/docker/app.Dockerfile -t govbot-app:<version> .
# Nothing secret is baked in: every secret comes from the environment (or /run/secrets/*, see
# entrypoint.sh). Base images are pinned to an exact release tag; mirror them and pin @sha256 digests
# in the agency's own registry (docs/operations.md, "Images").

FROM python:3.11.7-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements/app.txt requirements/app-constraints.txt /tmp/requirements/
# torch: the CPU build only, from PyTorch's CPU index, before anything else can ask for the default
# (CUDA, several GB) build; app.txt's torch==2.13.0 is then already satisfied.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0+cpu
# The runtime part of app.txt: everything above its "# tests and tooling" line (pytest, Playwright,
# ruff, mypy stay out of production). Exact versions from app-constraints.txt.
WORKDIR /tmp/requirements
RUN sed '/^# tests and tooling/,$d' app.txt > runtime.txt \
 && pip install -r runtime.txt \
 && python -c "import torch, sys; sys.exit(0 if torch.version.cuda is None else 'CUDA torch installed')"

FROM python:3.11.7-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 govbot \
 && useradd --uid 10001 --gid govbot --home-dir /home/govbot --create-home --shell /usr/sbin/nologin govbot \
 && install -d -o 10001 -g 10001 /app/var
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/home/govbot \
    GATEWAY_PORT=8080 \
    ACTION_PORT=5055
WORKDIR /app
# The source tree without tests, benchmarks, models, virtualenvs or local state
# (app.Dockerfile.dockerignore); owned by root so the service user cannot change its own code.
COPY --chown=root:root . /app/
USER 10001:10001
EXPOSE 8080 5055
# Per role: gateway GET /healthz, actions GET /health; workers have no HTTP side (healthcheck.py).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["python", "/app/deploy/docker/healthcheck.py"]
ENTRYPOINT ["tini", "--", "/app/deploy/docker/entrypoint.sh"]
CMD ["gateway"]
