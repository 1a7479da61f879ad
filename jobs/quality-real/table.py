#!/usr/bin/env python3
"""The real-data suite's table for docs/QUALITY.md, from jobs/quality's outputs (harness only).

    table.py DIR NAME ...

Reads DIR/<name>/evaluation/metrics.json (the network and its linear and GBT rungs) and
DIR/<name>/peers.json (scikit-learn and XGBoost on the same prepared split) and prints a Markdown
table of the test main metric (R², ROC AUC, or accuracy for more than two classes), each network's
gap to XGBoost and its rank, then the suite's three targets: the network at or above its linear
rung everywhere, the median gap to XGBoost within 0.01, and no dataset where it is the worst model.
"""
import json
import os
import statistics
import sys

COLUMNS = [("network", "dlpipe network"), ("linear", "MLlib linear"), ("gbt", "MLlib GBT"), ("mlp", "sklearn MLP"),
           ("hist", "sklearn HistGBT"), ("sk_linear", "sklearn linear"), ("xgboost", "XGBoost")]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def figures(out, name):
    m = load(f"{out}/{name}/evaluation/metrics.json")
    p = load(f"{out}/{name}/peers.json") or {}
    if m is None:
        return None, None, {}
    k = m["main_metric"]
    lin = "sklearn_ridge" if k == "r2" else "sklearn_logistic"
    pick = lambda d: d.get(k) if isinstance(d, dict) else None
    f = {"network": m.get("model." + k), "linear": m.get("baseline." + k), "gbt": m.get("gbt." + k), "mlp": pick(p.get("sklearn_mlp")),
         "hist": pick(p.get("sklearn_hist_gbt")), "sk_linear": pick(p.get(lin)), "xgboost": pick(p.get("xgboost"))}
    return m, k, {c: v for c, v in f.items() if v is not None}


def main(out, names):
    print("| dataset | metric | " + " | ".join(label for _, label in COLUMNS) + " | network − XGBoost | network's rank | best rung |")
    print("|---|---|" + "---|" * len(COLUMNS) + "---|---|---|")
    gaps, below_linear, worst, failed, notes = [], [], [], [], []
    for n in names:
        m, k, f = figures(out, n)
        if m is None:
            failed.append(n)
            print(f"| {n} | – | " + " | ".join("–" for _ in COLUMNS) + " | – | – | – |")
            continue
        cells = []
        best = max(f.values())
        for c, _ in COLUMNS:
            v = f.get(c)
            s = "n/a" if v is None else "%.4f" % v
            cells.append(f"**{s}**" if v is not None and v == best else s)
        net = f["network"]
        gap = net - f["xgboost"] if "xgboost" in f else None
        if gap is not None:
            gaps.append(gap)
        rank = 1 + sum(1 for v in f.values() if v > net)
        # Below by less than 0.00005 is a tie, as evaluate's verdict says (eval.Verdict.TIE): a
        # network kept as its linear start equals the linear rung up to float32 rounding.
        if "linear" in f and net < f["linear"] - 5e-5:
            below_linear.append(f"{n} ({net:.4f} against {f['linear']:.4f})")
        if all(net < v for c, v in f.items() if c != "network"):
            worst.append(n)
        print(f"| {n} | {k} | " + " | ".join(cells) + f" | {'n/a' if gap is None else '%+.4f' % gap} | {rank} of {len(f)} | {m.get('best_rung')} |")
        for finding in m.get("findings") or []:
            notes.append(f"- {n}: finding `{finding['kind']}`: {finding['message']}")
        tc = load(f"{out}/{n}/model/model.json") or {}
        choice = tc.get("target_choice")
        if choice:
            notes.append(f"- {n}: target chosen `{choice['chosen']}` (validation R² of each trial: "
                         + ", ".join(f"{c} {'diverged' if v is None else '%.4f' % v}" for c, v in choice["validation_r2"].items()) + ")")
    print()
    print("Targets (five required keys only):")
    print(f"- network at or above its linear rung on every dataset: {'met' if not below_linear else 'missed on ' + ', '.join(below_linear)}")
    if gaps:
        med = statistics.median(gaps)
        print(f"- median gap to XGBoost within 0.01: {'met' if med >= -0.01 else 'missed'} (median {med:+.4f} over {len(gaps)} datasets)")
    print(f"- no dataset where the network is the worst model: {'met' if not worst else 'missed on ' + ', '.join(worst)}")
    if failed:
        print(f"- runs that failed (see their logs): {', '.join(failed)}")
    if notes:
        print()
        print("\n".join(notes))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
