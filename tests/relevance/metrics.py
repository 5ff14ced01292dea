#!/usr/bin/env python3
"""Ranking metrics for the relevance test.

Every function takes
    ranked  -- the result list of one query, best first: paragraph keys
               (any hashable value, e.g. (doc, start) tuples);
    grades  -- dict key -> judged grade 1..3; a key that is absent counts
               as grade 0 (not relevant).
A key repeated in `ranked` counts only at its first position.

    ndcg_at(ranked, grades, k)   gain 2^g - 1, discount log2(rank + 1),
                                 ideal ranking built from all judged grades
    precision_at(ranked, grades, k)   relevant (grade >= 1) in the top k / k
    recall_at(ranked, grades, k)      relevant in the top k / all relevant
    mrr(ranked, grades, k=None)       1 / rank of the first relevant result
                                      (reciprocal rank of one query; the mean
                                      over queries is the MRR)

A query with no judged paragraph scores 0 on every metric.

    python3 tests/relevance/metrics.py --self-test
"""

import math
import sys


def _dedup(ranked):
    seen = set()
    out = []
    for key in ranked:
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


def _check_k(k):
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, not {k!r}")


def _gain(g):
    return (1 << g) - 1 if g > 0 else 0


def dcg(gains_in_rank_order):
    """Discounted cumulative gain of grades listed in rank order."""
    return sum(_gain(g) / math.log2(i + 2)
               for i, g in enumerate(gains_in_rank_order))


def ndcg_at(ranked, grades, k):
    _check_k(k)
    top = _dedup(ranked)[:k]
    actual = dcg(grades.get(key, 0) for key in top)
    ideal = dcg(sorted((g for g in grades.values() if g > 0),
                       reverse=True)[:k])
    return actual / ideal if ideal > 0 else 0.0


def precision_at(ranked, grades, k):
    _check_k(k)
    top = _dedup(ranked)[:k]
    return sum(1 for key in top if grades.get(key, 0) >= 1) / k


def recall_at(ranked, grades, k):
    _check_k(k)
    relevant = sum(1 for g in grades.values() if g >= 1)
    if relevant == 0:
        return 0.0
    top = _dedup(ranked)[:k]
    return sum(1 for key in top if grades.get(key, 0) >= 1) / relevant


def mrr(ranked, grades, k=None):
    if k is not None:
        _check_k(k)
    top = _dedup(ranked)
    if k is not None:
        top = top[:k]
    for i, key in enumerate(top, 1):
        if grades.get(key, 0) >= 1:
            return 1.0 / i
    return 0.0


def mean(values):
    values = list(values)
    return sum(values) / len(values) if values else 0.0


# ---------------------------------------------------------------- self-test

def _self_test():
    failures = []

    def near(name, got, want, eps=1e-9):
        if abs(got - want) > eps:
            failures.append(f"{name}: got {got!r}, want {want!r}")

    L3, L6 = math.log2(3), math.log2(6)
    # Judged: a=3, b=2, c=1.  d is judged irrelevant (0); x is unjudged.
    grades = {"a": 3, "b": 2, "c": 1, "d": 0}
    ranked = ["d", "a", "c", "x", "b"]
    # DCG@5 = 0 + 7/log2(3) + 1/log2(4) + 0 + 3/log2(6)
    # IDCG@5 = 7/log2(2) + 3/log2(3) + 1/log2(4) = 7 + 3/log2(3) + 1/2
    near("ndcg@5", ndcg_at(ranked, grades, 5),
         (7 / L3 + 0.5 + 3 / L6) / (7 + 3 / L3 + 0.5))        # ~0.64699
    # DCG@2 = 7/log2(3); IDCG@2 = 7 + 3/log2(3)
    near("ndcg@2", ndcg_at(ranked, grades, 2), (7 / L3) / (7 + 3 / L3))
    # IDCG@10 uses all judged grades even though only 3 exist.
    near("ndcg@10", ndcg_at(ranked, grades, 10),
         (7 / L3 + 0.5 + 3 / L6) / (7 + 3 / L3 + 0.5))
    near("ndcg perfect", ndcg_at(["a", "b", "c"], grades, 10), 1.0)
    # Grade 1 at rank 1 only, ideal has 3 at rank 1: 1/7.
    near("ndcg c first", ndcg_at(["c"], grades, 1), 1 / 7)
    near("ndcg empty", ndcg_at([], grades, 10), 0.0)
    near("ndcg no judged", ndcg_at(["a"], {}, 10), 0.0)
    # A repeated key counts once: [a, a, b] scores as [a, b].
    near("ndcg dup", ndcg_at(["a", "a", "b"], grades, 2),
         ndcg_at(["a", "b"], grades, 2))

    near("p@5", precision_at(ranked, grades, 5), 3 / 5)
    near("p@2", precision_at(ranked, grades, 2), 1 / 2)
    near("p@1", precision_at(ranked, grades, 1), 0.0)
    # Short result lists are still divided by k.
    near("p@5 short", precision_at(["a"], grades, 5), 1 / 5)

    near("r@2", recall_at(ranked, grades, 2), 1 / 3)
    near("r@3", recall_at(ranked, grades, 3), 2 / 3)
    near("r@10", recall_at(ranked, grades, 10), 1.0)
    near("r no relevant", recall_at(ranked, {"d": 0}, 10), 0.0)

    near("rr", mrr(ranked, grades), 1 / 2)
    near("rr first", mrr(["b", "a"], grades), 1.0)
    near("rr none", mrr(["d", "x"], grades), 0.0)
    near("rr cut", mrr(["x", "y", "a"], grades, k=2), 0.0)
    near("rr mean", mean([mrr(ranked, grades), mrr(["x", "y", "c"], grades)]),
         (1 / 2 + 1 / 3) / 2)

    # Worked example with (doc, start) keys as the harness will use them.
    g2 = {("d1", 0): 2, ("d1", 90): 2, ("d2", 10): 1}
    r2 = [("d1", 90), ("d2", 5), ("d2", 10)]
    # DCG = 3/1 + 0 + 1/2 = 3.5; IDCG = 3 + 3/log2(3) + 1/2
    near("ndcg keys", ndcg_at(r2, g2, 10), 3.5 / (3.5 + 3 / L3))
    near("p@5 keys", precision_at(r2, g2, 5), 2 / 5)
    near("r@10 keys", recall_at(r2, g2, 10), 2 / 3)

    for bad_k in (0, -1, 1.5, True):
        try:
            ndcg_at(ranked, grades, bad_k)
            failures.append(f"k={bad_k!r} accepted")
        except ValueError:
            pass

    for f in failures:
        print("FAIL", f, file=sys.stderr)
    print(f"metrics self-test: {'FAILED' if failures else 'ok'} "
          f"({len(failures)} failure(s))")
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(_self_test())
    print(__doc__.strip())
    sys.exit(2)
