"""``flashpoint run --dask-local N`` and ``--scheduler tcp://HOST:PORT``: code articles on Dask.

Why Dask (``dask.distributed``) and not a home-made cluster: it already schedules, retries tasks
of a dead worker, and scales from one laptop (a ``LocalCluster``) to a team's machines with the
same code. Flashpoint only adds what is its own: a worker plugin that loads the models once per
worker, a task (``workers.code_batch``) that codes one batch, and a driver that keeps a few
batches in flight and saves results as they come back, in any order. Saves are per article and
keyed by content hash, so they are idempotent whatever order the batches finish in.

Workers of a remote scheduler need Flashpoint installed, at the same version and with the same
``FLASHPOINT_*`` settings as the driver (the spaCy model and the classifier switch change results).

Why the local cluster is locked down: a Dask scheduler runs whatever pickled task a client sends it,
and a plain ``tcp://`` one on 127.0.0.1 takes clients from every user of the machine. So the local
cluster listens on 127.0.0.1 at random ports, serves no HTTP endpoints (Dask would otherwise answer
on 127.0.0.1:8787, telling anyone the scheduler's address), and speaks mutual TLS with a throwaway
certificate made for this run (``local_security``): a client without that certificate is refused.
Where no certificate can be made, the remaining risk is said in a warning.

Why the connection to ``--scheduler`` is probed first: Dask waits for the peer's handshake without
a time limit, so a listener that accepts and says nothing (another service on that port) hung the
run forever. One handshake under an enforced deadline tells that case apart. ``tls://`` addresses
use Dask's own TLS settings (``distributed.comm.tls.*``); without them the run stops with one line
naming them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import dask
from distributed import Client, LocalCluster, Security, WorkerPlugin, as_completed

from .dask_security import local_security
from .outcomes import CodingError, Outcome, outcomes
from .workers import code_batch, one_core, warm_up

if TYPE_CHECKING:
    from dask.typing import Key

    from .model import Article

log = logging.getLogger(__name__)

_CONNECT_TIMEOUT_S = 20  # to reach a remote scheduler and hear its handshake
_LOOPBACK = "127.0.0.1"
_TLS_SETTINGS = ("distributed.comm.tls.ca-file, distributed.comm.tls.client.cert and distributed.comm.tls.client.key "
                 "(e.g. DASK_DISTRIBUTED__COMM__TLS__CA_FILE, ..._CLIENT__CERT, ..._CLIENT__KEY)")
# A LocalCluster here has no dashboard, so what only feeds one goes: the workers' statistical
# profiler (it samples the task thread's stack every 10 ms, several per cent of a coding worker's
# core) and the system monitor's half-second samples. The nannies, which live in this process,
# check their workers' memory every second instead of every 100 ms, and the event loops' health
# tick runs every half second instead of every 20 ms: with one worker per core, every wake-up
# of this process takes time from a worker (together 0.9 CPU-s of 4 on a two-worker FA-KES run).
# Dask also starts its workers with MALLOC_TRIM_THRESHOLD_=65536, so that glibc hands freed memory
# back to the system at once; spaCy frees and reallocates its batch arrays all the time, and
# that cost a coding worker 10% more CPU (78 CPU-s against 71 over FA-KES) for a worker whose
# memory is flat anyway. Everything else set there (the thread limits) is kept.
_LOCAL_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.tick.interval": "500ms",
    # No HTTP endpoints: the scheduler's (info, JSON, proxy, health, metrics) name its address and
    # workers to anyone on the machine; nothing here reads them.
    "distributed.scheduler.http.routes": [],
    "distributed.worker.http.routes": [],
}
_TRIM_VARIABLE = "MALLOC_TRIM_THRESHOLD_"


def _local_config() -> dict[str, Any]:
    environ = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    return {**_LOCAL_CONFIG,
            "distributed.nanny.pre-spawn-environ": {k: v for k, v in environ.items() if k != _TRIM_VARIABLE}}


def _probe(address: str, security: Security, timeout: float) -> None:
    """One Dask handshake with ``address`` within ``timeout`` seconds, in a thread of its own (the
    caller may be inside an event loop). Raises TimeoutError or OSError when there is none."""
    from distributed.comm import connect

    async def handshake() -> None:
        comm = await asyncio.wait_for(connect(address, timeout=timeout, **security.get_connection_args("client")),
                                      timeout)
        await comm.close()

    with ThreadPoolExecutor(1, thread_name_prefix="flashpoint-dask-probe") as pool:
        try:
            pool.submit(asyncio.run, handshake()).result()
        except TimeoutError:
            raise TimeoutError(f"no Dask handshake within {timeout:g} s (is it a Dask scheduler?)") from None


def _remote_security(address: str) -> Security:
    """Dask's TLS settings for a ``tls://`` scheduler; a clear error when they are missing (Dask
    itself fails with a TypeError deep in its TLS connector)."""
    security = Security()  # reads distributed.comm.tls.* from Dask's config and environment
    if address.startswith("tls://") and security.get_connection_args("client").get("ssl_context") is None:
        raise CodingError(f"--scheduler {address} uses TLS, which needs Dask's TLS settings: {_TLS_SETTINGS}")
    return security


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


class ModelLoader(WorkerPlugin):
    """Loads the models on each worker as it joins, so no task pays for loading and a worker
    that restarts loads them again before it takes work."""

    name = "flashpoint-models"

    async def setup(self, worker: Any) -> None:
        if worker.state.nthreads == 1:
            one_core()  # one task at a time: a core's worth of library threads is enough
        # Off the worker's event loop: loading takes seconds, and a blocked loop misses heartbeats.
        await asyncio.get_running_loop().run_in_executor(None, warm_up)


class DaskCoder:
    """Batches become Dask tasks; at most two per worker thread are in flight at once.

    The cluster is started (or the scheduler reached) when the first batch needs coding: a rerun
    over articles that are all stored already costs no cluster at all.
    """

    def __init__(self, *, n_workers: int = 0, address: str | None = None) -> None:
        self._n_workers = n_workers
        self._address = address
        self._cluster: LocalCluster | None = None
        self._client: Client | None = None
        self._depth = 0

    def _connect(self) -> Client:
        if self._client is not None:
            return self._client
        address = self._address
        try:
            if address:
                security = _remote_security(address)
                _probe(address, security, _CONNECT_TIMEOUT_S)
                client = Client(address, timeout=_CONNECT_TIMEOUT_S, security=security)
            else:
                client = Client(self._start_local_cluster())
        except CodingError:  # already one line for the user
            raise
        except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
            self._close_cluster()
            where = f"the Dask scheduler at {address}" if address else "a local Dask cluster"
            raise CodingError(f"cannot reach {where}: {_first_line(exc)}") from None
        self._client = client
        try:
            client.register_plugin(ModelLoader())
        except Exception as exc:  # noqa: BLE001 - e.g. Flashpoint missing on a remote worker
            self.close()
            raise CodingError(f"Dask workers cannot load Flashpoint's models: {_first_line(exc)}") from None
        self._depth = 2 * max(1, sum(client.nthreads().values()))
        return client

    def _start_local_cluster(self) -> LocalCluster:
        """Workers and scheduler on 127.0.0.1 at random ports, no HTTP, TLS where it can be had
        (see the module docstring)."""
        security = local_security()
        if security is None:
            log.warning("the local Dask cluster runs without TLS (no certificate could be made): any user of "
                        "this machine who finds its port can run code as you")
        with dask.config.set(_local_config()):
            self._cluster = LocalCluster(
                n_workers=self._n_workers, threads_per_worker=1, processes=True, host=_LOOPBACK,
                scheduler_port=0, dashboard_address=None, worker_dashboard_address=None,
                scheduler_kwargs={"dashboard": False, "dashboard_address": f"{_LOOPBACK}:0"},
                security=security, silence_logs=logging.ERROR,
            )
        return self._cluster

    def code(self, batches: Iterable[list[Article]]) -> Iterator[list[Outcome]]:
        pending: dict[Key, list[Article]] = {}
        done: as_completed | None = None
        for batch in batches:
            future = self._connect().submit(code_batch, batch, pure=False)
            pending[future.key] = batch
            if done is None:
                done = as_completed([future])  # needs the client: made with the first task
            else:
                done.add(future)
            while done.count() >= self._depth:
                yield from self._take(next(done), pending)
        for future in done or ():
            yield from self._take(future, pending)

    @staticmethod
    def _take(future: Any, pending: dict[Key, list[Article]]) -> Iterator[list[Outcome]]:
        try:
            yield outcomes(pending.pop(future.key), future.result)
        finally:
            future.release()  # the worker may drop the result now

    def _close_cluster(self) -> None:
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def close(self, *, abort: bool = False) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        self._close_cluster()
