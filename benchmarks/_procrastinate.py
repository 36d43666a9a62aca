"""The reference: the same drain done by procrastinate (PostgreSQL job queue)
with as many worker processes, each job one fetch and one finish."""

from __future__ import annotations

import multiprocessing
import time

import procrastinate


def _conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _app(url: str) -> procrastinate.App:
    app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(conninfo=_conninfo(url)))

    @app.task(name="bench_job", queue="bench")
    def bench_job(n: int) -> None:
        return None

    return app


def _worker(url: str, concurrency: int) -> None:
    import asyncio

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=_conninfo(url)))

    @app.task(name="bench_job", queue="bench")
    async def bench_job(n: int) -> None:
        return None

    async def run() -> None:
        async with app.open_async():
            await app.run_worker_async(queues=["bench"], wait=False, concurrency=concurrency,
                                       install_signal_handlers=False)

    asyncio.run(run())


def run_procrastinate(url: str, items: int, workers: int) -> dict:
    app = _app(url)
    with app.open():
        app.schema_manager.apply_schema()
        started = time.perf_counter()
        task = app.tasks["bench_job"]
        for number in range(items):
            task.defer(n=number)
        enqueue_rate = items / (time.perf_counter() - started)
    ctx = multiprocessing.get_context("spawn")
    processes = [ctx.Process(target=_worker, args=(url, 1)) for _ in range(workers)]
    started = time.perf_counter()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    with app.open():
        with app.connector.get_sync_connection() if hasattr(app.connector, "get_sync_connection") else _nullcontext() as _:
            pass
    return {"enqueue_per_s": round(enqueue_rate), "jobs_per_s": round(items / elapsed),
            "note": "includes worker process start (~1 s)"}


class _nullcontext:
    def __enter__(self):  # noqa: ANN204
        return None

    def __exit__(self, *exc):  # noqa: ANN002, ANN204
        return False
