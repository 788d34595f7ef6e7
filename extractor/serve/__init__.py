"""``extractor serve DIR``: a local web explorer over a batch output folder (see docs/explorer.md).

>>> from extractor.serve import create_app     # a Starlette app over DIR/extractor.duckdb
>>> app = create_app("out")

Needs the ``serve`` extra (``pip install 'extractor[serve]'``: Starlette, Jinja2, uvicorn).
"""
from __future__ import annotations

EXTRA_MODULES = ("starlette", "jinja2", "uvicorn")


def missing_extra() -> list[str]:
    """The modules of the ``serve`` extra that are not installed."""
    import importlib.util
    return [m for m in EXTRA_MODULES if importlib.util.find_spec(m) is None]


def create_app(out_dir, host: str = "127.0.0.1", timeout: float = 5.0, debug: bool = False):
    from extractor.serve.app import create_app as _create
    return _create(out_dir, host=host, timeout=timeout, debug=debug)


def serve(out_dir, host: str = "127.0.0.1", port: int = 8000, timeout: float = 5.0, log_level: str = "warning") -> None:
    """Serve the explorer over ``out_dir`` until interrupted."""
    import uvicorn
    app = create_app(out_dir, host=host, timeout=timeout)
    uvicorn.run(app, host=host, port=port, log_level=log_level)


__all__ = ["create_app", "serve", "missing_extra"]
