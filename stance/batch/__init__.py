"""Batch scoring at scale: streaming, resumable, cached, with a Dask path.

    from stance.batch import BatchConfig, run_batch, read_results
    summary = run_batch(BatchConfig(inputs=["articles/"], out_dir="out", watchlist="watchlist.yaml"))
    print(summary.describe())
    frame = read_results("out")          # the statements table + ``duplicate_of``

Command line: ``python scripts/batch_score.py articles/ --watchlist w.yaml --out out`` (or
``stance score --batch``). Rerun the same command after a crash or kill to resume.

Layout of ``out_dir``:
    statements/part-NNNNNN.parquet  one per ``shard_size`` consecutive input articles (+ .csv on request)
    ledger.json                     settings and input files the shards were made from; done shards
    rejects.csv                     file, line, reason for each record that could not be used
    duplicates.csv                  article_id, duplicate_of, similarity (near-duplicate/syndicated copies)
    cache.sqlite                    scores by content hash (unless ``cache=`` points elsewhere)

How it stays correct:
* Inputs are read as a stream and cut into shards deterministically (shard k = articles
  k*shard_size ... in input order), so a rerun sees the same shards.
* A shard is committed by an atomic rename; a committed shard is never re-scored. Its Parquet
  metadata holds a digest of its articles; a rerun whose inputs or settings differ is refused
  (use a new ``out_dir`` or ``restart=True``; the cache makes unchanged articles free).
* The cache key is sha256(text, date, source, title) + model version + extractor version +
  watchlist hash; a corpus that grew is scored only for its new articles.
* Near-duplicates are found with MinHash/LSH in input order (``duplicate_of`` = earliest copy),
  marked on rows and in duplicates.csv, never dropped.

Parallelism:
* ``n_process`` > 1: spaCy parses each shard in that many processes (started per shard, so use
  large shards); the classifier batches its inputs.
* ``workers`` > 1: a local pool of processes, each scoring whole shards with spaCy and the model
  loaded once (one ONNX thread each). Usually the fastest choice on one machine.
* Dask: ``scheduler="dask"`` starts a LocalCluster of ``workers`` processes, or connects to
  ``dask_address``; or pass ``client=`` to ``run_batch``. Workers run the same ``process_shard``
  (which calls ``score_partition``) and write shards straight into ``out_dir``, so ``out_dir``,
  the model, the watchlist and the cache must be at the same paths on every worker (shared
  storage). The driver reads the inputs, finds duplicates and keeps the ledger; at most
  ``max_in_flight`` shards are in flight. For your own Dask graphs, ``score_partition(articles,
  config).frame`` turns any partition of Article records into rows.
"""
from stance.batch.cache import ScoreCache, cache_key, content_hash
from stance.batch.config import BatchConfig, BatchError, BatchSummary
from stance.batch.dedup import DedupIndex, MinHasher
from stance.batch.progress import BatchProgress, ConsoleProgress
from stance.batch.runner import run_batch
from stance.batch.scoring import PartitionResult, PipelineScorer, Scorer, Shard, process_shard, score_partition
from stance.batch.shards import COLUMNS, iter_results, merge_results, read_results

__all__ = [
    "BatchConfig", "BatchError", "BatchProgress", "BatchSummary", "COLUMNS", "ConsoleProgress", "DedupIndex",
    "MinHasher", "PartitionResult", "PipelineScorer", "ScoreCache", "Scorer", "Shard", "cache_key",
    "content_hash", "iter_results", "merge_results", "process_shard", "read_results", "run_batch",
    "score_partition",
]
