"""The parallel paths (a local process pool, Dask workers) give the same rows as one process."""
from __future__ import annotations

import pandas as pd
import pytest

from stance.batch import BatchConfig, read_results, run_batch
from stance.batch.shards import committed_shards
from stance.batch.synthetic import write_corpus
from stance.batch.testing import KeywordScorer, real_pipeline_missing

distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                       env={"STANCE_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _config(folder, out, **kw):
    return BatchConfig(inputs=(folder,), out_dir=out, watchlist=folder / "watchlist.yaml", **kw)


@pytest.mark.parametrize("path", ["dask", "pool"])
def test_parallel_paths_match_a_single_process(tmp_path, client, path):
    folder = tmp_path / "corpus"
    write_corpus(folder, 60, files=3)
    single = run_batch(_config(folder, tmp_path / "single", shard_size=7), scorer=KeywordScorer())
    if path == "dask":
        summary = run_batch(_config(folder, tmp_path / "par", shard_size=7, max_in_flight=3),
                            scorer=KeywordScorer(), client=client)
    else:
        summary = run_batch(_config(folder, tmp_path / "par", shard_size=7, workers=2), scorer=KeywordScorer())
    pd.testing.assert_frame_equal(read_results(tmp_path / "par"), read_results(tmp_path / "single"))
    assert (summary.read, summary.scored, summary.duplicates) == (single.read, 60, single.duplicates)
    assert len(committed_shards(tmp_path / "par" / "statements")) == 9
    assert (tmp_path / "par" / "duplicates.csv").read_text() == (tmp_path / "single" / "duplicates.csv").read_text()


@pytest.mark.skipif(real_pipeline_missing() is not None, reason=str(real_pipeline_missing()))
def test_dask_workers_run_the_real_pipeline_like_one_process(tmp_path, client):
    folder = tmp_path / "corpus"
    write_corpus(folder, 12, seed=5)
    run_batch(_config(folder, tmp_path / "single", shard_size=3))
    summary = run_batch(_config(folder, tmp_path / "dask", shard_size=3), client=client)
    want = read_results(tmp_path / "single")
    assert len(want) > 12
    pd.testing.assert_frame_equal(read_results(tmp_path / "dask"), want)
    assert summary.scored == 12 and summary.shards_written == 4
