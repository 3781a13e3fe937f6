"""Where independent plans run: a local process pool, or a Dask distributed cluster — one seam for both.

What-if scenarios, seed races, attrition runs and (with the staged solve) the
sites of a big team are independent searches. Each is a task: a plain
function and its pickled arguments — the config and the requirements, never
a CP-SAT object (they do not pickle) — that builds its model where it runs.
The seam is an ordinary `concurrent.futures.Executor`:

- by default a `ProcessPoolExecutor` with as many processes as the cores
  hold tasks of the threads each reserves (`search_threads`: one CP-SAT
  worker is one thread; `workers=0` would take the whole host);
- with `--cluster tcp://HOST:8786` (or COVPLAN_CLUSTER) Dask distributed's
  `Client.get_executor()`: the same tasks on a scheduler's workers. When the
  workers declare a `threads` resource (`dask worker ... --resources
  threads=16`) each task reserves its threads there too. A worker that dies
  mid-task loses nothing: the scheduler runs the task again elsewhere, and a
  deterministic search gives the same roster byte for byte.

A scheduler that cannot be reached is one line and exit 2 before any work
starts (ClusterUnreachable). `run_tasks` collects results as they finish;
Ctrl-C cancels what has not finished and keeps what has.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from coverage.errors import CoverageError

CLUSTER_ENV = "COVPLAN_CLUSTER"
CONNECT_SECONDS = 10.0  # how long to wait for a scheduler before saying it cannot be reached
THREADS_RESOURCE = "threads"  # the Dask worker resource a task reserves its CP-SAT threads from, when workers declare it

Job = TypeVar("Job")
Result = TypeVar("Result")


class ClusterUnreachable(CoverageError):
    """The Dask scheduler named by --cluster or COVPLAN_CLUSTER does not answer (exit 2, before any work)."""


def cluster_address(flag: str | None) -> str | None:
    """--cluster when given, else COVPLAN_CLUSTER, else None (the local process pool)."""
    address = flag if flag is not None else os.environ.get(CLUSTER_ENV)
    return address.strip() or None if address is not None else None


def local_processes(threads_per_task: int, tasks: int | None = None) -> int:
    """Processes of the local pool: as many tasks as the cores hold at `threads_per_task` each, at least one."""
    fit = max(1, (os.cpu_count() or 1) // max(threads_per_task, 1))
    return max(1, min(fit, tasks)) if tasks else fit


@contextmanager
def open_executor(
    cluster: str | None = None, *, threads_per_task: int = 1, tasks: int | None = None, connect_seconds: float | None = None
) -> Iterator[Executor]:
    """The executor tasks go to: Dask at `cluster` when given, else a local process pool sized to the cores.

    On leaving, unfinished tasks are cancelled and the pool or the client is
    closed; what the caller collected is kept.
    """
    if cluster:
        with _dask_executor(cluster, threads_per_task, connect_seconds or CONNECT_SECONDS) as executor:
            yield executor
        return
    pool = ProcessPoolExecutor(max_workers=local_processes(threads_per_task, tasks), initializer=_ignore_ctrl_c_when_idle)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _ignore_ctrl_c_when_idle() -> None:
    """In a pool process: Ctrl-C reaches the whole process group; an idle process ignores it.

    A process that is searching hears it all the same: the search runner
    installs its own handler for the search (stop CP-SAT, keep the best
    roster), so a running task ends promptly and the pool closes cleanly.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _dask_executor(address: str, threads_per_task: int, connect_seconds: float) -> Iterator[Executor]:
    try:
        from distributed import Client
    except ImportError:
        raise CoverageError("--cluster needs Dask distributed (expected it installed: pip install 'covplan[cluster]')") from None
    try:
        client = Client(address, timeout=f"{connect_seconds}s", set_as_default=False)
    except Exception as exc:  # OSError, TimeoutError, ValueError for a malformed address: each means no scheduler there
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ClusterUnreachable(
            f"cannot reach the Dask scheduler at {address} ({reason}); start one with `dask scheduler` and workers with "
            f"`dask worker {address} --nthreads N`, or check --cluster / {CLUSTER_ENV} (see docs/sweep.md)"
        ) from None
    try:
        options: dict[str, Any] = {"pure": False}
        most = _declared_threads(client)
        if most is not None:
            if threads_per_task > most:
                raise CoverageError(
                    f"each task needs {threads_per_task} threads and the workers at {address} declare at most {most} "
                    f"(`--resources {THREADS_RESOURCE}={most}`): no worker could ever run it; pass a smaller --workers "
                    f"(1 needs one thread) or start workers that declare more"
                )
            options["resources"] = {THREADS_RESOURCE: threads_per_task}
        executor = client.get_executor(**options)
        try:
            yield executor
        finally:
            executor.shutdown(wait=False)  # cancels the tasks still pending or running
    finally:
        client.close()


def _declared_threads(client: Any) -> float | None:
    """The most `threads` any worker declares, when every worker declares them (None: tasks reserve nothing)."""
    workers = list(client.scheduler_info().get("workers", {}).values())
    if not workers or not all(THREADS_RESOURCE in (w.get("resources") or {}) for w in workers):
        return None
    return max(w["resources"][THREADS_RESOURCE] for w in workers)


@dataclass(frozen=True)
class Batch(Generic[Result]):
    """Results in the order of the jobs; None for a job that had not finished when Ctrl-C came."""

    results: list[Result | None]
    interrupted: bool = False


def run_tasks(
    executor: Executor, task: Callable[[Job], Result], jobs: Sequence[Job], on_done: Callable[[int, Result], None] | None = None
) -> Batch[Result]:
    """Submit every job, hand each result to `on_done` as it finishes (any order), return them in job order.

    Ctrl-C cancels the tasks not started and returns what finished
    (`interrupted`); on this machine's own process pool the running tasks
    heard it too (their searches stop with the best roster so far), so their
    results are waited for and kept. A task that raises cancels the rest
    and raises here.
    `task` must be a module-level function (it is pickled by name).
    """
    futures: dict[Future[Result], int] = {executor.submit(task, job): k for k, job in enumerate(jobs)}
    results: list[Result | None] = [None] * len(jobs)
    try:
        for future in as_completed(futures):
            k = futures[future]
            results[k] = future.result()
            if on_done is not None:
                on_done(k, results[k])  # type: ignore[arg-type]
    except KeyboardInterrupt:
        _cancel(futures)
        if isinstance(executor, ProcessPoolExecutor):
            _keep_running(futures, results, on_done)
        return Batch(results, interrupted=True)
    except BaseException:
        _cancel(futures)
        raise
    return Batch(results)


def _keep_running(
    futures: dict[Future[Result], int], results: list[Result | None], on_done: Callable[[int, Result], None] | None
) -> None:
    """The results of the tasks that were running at a Ctrl-C (a second Ctrl-C stops waiting for them)."""
    try:
        for future, k in futures.items():
            if results[k] is None and not future.cancelled():
                try:
                    results[k] = future.result()
                except Exception:
                    continue
                if on_done is not None:
                    on_done(k, results[k])  # type: ignore[arg-type]
    except KeyboardInterrupt:
        pass


def _cancel(futures: dict[Future[Any], int]) -> None:
    for future in futures:
        future.cancel()


def task_workers(workers: int, tasks: int, cluster: bool) -> int:
    """CP-SAT workers of each of `tasks` tasks: `workers` when the user chose (not 0); else a share of the cores.

    `workers=0` means "every core" to one search; for many tasks at once it
    would make each take the whole host. Locally the cores are shared among
    the tasks; on a cluster, whose machines we do not know, each task takes
    one thread (say `--workers N` to give each more).
    """
    if workers:
        return workers
    if cluster:
        return 1
    from coverage.solve.runner import MIN_THREADS

    share = (os.cpu_count() or 1) // max(tasks, 1)
    # A search of 2 to 7 workers runs at least MIN_THREADS threads (runner.search_threads): a share below that would
    # leave room for fewer tasks at once than asked for. One thread each lets them all run side by side.
    return share if tasks <= 1 or share >= MIN_THREADS else 1
