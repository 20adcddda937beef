"""gunicorn settings read from the working directory: no product banner in responses."""

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "prescreen"  # instead of "gunicorn" in every Server header
