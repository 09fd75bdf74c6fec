FROM python:3.12-slim-bookworm
# Pango for WeasyPrint's PDFs; gettext for compiling messages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir .
# Fokus runs as an unprivileged user: the code stays root's and read-only to it; only the data
# folder (uploaded documents, collected static files) is its own.
RUN useradd --system --uid 10001 --user-group --create-home --shell /usr/sbin/nologin fokus \
    && mkdir -p /data \
    && chown fokus:fokus /data
ENV PYTHONUNBUFFERED=1 \
    FOKUS_DATA_DIR=/data
USER fokus
EXPOSE 8000
# The access log masks the tokens of survey and password-reset links (fokus/gunicorn_logging.py).
CMD ["gunicorn", "fokus.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--logger-class", "fokus.gunicorn_logging.SecretMaskingLogger"]
