"""Posting throughput against Tryton on PostgreSQL: one invoice per transaction
versus batched, with 1, 2 and 4 worker threads.

    .venv/bin/python benchmarks/bench_erp.py [--n 200] [--n-per-invoice 40]  (about 25 min)
                                             [--workers 1 2 4] [--rounds 3]

(a) ``raw``: JSON-RPC calls written out here, straight over httpx (no clerk code
    in the posting path): the ERP's own ceiling. ``per_invoice``: create + post
    one invoice per call; ``batched``: workers create drafts 50 per call and one
    poster posts them 50 per call (clerk's layout); ``batched_each_worker_posts``:
    every worker posts its own batches (shows the sequence-lock contention).
(b) ``through_clerk``: the same N invoices through clerk's queue, running
    `clerk worker` processes and the Tryton connector (see _erp_through_clerk).

Each figure is the median of ``--rounds`` rounds; within a round raw and clerk
run one after the other, so a change in the machine's load hits both alike (on
a shared 2-core machine single runs moved by 10 to 15 %). Every sample is kept
in the results under ``erp_tryton_pg.samples``.

Results are merged into benchmarks/results/erp.json (other keys are kept).
Needs PostgreSQL at 127.0.0.1:5432 (trust auth, user postgres) and trytond.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import os
import platform
import queue
import random
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from clerk.erp.tryton import bootstrap, serve

PG_URL = "postgresql://postgres@127.0.0.1:5432/"
TEMPLATE = "clerk_bench_erp_template"
RESULTS = REPO / "benchmarks" / "results" / "erp.json"
WORK_DIR = REPO / "var" / "bench-erp"
BATCH = 50


class RawTryton:
    """The bare JSON-RPC protocol: login, then POST {method, params} with a session."""

    def __init__(self, url: str, database: str, password: str):
        self.endpoint = f"{url}/{database}/rpc/"
        self.client = httpx.Client(timeout=300)
        uid, token = self._post("common.db.login", ["admin", {"password": password}, "en"])[:2]
        self.auth = "Session " + base64.b64encode(f"admin:{uid}:{token}".encode()).decode()
        self.context = self.call("model.res.user.get_preferences", True)

    retries = 0                      # 503s (sequence lock still taken after trytond's retries)

    def _post(self, method, params, auth=None):
        headers = {"Authorization": auth} if auth else {}
        for attempt in range(30):
            reply = self.client.post(self.endpoint, json={"id": 1, "method": method,
                                                          "params": params}, headers=headers)
            if reply.status_code != 503:
                break
            RawTryton.retries += 1   # rolled back by the server: safe to send again
            time.sleep(random.uniform(0, min(0.05 * 2 ** attempt, 2.0)))
        reply.raise_for_status()
        payload = reply.json()
        if payload.get("error"):
            raise RuntimeError(f"{method}: {payload['error']}")
        return payload["result"]

    def call(self, method, *args):
        context = getattr(self, "context", {})
        return self._post(method, [*args, context], self.auth)


def _ids(rpc: RawTryton) -> dict:
    """What a supplier invoice needs, read once (the connector does the same)."""
    def one(model, domain, field="id"):
        return rpc.call(f"model.{model}.search_read", domain, 0, 1, None, [field])[0][field]
    party = one("party.party", [("code", "=", "ACME")])
    config, = rpc.call("model.account.configuration.read", [1],
                       ["default_account_payable", "default_category_account_expense"])
    return {
        "company": rpc.context["company"], "party": party,
        "address": one("party.address", [("party", "=", party)]),
        "payable": config["default_account_payable"],
        "expense": config["default_category_account_expense"],
        "journal": one("account.journal", [("type", "=", "expense")]),
        "currency": one("currency.currency", [("code", "=", "EUR")]),
        "unit": one("product.uom", [("symbol", "=", "u")]),
        "tax": one("account.tax", [("name", "=", "VAT 19%")]),
        "product": one("product.product", [("code", "=", "PAPER-A4")]),
    }


def _invoice(ids: dict, label: str) -> dict:
    today = datetime.date.today()
    return {
        "company": ids["company"], "type": "in", "party": ids["party"],
        "invoice_address": ids["address"], "account": ids["payable"],
        "journal": ids["journal"], "currency": ids["currency"], "reference": label,
        "description": f"clerk:bench-{label}",
        "invoice_date": {"__class__": "date", "year": today.year, "month": today.month,
                         "day": today.day},
        "lines": [["create", [{
            "type": "line", "product": ids["product"], "description": "Copy paper",
            "quantity": 10.0, "unit": ids["unit"], "account": ids["expense"],
            "unit_price": {"__class__": "Decimal", "decimal": "4.20"},
            "taxes": [["add", [ids["tax"]]]]}]]],
    }


def _run_workers(server, password, n, workers, share_fn) -> float:
    """Split n invoices over ``workers`` threads (one RPC session each); posted/s.
    ``share_fn`` may carry a ``poster(rpc)`` to run beside the workers (on its own
    session), whose end marks the end of the run."""
    sessions = [RawTryton(server.url, server.database, password) for _ in range(workers)]
    poster = getattr(share_fn, "poster", None)
    poster_session = RawTryton(server.url, server.database, password) if poster else None
    ids = _ids(sessions[0])
    run = f"{time.time_ns()}"
    shares = [list(range(w, n, workers)) for w in range(workers)]
    errors: list[BaseException] = []

    def work(rpc, share):
        try:
            share_fn(rpc, [_invoice(ids, f"{run}-{i}") for i in share])
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
    threads = [threading.Thread(target=work, args=(s, share))
               for s, share in zip(sessions, shares)]
    if poster:
        threads.append(threading.Thread(target=poster, args=(poster_session, workers)))
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    posted = sessions[0].call("model.account.invoice.search_count",
                              [("reference", "like", f"{run}-%"), ("state", "=", "posted")])
    assert posted == n, f"{posted} of {n} posted"
    return n / elapsed


def per_invoice(rpc: RawTryton, invoices: list[dict]) -> None:
    """One invoice per transaction: create it, post it."""
    for values in invoices:
        invoice_id, = rpc.call("model.account.invoice.create", [values])
        rpc.call("model.account.invoice.post", [invoice_id])


def batched_each_worker_posts(rpc: RawTryton, invoices: list[dict]) -> None:
    """BATCH drafts per create call, then the same worker posts them in one call
    (concurrent posts then fight over the invoice sequence lock)."""
    for start in range(0, len(invoices), BATCH):
        ids = rpc.call("model.account.invoice.create", invoices[start:start + BATCH])
        rpc.call("model.account.invoice.post", ids)


class SinglePoster:
    """clerk's layout: workers create drafts (BATCH per call) in parallel and hand
    their ids to one poster, which posts them BATCH per call; posting is serial
    in the ERP anyway, so one poster never fights for the sequence lock."""

    def __init__(self):
        self.drafts: queue.Queue = queue.Queue()

    def __call__(self, rpc: RawTryton, invoices: list[dict]) -> None:
        try:
            for start in range(0, len(invoices), BATCH):
                self.drafts.put(rpc.call("model.account.invoice.create",
                                         invoices[start:start + BATCH]))
        finally:
            self.drafts.put(None)              # this worker is done (or failed)

    def poster(self, rpc: RawTryton, workers: int) -> None:
        pending: list[int] = []
        finished = 0
        while finished < workers or pending:
            if finished < workers:
                ids = self.drafts.get()
                if ids is None:
                    finished += 1
                else:
                    pending.extend(ids)
            if len(pending) >= BATCH or (finished == workers and pending):
                batch, pending = pending[:BATCH], pending[BATCH:]
                rpc.call("model.account.invoice.post", batch)


def bench_through_clerk(server, password: str, n: int, workers: int, n_per_invoice: int) -> dict:
    """(b) the same invoices through clerk's queue, `clerk worker` processes and
    the Tryton connector: one invoice per posting call, and batched."""
    from benchmarks._erp_through_clerk import through_clerk

    per_invoice, per_invoice_start = through_clerk(server, password, n_per_invoice, workers, 1,
                                                   WORK_DIR)
    batched, batched_start = through_clerk(server, password, n, workers, BATCH, WORK_DIR)
    return {"per_invoice": round(per_invoice, 2), "batched": round(batched, 2),
            "worker_start_seconds": round(max(per_invoice_start, batched_start), 2)}


def _measure_rounds(server, password: str, args, n_per_invoice: int) -> dict:  # noqa: ANN001
    """Every figure ``args.rounds`` times, raw and through clerk in turn, so a
    change in the machine's load falls on both alike."""
    raw: dict = {"per_invoice": {}, "batched": {}, "batched_each_worker_posts": {}}
    clerk: dict = {}
    for round_number in range(1, args.rounds + 1):
        for workers in args.workers:
            w = str(workers)
            for mode, share_fn, n in (
                    ("per_invoice", per_invoice, n_per_invoice),
                    ("batched", SinglePoster(), args.n),
                    ("batched_each_worker_posts", batched_each_worker_posts, args.n)):
                rate = _run_workers(server, password, n, workers, share_fn)
                raw[mode].setdefault(w, []).append(round(rate, 2))
                print(f"round {round_number} raw {mode:26s} workers={w}: {rate:7.2f}/s", flush=True)
            for mode, rate in bench_through_clerk(server, password, args.n, workers,
                                                  n_per_invoice).items():
                clerk.setdefault(w, {}).setdefault(mode, []).append(rate)
            print(f"round {round_number} clerk workers={w}: {clerk[w]}", flush=True)
    return {"raw": raw, "clerk": clerk}


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def _fresh_database(directory: Path) -> tuple[str, str]:
    """A new database copied from a bootstrapped template (built once, ~2 min)."""
    instance = bootstrap(directory / "template", world=REPO / "demo" / "world.toml",
                         database=TEMPLATE, database_url=PG_URL)
    database = f"clerk_bench_erp_{os.getpid()}"
    with psycopg.connect(PG_URL + "postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}" TEMPLATE "{TEMPLATE}"')
    return database, instance.password().get_secret_value()


def _merge_results(update: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing.update(update)
    RESULTS.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--n-per-invoice", type=int, default=40,
                        help="invoices for the one-per-transaction runs; they run at about "
                             "one per second, so a smaller N than --n saves many minutes")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--rounds", type=int, default=3,
                        help="raw and clerk are measured alternately this many times; "
                             "each figure is the median of its rounds")
    args = parser.parse_args()
    database, password = _fresh_database(WORK_DIR)
    config = WORK_DIR / "template" / "trytond.conf"
    from tests.fixtures.services import free_port
    server = serve(config, database, port=free_port())
    n_per_invoice = args.n_per_invoice
    try:
        samples = _measure_rounds(server, password, args, n_per_invoice)
    finally:
        server.stop()
        with psycopg.connect(PG_URL + "postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    raw = {mode: {w: _median(rates) for w, rates in by_workers.items()}
           for mode, by_workers in samples["raw"].items()}
    raw["speedup"] = {w: round(raw["batched"][w] / raw["per_invoice"][w], 1)
                      for w in raw["batched"]}
    clerk = {w: {mode: _median(rates) for mode, rates in modes.items()}
             for w, modes in samples["clerk"].items()}
    # b/a as time: how much longer clerk takes than the bare calls for the same N.
    ratio = round(raw["batched"]["1"] / clerk["1"]["batched"], 3) if "1" in clerk else None
    _merge_results({"ratio": ratio, "ratio_definition": "time through clerk / time of raw JSON-RPC, "
                    "1 worker, batched posting of N invoices",
                    "per_invoice": clerk and {w: r["per_invoice"] for w, r in clerk.items()},
                    "batched": clerk and {w: r["batched"] for w, r in clerk.items()},
                    "batched_over_per_invoice": {w: round(r["batched"] / r["per_invoice"], 2)
                                                 for w, r in clerk.items()},
                    "erp_tryton_pg": {
        "n": args.n, "n_per_invoice": n_per_invoice, "batch_size": BATCH,
        "server_retries_503": RawTryton.retries, "raw": raw, "through_clerk": clerk,
        "rounds": args.rounds, "samples": samples,
        "unit": "posted invoices per second", "cpus": os.cpu_count(),
        # The machine may be shared: a load above the CPU count slows every figure.
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(),
    }})
    print(json.dumps(raw, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
