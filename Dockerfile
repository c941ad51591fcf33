FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml constraints.txt README.md alembic.ini ./
COPY shopsync ./shopsync
COPY services ./services
COPY schemas ./schemas
COPY migrations ./migrations
RUN pip install --no-cache-dir -c constraints.txt -e . && useradd --system shopsync
USER shopsync
ENV SHOPSYNC_VAR_DIR=/tmp/shopsync SERVICE_BIND_HOST=0.0.0.0 GATEWAY_HOST=0.0.0.0
ENTRYPOINT ["shopsync"]
