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
from extractor.batch.store import Store, StoreFailed
from extractor.core.errors import ExtractorError

DEFAULT_TIMEOUT = 300.0  # seconds per document
DEFAULT_MEMORY_MB = 4096  # address-space limit per worker
WATCHDOG_GRACE = 30.0  # seconds past the time limit before the parent replaces a stuck worker
MAX_CRASHES = 2  # a document that kills its worker this often is an error row
IN_FLIGHT = 4  # documents given to the pool per worker (one running, the rest queued)
SNAPSHOT_SECONDS = 60.0  # a running batch refreshes its Parquet snapshot this often (at the most)
SNAPSHOT_COST_RATIO = 10.0  # … and waits at least this many times as long as the last snapshot took


@dataclass
class Summary:
    total: int = 0
    done: int = 0
    skipped: int = 0
    duplicates: int = 0
    failed: int = 0
    seconds: float = 0.0
    chars: int = 0
    errors: list = field(default_factory=list)

    @property
    def docs_per_s(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (f"{self.total} inputs: {self.done} extracted, {self.skipped} already done, "
                f"{self.duplicates} duplicates of others, {self.failed} failed "
                f"in {self.seconds:.1f} s ({self.docs_per_s:.1f} docs/s, "
                f"{self.chars / max(self.seconds, 1e-9) / 1e3:,.0f} k chars/s)")


# ------------------------------------------------------------------------------------------ workers

class _Timeout(BaseException):  # not an Exception: no stage may catch it and call it a stage failure
    pass


def _on_alarm(signum, frame):  # pragma: no cover - runs in a worker
    raise _Timeout()


def die_with_parent(parent_pid: Optional[int] = None) -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux ``PR_SET_PDEATHSIG``); if the parent
    is already gone (it died before the call), exit now. False where the call is not available."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        ok = libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return False
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)
    return ok


def _init_worker(memory_mb: Optional[int], parent_pid: Optional[int] = None) -> None:
    """Worker start: die with the parent, memory limit, default SIGINT handling left to the parent."""
    from extractor.core.isolate import set_memory_limit
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent_pid)
    set_memory_limit(memory_mb)


def process(item: WorkItem, timeout: Optional[float] = DEFAULT_TIMEOUT, settings=None) -> dict:
    """Extract one WorkItem with ``settings`` (the batch's one Settings, pickled to the worker; None: from the
    environment); returns ``{"ok": True, "out": store.pack(json), ...}`` or an error record. Never raises."""
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
            report = pipeline.run(doc, settings)
        elif item.data is not None:
            from extractor.ingest import load
            doc = load(item.path, data=item.data, suffix=item.prov.get("suffix"), settings=settings)
            doc.meta = dict(doc.meta or {}, **item.meta)
            stage = "extract"
            report = pipeline.run(doc, settings)
        else:
            report = pipeline.extract(item.path, settings)
        out = report.to_dict()
        out["meta"] = dict(report.document.meta or {}, timings=report.timings)
        out["page_starts"] = list(report.document.page_starts or []) or None
        from extractor.batch.dedup import key_and_fingerprint
        from extractor.batch.store import pack
        out["text_sha256"], out["fingerprint"] = key_and_fingerprint(out.get("text") or "")
        seconds = time.perf_counter() - t0
        stage = "store"
        # the store's rows are built here, in the worker, and travel as Arrow: the parent only inserts them
        return {"ok": True, "path": item.path, "doc_id": item.doc_id, "out": pack(out), "seconds": seconds}
    except _Timeout:
        return _err(item, "timeout", "Timeout", f"took longer than the {timeout:g} s limit per document")
    except MemoryError:
        return _err(item, "memory", "MemoryError", "ran out of memory (the worker's memory limit)")
    except errors.ExtractorError as exc:
        return _err(item, getattr(exc, "stage", stage), type(exc).__name__, exc.cause)
    except Exception as exc:  # a bug: record it, keep the batch going
        from extractor.core.isolate import out_of_memory
        if out_of_memory(exc):  # a native library's failed allocation (ONNX Runtime's std::bad_alloc)
            return _err(item, "memory", "MemoryError", "ran out of memory (the worker's memory limit)")
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

def _run_processes(items: Iterable, workers: int, timeout: Optional[float], memory_mb: Optional[int], settings,
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
                                   initargs=(memory_mb, os.getpid()))

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
            while len(inflight) < IN_FLIGHT * workers:  # queued behind each running one: while the parent
                if any(c for _, c, _ in inflight.values()):  # commits a group, no worker waits for work
                    break  # a suspect runs alone: if the pool breaks again, it is the one that broke it
                nxt = take()
                if nxt is None:
                    break
                item, crashes = nxt
                if crashes and inflight:  # in flight when a worker died: wait for the pool to be empty
                    pending.appendleft(nxt)
                    break
                # the watchdog's clock: a queued item may first wait for those queued before it
                limit = (timeout or 0) * (1 + len(inflight) // workers)
                inflight[pool.submit(process, item, timeout, settings)] = (item, crashes, time.monotonic() + limit)
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
                stuck = [f for f, (_, _, due) in inflight.items() if now > due + WATCHDOG_GRACE]
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


def _run_dask(items: Iterable, workers: int, timeout: Optional[float], scheduler: Optional[str], on_result,
              settings=None) -> None:
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
            fut = client.submit(process, item, timeout=timeout, settings=settings, pure=False)
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
                f2 = client.submit(process, nxt, timeout=timeout, settings=settings, pure=False)
                owner[f2.key] = nxt
                queue.add(f2)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _serial(items: Iterable, timeout: Optional[float], on_result, settings=None) -> None:
    for item in items:
        on_result(process(item, timeout, settings))


# ------------------------------------------------------------------------------------------ batch

def run_batch(inputs: Iterable, out_dir, workers: Optional[int] = None, engine: str = "processes",
              scheduler: Optional[str] = None, timeout: Optional[float] = DEFAULT_TIMEOUT,
              memory_mb: Optional[int] = DEFAULT_MEMORY_MB, retry_errors: bool = False,
              text_column: Optional[str] = None, id_column: Optional[str] = None, quiet: bool = False,
              parquet: bool = True, url_column: Optional[str] = None, fetcher=None, settings=None,
              dedup: bool = True) -> Summary:
    """Extract every input into ``out_dir`` (``extractor.duckdb`` + ``parquet/``); see the module docstring.

    Inputs already in the store (same ``doc_id``) are skipped; inputs that failed before are skipped too
    unless ``retry_errors``. ``workers`` defaults to the machine's cores; documents always run in worker
    processes under the memory limit (``memory_mb=None`` with one worker runs them in this process).
    URLs are fetched here, in the parent, one at a time per host (``fetcher``: an
    :class:`~extractor.ingest.fetch.Fetcher`, default a polite one); their bytes are kept in ``DIR/fetched/``.
    ``dedup=False``: no near-duplicate detection (each input with other bytes or text is stored as its own
    document).
    """
    inputs = list(inputs)
    stdin = None
    if any(str(i) == "-" for i in inputs):
        stdin = sys.stdin.buffer.read()
    t0 = time.perf_counter()
    summary = Summary()
    workers = workers or os.cpu_count() or 1
    from extractor.batch.dedup import Index, better_original
    with Store(out_dir) as store:
        store.snapshots = parquet
        if parquet and (not (store.dir / "parquet" / "documents.parquet").exists() or store.has_parts()):
            store.export_parquet()  # a first snapshot, so readers never meet a locked folder without one (or the
            # parts of a run that stopped before its last export, folded into whole tables)
        done = store.done_ids()
        failed = store.failed_paths()
        sources = store.sources()
        index = Index(store.fingerprints())

        def plan():
            """``(action, item, error)`` for every input: ``work``, ``skip`` (done before), ``dup`` (its bytes or
            text are a stored document's, from another input), ``error`` (cannot be read as documents)."""
            for item in iter_inputs(inputs, text_column=text_column, id_column=id_column, url_column=url_column,
                                    stdin=stdin):
                if item.error is not None and not retry_errors and item.path in failed:
                    yield "skip", item, None  # failed before (a broken corpus row): recorded already
                    continue
                if item.error is not None:
                    yield "error", item, _err(item, getattr(item.error, "stage", "ingest"), type(item.error).__name__,
                                              getattr(item.error, "cause", str(item.error)))
                    continue
                if item.doc_id is None and item.text is None and item.data is None:
                    item.doc_id = file_hash(item.path)
                if item.path in sources and (item.doc_id is None or sources[item.path] in (item.doc_id, None)):
                    yield "skip", item, None
                elif item.doc_id is not None and item.doc_id in done:
                    yield "dup", item, None
                elif not retry_errors and item.path in failed and (failed[item.path] in (None, item.doc_id)):
                    yield "skip", item, None
                else:
                    yield "work", item, None

        # pass 1 counts (texts of tabular corpora are read and dropped); pass 2 streams the work, so the
        # parent holds a few documents at a time, whatever the corpus size
        n_todo = sum(1 for action, _, _ in plan() if action == "work")
        progress = _Progress(n_todo, quiet)
        early_errors: list = []
        same_bytes: dict = {}  # doc_id → later inputs of this run with the same bytes / text
        outcome: dict = {}  # doc_id → the stored doc_id (itself or the one it duplicates), or the error result

        fetch_state = {"fetcher": fetcher}

        def fetch_item(item) -> bool:
            """Fetch a URL input: its bytes, provenance and raw copy in DIR/fetched/; False (an error row) on failure."""
            from extractor.core.errors import ExtractorError
            from extractor.ingest.fetch import Fetcher
            if fetch_state["fetcher"] is None:
                fetch_state["fetcher"] = Fetcher()
            try:
                got = fetch_state["fetcher"].fetch(item.prov["url"])
            except ExtractorError as exc:
                early_errors.append(_err(item, getattr(exc, "stage", "fetch"), type(exc).__name__, exc.cause))
                return False
            import hashlib
            item.data = got.data
            item.doc_id = hashlib.sha256(got.data).hexdigest()
            raw = store.dir / "fetched" / f"{item.doc_id}{got.suffix or '.bin'}"
            raw.parent.mkdir(exist_ok=True)
            if not raw.exists():
                tmp = raw.with_name("." + raw.name + ".tmp")
                tmp.write_bytes(got.data)
                os.replace(tmp, raw)
            item.prov.update(got.provenance(), raw_path=str(raw), suffix=got.suffix)
            return True

        def work():
            seen = set()
            for action, item, err in plan():
                summary.total += 1
                if action == "error":
                    early_errors.append(err)
                elif action == "skip":
                    summary.skipped += 1
                elif action == "dup":
                    store.add_source(item.doc_id, item.path, "duplicate", 1.0, item.source_row())
                    sources[item.path] = item.doc_id
                    summary.duplicates += 1
                elif item.prov.get("url") and item.data is None and not fetch_item(item):
                    continue  # the fetch failed: an error row
                elif item.doc_id is not None and item.doc_id in done:
                    store.add_source(item.doc_id, item.path, "duplicate", 1.0, item.source_row())
                    sources[item.path] = item.doc_id
                    summary.duplicates += 1
                elif item.doc_id is not None and item.doc_id in seen:
                    same_bytes.setdefault(item.doc_id, []).append(item)
                else:
                    if item.doc_id is not None:
                        seen.add(item.doc_id)
                    yield item

        provenance: dict = {}
        next_snapshot = [time.monotonic() + SNAPSHOT_SECONDS]

        def on_result(res: dict) -> None:
            try:
                _write_result(res)
                if parquet and time.monotonic() > next_snapshot[0]:
                    t_export = time.monotonic()
                    store.export_parquet(incremental=True)  # readers (query, compare) read this while the
                    # database is locked; the large tables get the rows stored since the last snapshot
                    took = time.monotonic() - t_export
                    # a snapshot costs time in proportion to the store: never more than a tenth of the run
                    next_snapshot[0] = time.monotonic() + max(SNAPSHOT_SECONDS, SNAPSHOT_COST_RATIO * took)
            except StoreFailed as exc:
                if exc.doc is None and exc.__cause__ is not None:  # a group commit failed: name the document
                    raise StoreFailed(store.path, exc.__cause__, res["path"]) from exc.__cause__
                raise
            except Exception as exc:  # disk full, read-only, I/O error: stop, keep what was committed
                raise StoreFailed(store.path, exc, res["path"]) from exc
            progress.advance(res["ok"])

        def _write_result(res: dict) -> None:
            if res["ok"]:
                out = res["out"]
                d = out["document"]
                region = d.get("region") or {}
                hit = index.find(out.get("text_sha256"), out.get("fingerprint"),
                                 d.get("year"), region.get("code")) if dedup else None
                if hit and hit[0] != d["id"] and better_original(d.get("format"), index.formats.get(hit[0])):
                    # the same report in a better format (a text file over its PDF): it becomes the original
                    store.write_document(out, res["path"], res.get("seconds", 0.0), provenance.pop(res["path"], None),
                                         supersedes=hit)
                    this_run = hit[0] in outcome.values()
                    index.remove(hit[0])
                    index.add(d["id"], out.get("text_sha256"), out.get("fingerprint"),
                              d.get("year"), region.get("code"), d.get("title"), d.get("format"))
                    for k, v in list(outcome.items()):
                        if v == hit[0]:
                            outcome[k] = d["id"]
                    outcome[d["id"]] = d["id"]
                    if this_run:  # the input extracted before in this run is now the duplicate
                        summary.duplicates += 1
                    else:  # the original came from an earlier run: this input is extracted
                        summary.done += 1
                    summary.chars += out.get("chars", len(out.get("text") or ""))
                elif hit and hit[0] != d["id"]:
                    store.add_source(hit[0], res["path"], "duplicate", hit[1], provenance.pop(res["path"], None))
                    summary.duplicates += 1
                    outcome[d["id"]] = hit[0]
                else:
                    store.write_document(out, res["path"], res.get("seconds", 0.0), provenance.pop(res["path"], None))
                    index.add(d["id"], out.get("text_sha256"), out.get("fingerprint"),
                              d.get("year"), region.get("code"), d.get("title"), d.get("format"))
                    summary.done += 1
                    summary.chars += out.get("chars", len(out.get("text") or ""))
                    outcome[d["id"]] = d["id"]
                if res.get("doc_id") and res["doc_id"] != d["id"]:
                    outcome[res["doc_id"]] = outcome[d["id"]]
            else:
                store.write_error(res["path"], res.get("doc_id"), res["stage"], res["error_class"], res["message"])
                summary.failed += 1
                summary.errors.append(res)
                if res.get("doc_id"):
                    outcome[res["doc_id"]] = res

        def with_provenance(items):
            for item in items:
                provenance[item.path] = item.source_row()
                yield item

        failure: Optional[StoreFailed] = None
        try:
            if n_todo == 0:
                for _ in work():  # count the skipped and duplicate inputs
                    pass
            elif engine == "dask":
                _run_dask(with_provenance(work()), workers, timeout, scheduler, on_result, settings)
            elif (workers <= 1 or n_todo == 1) and not memory_mb:
                _serial(with_provenance(work()), timeout, on_result, settings)  # no memory limit asked: in this process
            else:
                _run_processes(with_provenance(work()), workers, timeout, memory_mb, settings, on_result)
            for res in early_errors:
                on_result(res)
            for doc_id, items in same_bytes.items():  # the same bytes given again in this run
                got = outcome.get(doc_id)
                for item in items:
                    if isinstance(got, str):
                        store.add_source(got, item.path, "duplicate", 1.0, item.source_row())
                        summary.duplicates += 1
                    else:  # its twin failed (or never ran): the same error, a row of its own
                        res = dict(got) if isinstance(got, dict) else _err(item, "worker", "NotRun", "not extracted")
                        res["path"] = item.path
                        store.write_error(item.path, doc_id, res["stage"], res["error_class"], res["message"])
                        summary.failed += 1
                        summary.errors.append(res)
        except StoreFailed as exc:
            failure = exc
        finally:
            progress.close()
            try:
                if failure is None:
                    store.flush()  # the last group commit
                if parquet and failure is None:
                    store.export_parquet()
            except StoreFailed as exc:
                failure = exc
            except OSError as exc:
                failure = StoreFailed(store.dir / "parquet", exc, None)
            if failure is not None:  # the documents of a group that failed to commit were counted as extracted
                summary.done = min(summary.done, max(0, store.stored_documents() - len(done)))
    summary.seconds = time.perf_counter() - t0
    if failure is not None:
        failure.summary = summary
        raise failure
    summary.seconds = time.perf_counter() - t0
    return summary
