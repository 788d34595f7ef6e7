"""Run one extraction in a child process under a wall-time and a memory limit.

``extractor extract`` and ``review`` (and the batch's worker pool, for many documents) never let one hostile
file take the machine: the child's address space may grow by the memory limit (``RLIMIT_AS``), the parent
kills it at the time limit, and either becomes a :class:`~extractor.core.errors.LimitExceeded` naming the
option that raises it. The child is forked, so it starts warm (nothing is re-imported) and the result comes back pickled.
"""
from __future__ import annotations

import multiprocessing as mp
import pickle
import signal
from typing import Callable, Optional

from extractor.core import errors


def _address_space() -> int:
    """This process's address space in bytes (``VmSize``), 0 where /proc does not tell."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def set_memory_limit(memory_mb: Optional[int]) -> None:
    """Let this process's address space grow by ``memory_mb`` MiB at the most (``RLIMIT_AS``).

    The limit counts from what the process holds now: a child forked from a large parent (a notebook, a test
    run, a batch parent with its models loaded) inherits the parent's mappings, and an absolute limit would
    leave it less room than asked for, so OCR would fail on a blank page in one process and not in another.
    """
    if not memory_mb:
        return
    try:
        import resource
        limit = _address_space() + int(memory_mb) * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)  # never above what the process may set (an error would leave no limit)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # pragma: no cover - a platform without RLIMIT_AS
        pass


def out_of_memory(exc: BaseException) -> bool:
    """A MemoryError, or a native library's failed allocation: ONNX Runtime (OCR) raises a RuntimeError (or its
    own error type) whose text names ``std::bad_alloc``."""
    if isinstance(exc, MemoryError):
        return True
    native = isinstance(exc, RuntimeError) or "onnx" in type(exc).__module__.lower() \
        or "onnx" in type(exc).__name__.lower()
    if not native:
        return False
    try:
        return "std::bad_alloc" in str(exc)
    except Exception:  # noqa: BLE001 - an exception whose text cannot be built
        return False


def _child(conn, fn, args, kwargs, memory_mb):
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    set_memory_limit(memory_mb)
    try:
        result = ("ok", fn(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        result = ("memory", None) if out_of_memory(exc) else ("error", exc)
    try:
        conn.send_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        conn.send_bytes(pickle.dumps(("memory", None)))
    except Exception as exc:  # an unpicklable exception: its text is enough
        conn.send_bytes(pickle.dumps(("error", RuntimeError(f"{type(result[1]).__name__}: {exc}"))))
    conn.close()


def run_limited(fn: Callable, *args, source: Optional[str] = None, timeout: Optional[float] = None,
                memory_mb: Optional[int] = None, **kwargs):
    """``fn(*args, **kwargs)`` in a forked child under the limits (both None: simply called here)."""
    if not timeout and not memory_mb:
        return fn(*args, **kwargs)
    if "fork" not in mp.get_all_start_methods():  # pragma: no cover - Windows: no isolation
        return fn(*args, **kwargs)
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, kwargs, memory_mb), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise errors.LimitExceeded(source, f"took longer than the {timeout:g} s limit (raise it with --timeout)")
        try:
            status, value = pickle.loads(parent.recv_bytes())
        except EOFError:
            status, value = "died", None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if status == "ok":
        return value
    if status == "memory":
        raise errors.LimitExceeded(source, f"ran out of memory: the limit is {memory_mb} MiB (raise it with "
                                           "--memory-mb)")
    if status == "died":
        code = proc.exitcode
        why = f"killed by signal {-code}" if code and code < 0 else f"exit code {code}"
        raise errors.LimitExceeded(source, f"the extraction process died ({why}; out of memory or a crash in "
                                           "native code)")
    raise value


__all__ = ["run_limited", "set_memory_limit", "out_of_memory"]
