"""Batch extraction: many inputs → one DuckDB database (+ Parquet), in parallel, resumable.

``run_batch(inputs, out_dir)`` discovers the documents (``corpus.iter_inputs``), skips those whose
``doc_id`` is already in the store, extracts the rest in worker processes (or on dask.distributed), and
writes each finished document in one transaction from the parent process. A failure of one input is a
row of the ``errors`` table, never the end of the batch. Workers run under a per-document time limit
(SIGALRM in the worker, plus a watchdog in the parent that replaces a worker stuck in native code) and an
address-space limit (``resource.RLIMIT_AS``), so one pathological file cannot hang or sink the run.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Optional

from extractor.batch.inputs import WorkItem, file_hash, iter_inputs
from extractor.batch.store import Store
from extractor.core.errors import ExtractorError

DEFAULT_TIMEOUT = 300.0  # seconds per document
DEFAULT_MEMORY_MB = 4096  # address-space limit per worker
WATCHDOG_GRACE = 30.0  # seconds past the time limit before the parent replaces a stuck worker
MAX_CRASHES = 2  # a document that kills its worker this often is an error row


@dataclass
class Summary:
    total: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    chars: int = 0
    errors: list = field(default_factory=list)

    @property
    def docs_per_s(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (f"{self.total} inputs: {self.done} extracted, {self.skipped} already done, {self.failed} failed "
                f"in {self.seconds:.1f} s ({self.docs_per_s:.1f} docs/s, "
                f"{self.chars / max(self.seconds, 1e-9) / 1e3:,.0f} k chars/s)")


# ------------------------------------------------------------------------------------------ workers

class StoreFailed(ExtractorError):
    """A write to the batch output failed (disk full, read-only, I/O error); what was committed is kept."""

    def __init__(self, where, exc: BaseException, doc: Optional[str]):
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        on = f" while storing {doc}" if doc else ""
        super().__init__(where, f"write failed{on}: {reason}; the documents committed before are kept "
                                "(free space or fix the folder, then run the same command again to resume)")
        self.summary = None


class _Timeout(BaseException):  # not an Exception: no stage may catch it and call it a stage failure
    pass


def _on_alarm(signum, frame):  # pragma: no cover - runs in a worker
    raise _Timeout()


def _init_worker(memory_mb: Optional[int]) -> None:
    """Worker start: memory limit, default SIGINT handling left to the parent."""
    from extractor.core.isolate import set_memory_limit
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_memory_limit(memory_mb)


def process(item: WorkItem, timeout: Optional[float] = DEFAULT_TIMEOUT) -> dict:
    """Extract one WorkItem; returns ``{"ok": True, "out": json, ...}`` or an error record. Never raises."""
    from extractor.core import errors
    from extractor import pipeline
    t0 = time.perf_counter()
    alarm = bool(timeout) and threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    if alarm:
        old = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, float(timeout))
    stage = "ingest"
    try:
        if item.text is not None:
            from extractor.batch.inputs import from_text
            doc = from_text(item.text, source=item.path, meta=item.meta)
            stage = "extract"
            report = pipeline.run(doc)
        else:
            report = pipeline.extract(item.path)
        out = report.to_dict()
        out["meta"] = dict(report.document.meta or {}, timings=report.timings)
        return {"ok": True, "path": item.path, "out": out, "seconds": time.perf_counter() - t0}
    except _Timeout:
        return _err(item, "timeout", "Timeout", f"took longer than the {timeout:g} s limit per document")
    except MemoryError:
        return _err(item, "memory", "MemoryError", "ran out of memory (the worker's memory limit)")
    except errors.ExtractorError as exc:
        return _err(item, getattr(exc, "stage", stage), type(exc).__name__, exc.cause)
    except Exception as exc:  # a bug: record it, keep the batch going
        return _err(item, stage, type(exc).__name__, str(exc)[:2000])
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def _err(item: WorkItem, stage: str, cls: str, message: str) -> dict:
    return {"ok": False, "path": item.path, "doc_id": item.doc_id, "stage": stage, "error_class": cls,
            "message": message}


# ------------------------------------------------------------------------------------------ progress

class _Progress:
    """A rich progress bar on stderr (rate, ETA, failures); silent when not a terminal or --quiet."""

    def __init__(self, total: int, quiet: bool):
        self.enabled = not quiet and sys.stderr.isatty()
        self.failed = 0
        if self.enabled:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)
            self.bar = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                                TextColumn("{task.fields[rate]}"), TextColumn("ETA"), TimeRemainingColumn(),
                                TextColumn("elapsed"), TimeElapsedColumn(),
                                TextColumn("[red]{task.fields[failed]} failed"), transient=False)
            self.bar.start()
            self.task = self.bar.add_task("batch", total=total, failed=0, rate="")
            self.t0 = time.perf_counter()
            self.n = 0

    def advance(self, ok: bool) -> None:
        if not ok:
            self.failed += 1
        if self.enabled:
            self.n += 1
            rate = self.n / max(time.perf_counter() - self.t0, 1e-9)
            self.bar.update(self.task, advance=1, failed=self.failed, rate=f"{rate:.1f} docs/s")

    def close(self) -> None:
        if self.enabled:
            self.bar.stop()


# ------------------------------------------------------------------------------------------ engines

def _run_processes(items: Iterable, workers: int, timeout: Optional[float], memory_mb: Optional[int],
                   on_result) -> None:
    """Run ``process`` over items (consumed lazily: at most ``workers`` in flight) in worker processes;
    replace the pool when a worker dies or hangs."""
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    source = iter(items)
    pending: deque = deque()  # items to run again after a pool was replaced
    exhausted = False
    pool = None

    def take():
        nonlocal exhausted
        if pending:
            return pending.popleft()
        if not exhausted:
            item = next(source, None)
            if item is not None:
                return item, 0
            exhausted = True
        return None

    def new_pool():
        return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                   initargs=(memory_mb,))

    def kill(p):
        for proc in list(getattr(p, "_processes", {}).values()):
            try:
                proc.kill()
            except Exception:  # pragma: no cover
                pass
        p.shutdown(wait=False, cancel_futures=True)

    inflight: dict = {}
    try:
        pool = new_pool()
        while True:
            while len(inflight) < workers:
                nxt = take()
                if nxt is None:
                    break
                item, crashes = nxt
                inflight[pool.submit(process, item, timeout)] = (item, crashes, time.monotonic())
            if not inflight:
                break
            done, _ = wait(list(inflight), timeout=1.0, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                item, crashes, _ = inflight.pop(fut)
                try:
                    on_result(fut.result())
                except BrokenProcessPool:
                    broken = True
                    if crashes + 1 >= MAX_CRASHES:
                        on_result(_err(item, "worker", "WorkerDied",
                                       "the worker process died on this document (out of memory or a crash)"))
                    else:
                        pending.append((item, crashes + 1))
            if timeout:
                now = time.monotonic()
                stuck = [f for f, (_, _, t0) in inflight.items() if now - t0 > timeout + WATCHDOG_GRACE]
                if stuck:
                    for f in stuck:
                        item, _, _ = inflight.pop(f)
                        on_result(_err(item, "timeout", "Timeout",
                                       f"took longer than the {timeout:g} s limit per document (worker replaced)"))
                    broken = True
            if broken:  # requeue what was running, start a fresh pool
                for f, (item, crashes, _) in list(inflight.items()):
                    pending.appendleft((item, crashes))
                inflight.clear()
                kill(pool)
                pool = new_pool()
    finally:
        if pool is not None:
            if inflight:
                kill(pool)
            else:
                pool.shutdown(wait=True)


def _run_dask(items: Iterable, workers: int, timeout: Optional[float], scheduler: Optional[str], on_result) -> None:
    """The same batch on dask.distributed: a LocalCluster, or the cluster at ``scheduler``."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - dask is an extra
        from extractor.core.errors import ExtractorError
        raise ExtractorError(None, "the dask engine needs dask[distributed]: pip install 'extractor[dask]'") from exc
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        source = iter(items)
        limit = max(2, 2 * workers)  # bounded submission: the parent holds a few documents, not the corpus
        owner = {}
        queue = as_completed()
        for item in source:
            fut = client.submit(process, item, timeout=timeout, pure=False)
            owner[fut.key] = item
            queue.add(fut)
            if len(owner) >= limit:
                break
        for fut in queue:
            item = owner.pop(fut.key)
            try:
                on_result(fut.result())
            except Exception as exc:  # a worker lost: the document is an error row
                on_result(_err(item, "worker", type(exc).__name__, str(exc)[:2000]))
            fut.release()
            nxt = next(source, None)
            if nxt is not None:
                f2 = client.submit(process, nxt, timeout=timeout, pure=False)
                owner[f2.key] = nxt
                queue.add(f2)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _serial(items: Iterable, timeout: Optional[float], on_result) -> None:
    for item in items:
        on_result(process(item, timeout))


# ------------------------------------------------------------------------------------------ batch

def run_batch(inputs: Iterable, out_dir, workers: Optional[int] = None, engine: str = "processes",
              scheduler: Optional[str] = None, timeout: Optional[float] = DEFAULT_TIMEOUT,
              memory_mb: Optional[int] = DEFAULT_MEMORY_MB, retry_errors: bool = False,
              text_column: Optional[str] = None, id_column: Optional[str] = None, quiet: bool = False,
              parquet: bool = True) -> Summary:
    """Extract every input into ``out_dir`` (``extractor.duckdb`` + ``parquet/``); see the module docstring.

    Inputs already in the store (same ``doc_id``) are skipped; inputs that failed before are skipped too
    unless ``retry_errors``. ``workers`` defaults to the machine's cores; documents always run in worker
    processes under the memory limit (``memory_mb=None`` with one worker runs them in this process).
    """
    t0 = time.perf_counter()
    summary = Summary()
    workers = workers or os.cpu_count() or 1
    with Store(out_dir) as store:
        done = store.done_ids()
        failed = store.failed_paths()

        def plan():
            """``(item, error_result)`` for every input, skipping what is done (or failed, unless retried)."""
            for item in iter_inputs(inputs, text_column=text_column, id_column=id_column):
                if item.error is not None and not retry_errors and item.path in failed:
                    yield None, None  # failed before (a broken corpus row): recorded already
                    continue
                if item.error is not None:
                    yield item, _err(item, getattr(item.error, "stage", "ingest"), type(item.error).__name__,
                                     getattr(item.error, "cause", str(item.error)))
                    continue
                if item.doc_id is None and item.text is None:
                    item.doc_id = file_hash(item.path)
                if item.doc_id is not None and item.doc_id in done:
                    yield None, None
                elif not retry_errors and item.path in failed and (failed[item.path] in (None, item.doc_id)):
                    yield None, None
                else:
                    yield item, None

        # pass 1 counts (texts of tabular corpora are read and dropped); pass 2 streams the work, so the
        # parent holds a few documents at a time, whatever the corpus size
        n_todo = 0
        for item, err in plan():
            summary.total += 1
            if item is None:
                summary.skipped += 1
            else:
                n_todo += 1
        progress = _Progress(n_todo, quiet)
        early_errors: list = []

        def work():
            seen = set()
            for item, err in plan():
                if err is not None:
                    early_errors.append(err)
                elif item is not None and (item.doc_id is None or item.doc_id not in seen):
                    seen.add(item.doc_id)
                    yield item

        def on_result(res: dict) -> None:
            try:
                if res["ok"]:
                    store.write_document(res["out"], res["path"], res.get("seconds", 0.0))
                else:
                    store.write_error(res["path"], res.get("doc_id"), res["stage"], res["error_class"],
                                      res["message"])
            except Exception as exc:  # disk full, read-only, I/O error: stop, keep what was committed
                raise StoreFailed(store.path, exc, res["path"]) from exc
            if res["ok"]:
                summary.done += 1
                summary.chars += len(res["out"].get("text") or "")
            else:
                summary.failed += 1
                summary.errors.append(res)
            progress.advance(res["ok"])

        failure: Optional[StoreFailed] = None
        try:
            if n_todo == 0:
                pass
            elif engine == "dask":
                _run_dask(work(), workers, timeout, scheduler, on_result)
            elif (workers <= 1 or n_todo == 1) and not memory_mb:
                _serial(work(), timeout, on_result)  # no memory limit asked: in this process
            else:
                _run_processes(work(), workers, timeout, memory_mb, on_result)
            for res in early_errors:
                on_result(res)
        except StoreFailed as exc:
            failure = exc
        finally:
            progress.close()
            if parquet and failure is None:
                try:
                    store.export_parquet()
                except OSError as exc:
                    failure = StoreFailed(store.dir / "parquet", exc, None)
    summary.seconds = time.perf_counter() - t0
    if failure is not None:
        failure.summary = summary
        raise failure
    summary.seconds = time.perf_counter() - t0
    return summary
