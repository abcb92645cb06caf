"""Where shards are scored: in this process, in a local process pool, or on Dask workers.

Every executor runs the same ``process_shard`` (score + commit); the driver only reads the
inputs, finds duplicates and keeps the ledger. Pools and Dask keep at most ``window`` shards
in flight, which bounds the driver's memory.
"""
from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import signal
from collections.abc import Iterator
from typing import Any

from stance.batch.config import BatchConfig
from stance.batch.scoring import (NO_TORCH_ENV, Scorer, Shard, ShardResult, config_scorer_version, default_scorer,
                                  process_shard, torch_not_needed)

logger = logging.getLogger(__name__)

# The workers are the parallelism: one ONNX/BLAS thread each, so they do not oversubscribe.
WORKER_ENV = {"STANCE_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def _build_model(config: BatchConfig) -> None:
    from stance.classifier import StanceClassifier

    StanceClassifier.from_pretrained(config.model, backend=config.backend, device=config.device)


def prepare_model(config: BatchConfig) -> None:
    """Build the model's int8 ONNX graph, if missing, in a short-lived process.

    The build needs torch; done here, it does not stay in the memory of every long-lived
    worker, which then start without torch (see ``worker_env``)."""
    if config.torch_classifier or torch_not_needed(config):
        return
    proc = multiprocessing.get_context("spawn").Process(target=_build_model, args=(config,))
    proc.start()
    proc.join()
    if proc.exitcode != 0:  # the workers will report the real error when they load the model
        logger.warning("building the ONNX graph in a helper process failed (exit code %s)", proc.exitcode)


def worker_env(config: BatchConfig, scorer: Scorer | None) -> dict[str, str]:
    env = dict(WORKER_ENV)
    if scorer is None:
        prepare_model(config)
    if scorer is None and torch_not_needed(config):
        env[NO_TORCH_ENV] = "1"
        env["TRANSFORMERS_VERBOSITY"] = "error"  # else it warns, once per worker, that torch is missing
    return env


class InProcess:
    def __init__(self, config: BatchConfig, scorer: Scorer | None):
        self.config, self.scorer = config, scorer or default_scorer(config)

    def scorer_version(self) -> str:
        return self.scorer.version

    def submit(self, shard: Shard) -> Iterator[ShardResult]:
        yield process_shard(shard, self.config, self.scorer)

    def drain(self) -> Iterator[ShardResult]:
        return iter(())

    def close(self, abort: bool = False) -> None:
        pass


def _init_worker(env: dict[str, str]) -> None:
    # Ctrl-C reaches the whole process group: the driver handles it (and stops the workers), so
    # workers ignore it rather than each printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.update(env)  # read by the classifier when it opens its ONNX session
    try:  # numpy's BLAS was loaded before this ran, so the env var alone is too late for it
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        pass


class ProcessPool:
    """``config.workers`` spawned processes, each loading spaCy and the model once."""

    def __init__(self, config: BatchConfig, scorer: Scorer | None):
        self.config, self.scorer = config, scorer
        self.pool = cf.ProcessPoolExecutor(max_workers=config.workers, initializer=_init_worker,
                                           initargs=(worker_env(config, scorer),),
                                           mp_context=multiprocessing.get_context("spawn"))
        self.window = config.max_in_flight or 2 * config.workers
        self.pending: set[cf.Future] = set()

    def scorer_version(self) -> str:
        # Asked of a worker so that the driver never imports spaCy (and, through it, torch).
        if self.scorer is not None:
            return self.scorer.version
        return self.pool.submit(config_scorer_version, self.config).result()

    def submit(self, shard: Shard) -> Iterator[ShardResult]:
        self.pending.add(self.pool.submit(process_shard, shard, self.config, self.scorer))
        while len(self.pending) >= self.window:
            done, self.pending = cf.wait(self.pending, return_when=cf.FIRST_COMPLETED)
            for future in done:
                yield future.result()

    def drain(self) -> Iterator[ShardResult]:
        for future in cf.as_completed(self.pending):
            yield future.result()
        self.pending = set()

    def close(self, abort: bool = False) -> None:
        if abort:  # running shards are not waited for: their commits are atomic, a rerun redoes them
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)


class Dask:
    """Shards go to Dask workers, which score and commit them to the (shared) out folder."""

    def __init__(self, config: BatchConfig, scorer: Scorer | None, client: Any):
        from dask.distributed import Client, LocalCluster, as_completed

        self._own: list[Any] = []
        if client is None:
            if config.dask_address:
                client = Client(config.dask_address)
                self._own = [client]
            else:
                cluster = LocalCluster(n_workers=config.workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, env=worker_env(config, scorer))
                client = Client(cluster)
                self._own = [client, cluster]
        self.client, self.config, self.scorer = client, config, scorer
        workers = max(len(client.scheduler_info().get("workers", {})), 1)
        self.window = config.max_in_flight or 2 * workers
        self.pending = as_completed()

    def scorer_version(self) -> str:
        if self.scorer is not None:
            return self.scorer.version
        return self.client.submit(config_scorer_version, self.config, pure=False).result()

    def submit(self, shard: Shard) -> Iterator[ShardResult]:
        self.pending.add(self.client.submit(process_shard, shard, self.config, self.scorer, pure=False))
        while self.pending.count() >= self.window:
            yield next(self.pending).result()

    def drain(self) -> Iterator[ShardResult]:
        for future in self.pending:
            yield future.result()

    def close(self, abort: bool = False) -> None:
        for thing in self._own:
            thing.close()


def make_executor(config: BatchConfig, scorer: Scorer | None, client: Any = None):
    if client is not None or config.scheduler == "dask":
        return Dask(config, scorer, client)
    if config.workers > 1:
        return ProcessPool(config, scorer)
    return InProcess(config, scorer)
