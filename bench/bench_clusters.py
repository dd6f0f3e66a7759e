"""Benchmark of k-means segmentation on 200,000 customers.

Times, on the customer table of a generated file (2,000,000 lines, 200,000 customers; made once
into ``bench/out/``):

* refitting one k (:func:`kadash.clusters.fit_clusters`: the whole pipeline plus the silhouette
  on a 10,000-customer sample) — target ≤ 1 s on 2 cores — and the same with the silhouette on
  2,000 customers;
* the baseline measured in the same run: scikit-learn's ``KMeans`` alone on the already
  scaled features (what the pipeline adds is the log and scaling steps and the value order);
* ``MiniBatchKMeans`` on the same scaled features, with its inertia against KMeans', to keep
  the choice of KMeans measured;
* the scan over k = 2..10 (the elbow and silhouette chart), and the stability check (5 seeds).

Medians of ``--runs`` runs in this process; scikit-learn limited to ``--threads`` threads (the
app uses 1 per session).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cpu_and_cores, markdown_table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median(work, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement")
    parser.add_argument("--k", type=int, default=5, help="clusters for the refit rows")
    parser.add_argument("--threads", type=int, default=None, help="threads (default: all)")
    args = parser.parse_args(argv)

    import numpy as np
    from datagen import DEFAULT_SEED, DataFile, generate
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from threadpoolctl import threadpool_limits

    import kadash.clusters as clusters
    from kadash.customers import summarize_customers
    from kadash.ingest import load_transactions

    data = DataFile("clusters", 2_000_000, 200_000, messy=False)
    path = data.path(DEFAULT_SEED)
    if not path.exists():
        print(f"generating {path.relative_to(ROOT)} …", file=sys.stderr)
        generate(data, DEFAULT_SEED)
    print("reading and summarising …", file=sys.stderr)
    customers = summarize_customers(load_transactions(path).parsed.transactions)
    features = clusters.customer_features(customers)
    chosen = clusters.DEFAULT_FEATURES
    k, runs = args.k, args.runs
    fit = clusters.fit_clusters(features, chosen, k)  # warm-up (imports, first OpenMP start)
    scaled = fit.pipeline[:-1].transform(
        features.loc[fit.kept, list(chosen)].to_numpy(dtype=np.float64)
    )
    rows = []
    with threadpool_limits(limits=args.threads) if args.threads else contextlib.nullcontext():
        n_init = clusters.N_INIT
        base, plain = _median(lambda: KMeans(k, random_state=0, n_init=n_init).fit(scaled), runs)
        rows.append([f"KMeans alone, k = {k}, n_init = {n_init} (baseline)", base, 1.0])
        refit = lambda: clusters.fit_clusters(features, chosen, k, score=False)  # noqa: E731
        seconds, _ = _median(refit, runs)
        rows.append([f"refit (fit_clusters, k = {k}, no silhouette)", seconds, seconds / base])
        seconds, _ = _median(lambda: clusters.fit_clusters(features, chosen, k), runs)
        rows.append([f"fit_clusters, k = {k}, silhouette on 10,000", seconds, seconds / base])
        clusters.SILHOUETTE_SAMPLE = 2_000
        seconds, _ = _median(lambda: clusters.fit_clusters(features, chosen, k), runs)
        rows.append([f"fit_clusters, k = {k}, silhouette on 2,000", seconds, seconds / base])
        clusters.SILHOUETTE_SAMPLE = 10_000
        mini = MiniBatchKMeans(k, random_state=0, n_init=n_init)
        seconds, mini = _median(lambda: mini.fit(scaled), runs)
        ratio = mini.inertia_ / plain.inertia_
        rows.append([f"MiniBatchKMeans, k = {k} (inertia {ratio:.2f}× KMeans')", seconds,
                     seconds / base])  # fmt: skip
        seconds, _ = _median(lambda: clusters.scan_k(features, chosen), 1)
        rows.append(["scan k = 2..10 (elbow and silhouette)", seconds, seconds / base])
        seconds, _ = _median(lambda: clusters.stability(features, chosen, k), 1)
        rows.append([f"stability, k = {k}, 5 seeds", seconds, seconds / base])
    threads = args.threads or "all"
    print(f"{cpu_and_cores()}; {len(features):,} customers, threads {threads}; "
          f"medians of {runs} runs (scan and stability: 1)\n")  # fmt: skip
    print(markdown_table(
        ["step", "seconds", "× baseline"],
        [[name, f"{s:.2f}", f"{r:.2f}"] for name, s, r in rows],
    ))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
