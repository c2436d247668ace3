"""gunicorn settings, read from the working directory by every `gunicorn` started here.

An upload of up to UPLOAD_MAX_BYTES (2 GiB) is received, copied to private storage with its
SHA-256 and checked against the plan within one request: about 45 s for 2 GiB on a local
connection. gunicorn's default 30 s time-out would kill the worker midway, so allow more.
Behind a reverse proxy, let the proxy buffer request bodies (nginx: `client_max_body_size
2100m; proxy_request_buffering on;`) so that slow clients do not hold a worker either.
"""

import os

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "600"))
graceful_timeout = 30
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
