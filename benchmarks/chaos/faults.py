"""The faults, one after another at random while work is left: workers
SIGKILLed in a chosen phase, the ERP hung (SIGSTOP) or killed and restarted,
and on PostgreSQL a worker's database connections terminated."""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter
from datetime import UTC, datetime
from collections.abc import Callable

import psycopg
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from clerk.project import Project

from benchmarks.chaos.erp import ChaosErp
from benchmarks.chaos.fleet import Fleet, Tuning
from benchmarks.chaos.observe import PHASES, PostingTurn, Recoveries, held_items, in_phase

PHASE_WAIT = 20.0      # seconds to wait for some worker to be in the wanted phase
OBSERVATION_ERRORS = (SQLAlchemyError, sqlite3.Error, psycopg.Error)
PAUSE_MIN, PAUSE_MAX = 1.0, 30.0   # seconds between two faults
REPORT_EVERY = 30.0    # seconds between progress lines
POLL = 0.05            # the phases last from ~0.2 s (drafting) to seconds (posting)


def _last_fault(counts: Counter[str], seen: Counter[str]) -> str:
    """The counters that moved since the last call (and remember them)."""
    moved = [name for name in counts if counts[name] != seen[name]]
    seen.update({name: counts[name] - seen[name] for name in moved})
    return ", ".join(moved)


class Chaos:
    def __init__(self, project: Project, erp: ChaosErp, fleet: Fleet, tuning: Tuning,
                 rng: random.Random):
        self.project = project
        self.erp = erp
        self.fleet = fleet
        self.tuning = tuning
        self.rng = rng
        self.turn = PostingTurn(project)
        self.recoveries = Recoveries(project)
        self.counts: Counter[str] = Counter()
        self.phase_not_seen: Counter[str] = Counter()
        self.erp_down_seconds: list[float] = []       # SIGKILL until answering again
        self.log: list[str] = []                      # "HH:MM:SS fault", UTC, in order
        self._seen: Counter[str] = Counter()
        self._started = time.monotonic()
        self._last_report = self._started

    def faults(self) -> list[tuple[Callable[[], None], int]]:
        """Each fault with its weight: worker kills are most of them."""
        chosen = [(lambda phase=phase: self.kill_in(phase), 3) for phase in PHASES]
        chosen += [(self.hang_erp, 1), (self.kill_erp, 1)]
        if self.project.store.is_postgresql:
            chosen.append((self.cut_connections, 2))
        return chosen

    def run(self, deadline: float) -> None:
        """Faults with short pauses between them while machine work is left,
        drawn from a shuffled deck (each fault as often as its weight), so every
        kind comes up once per round of the deck."""
        deck: list[Callable[[], None]] = []
        self.wait_for(lambda: self.project.queue.count(state="posted") > 0, deadline)
        while time.monotonic() < deadline and self.project.queue.machine_work_left():
            if not deck:
                deck = [fault for fault, weight in self.faults() for _ in range(weight)]
                self.rng.shuffle(deck)
            fault = deck.pop()
            try:
                before = sum(self.counts.values())
                at = datetime.now(UTC)
                fault()
                if sum(self.counts.values()) != before:   # it happened: log when
                    self.log.append(f"{at:%H:%M:%S} {_last_fault(self.counts, self._seen)}")
            except OBSERVATION_ERRORS as error:   # a busy read is no finding; go on
                print(f"  observation failed ({type(error).__name__}: {error})", flush=True)
                self.counts["observation_errors"] += 1
            self.await_progress(deadline)

    def await_progress(self, deadline: float) -> None:
        """Pause until ``tuning.posted_per_fault`` more items are posted (at most
        ``PAUSE_MAX`` s): faults keep pace with the work, so an item meets a
        few kills on its way, not one per attempt it has."""
        target = self.project.queue.count(state="posted") + self.tuning.posted_per_fault
        self.idle(PAUSE_MIN)
        self.wait_for(lambda: self.project.queue.count(state="posted") >= target
                      or not self.project.queue.machine_work_left(),
                      min(deadline, time.monotonic() + PAUSE_MAX))

    def idle(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.tend()
            time.sleep(0.1)

    def tend(self) -> None:
        self.fleet.keep_up()
        self.recoveries.update()
        if time.monotonic() - self._last_report >= REPORT_EVERY:
            self._last_report = time.monotonic()
            print(f"  {self._last_report - self._started:6.0f} s: "
                  f"{self.project.queue.count(state='posted')} posted, "
                  f"{self.project.queue.machine_work_left()} left; {dict(self.counts)}", flush=True)

    def wait_for(self, condition: Callable[[], bool], deadline: float) -> bool:
        while time.monotonic() < deadline:
            if condition():
                return True
            self.tend()
            time.sleep(0.1)
        return False

    # -- the faults ------------------------------------------------------------------
    def kill_in(self, phase: str) -> None:
        """SIGKILL the first worker seen in ``phase``."""
        give_up = time.monotonic() + PHASE_WAIT
        last_tend = 0.0
        while time.monotonic() < give_up and self.project.queue.machine_work_left():
            for worker in self.rng.sample(self.fleet.alive(), len(self.fleet.alive())):
                if in_phase(phase, worker, self.project, self.erp, self.turn):
                    held = held_items(self.project, worker)
                    self.fleet.kill(worker)
                    self.recoveries.killed(phase, held)
                    self.counts[f"kill_{phase}"] += 1
                    return
            if time.monotonic() - last_tend > 0.5:
                self.tend()
                last_tend = time.monotonic()
            time.sleep(POLL)
        self.phase_not_seen[phase] += 1

    def hang_erp(self) -> None:
        """SIGSTOP the ERP; one hang in three outlasts the workers' ERP timeout
        (their calls' answers are lost while the ERP goes on with them)."""
        long = self.rng.random() < 1 / 3
        seconds = self.tuning.erp_timeout + 5 if long else self.rng.uniform(2.0, 8.0)
        self.erp.hang()
        try:
            self.idle(seconds)
        finally:
            self.erp.resume()
        self.counts["erp_hang"] += 1

    def kill_erp(self) -> None:
        down = time.monotonic()
        self.erp.kill_and_restart()
        self.erp_down_seconds.append(round(time.monotonic() - down, 1))
        self.counts["erp_kill"] += 1

    def cut_connections(self) -> None:
        """pg_terminate_backend on every store connection of one worker (its
        pooled connections and the posting turn's, if it holds it)."""
        workers = self.fleet.alive()
        if not workers:
            return
        worker = self.rng.choice(workers)
        with self.project.store.engine.connect() as conn:
            cut = conn.execute(text(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name"),
                {"name": f"chaos-worker-{worker.number}"}).scalar()
            conn.commit()
        self.counts["backends_terminated"] += cut or 0
        self.counts["connection_cuts"] += 1
