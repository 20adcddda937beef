"""Behind a reverse proxy: read the client's address, scheme and host from its headers.

With ``TRUSTED_PROXIES = n`` (n proxies in front of the app, each adding itself to
``X-Forwarded-For``), Werkzeug's ``ProxyFix`` takes the n-th address from the right as
``request.remote_addr`` and the scheme, host and port the proxies were asked for, as Flask documents
in "Tell Flask it is Behind a Proxy". The rate limits (keyed on ``remote_addr``) and the audit
entries then see the real client, and ``url_for(..., _external=True)`` builds ``https://``
links. With 0 (the default) these headers are ignored: anyone could send them.

``TRUSTED_HOSTS`` is Flask's own setting: a request for any other ``Host`` gets 400.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies < 0:
        raise RuntimeError("TRUSTED_PROXIES must be 0 or more.")
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
