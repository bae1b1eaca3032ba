# One image for every Python service of docker-compose.yml (web and worker).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are baked into the image (WhiteNoise serves them). The key only
# satisfies the settings check during the build; it is never used at run time.
RUN DEBUG=0 SECRET_KEY=collectstatic-build-only-key python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 --home-dir /app playground \
    && chmod +x compose/start-web compose/start-worker
USER playground

EXPOSE 8000
CMD ["/app/compose/start-web"]
