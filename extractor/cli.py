"""Command line: ``extractor COMMAND ...`` (also ``python -m extractor``).

Each command lives in ``extractor/commands/<name>.py`` with ``register(subparsers)`` adding its
parser (and ``set_defaults(func=...)``); commands are thin wrappers over the library's functions.
Bad input exits with code 2 and one line ``extractor: <file>: <cause>`` (a traceback with --debug).
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import Optional, Sequence

from extractor import __version__
from extractor.core.errors import ExtractorError, one_line

EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors: one line, exit 2 (argparse's own convention)
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="extractor", description="Structured, source-grounded facts from Chinese government reports.")
    parser.add_argument("--version", action="version", version=f"extractor {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    from extractor import commands
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{commands.__name__}.{info.name}")
        mod.register(sub)
    return parser


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = getattr(args, "debug", False) or "--debug" in argv
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        from extractor.commands._options import overrides
        from extractor.core.settings import from_env
        args.settings = from_env(**overrides(args))  # the one Settings of this run
        return int(args.func(args) or 0)
    except ExtractorError as exc:
        if debug:
            raise
        print(f"extractor: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("extractor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except MemoryError:
        if debug:
            raise
        print("extractor: ran out of memory (lower the input size or raise --memory-mb)", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # the machine said no: disk full, read-only file system, permissions
        if debug:
            raise
        where = f"{one_line(str(exc.filename))}: " if exc.filename else ""
        print(f"extractor: {where}{one_line(exc.strerror or str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:
        if debug:
            raise
        print(f"extractor: internal error: {type(exc).__name__}: {one_line(str(exc))} "
              "(run with --debug for the traceback)", file=sys.stderr)
        return EXIT_FAIL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
