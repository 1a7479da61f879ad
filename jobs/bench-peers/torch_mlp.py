#!/usr/bin/env python3
"""The plain single-process PyTorch reference for dlpipe's trainer (harness only, run by
`jobs/bench --suite torch`).

Reads DIR/{train,validation}.csv (label first, then the feature vector, as
jobs/quality-peers/ExportSplits.java writes dlpipe's prepared splits) and trains the same MLP shape
that dlpipe trained on the same rows: the hidden widths, ReLU, dropout, L2 (as Adam's weight
decay, which is what DL4J's l2 adds to the gradient), Adam with dlpipe's effective learning rate
and minibatch size, mean squared error on the standardized target (regression) or softmax
cross-entropy (classification). The tensors are in memory before the clock starts, so the figure
is the training loop's alone, as for the single-JVM DL4J reference.

Prints one JSON object: per epoch the samples/s of the fit and the validation metric (R2 or ROC
AUC), and the median samples/s over the epochs after the first (the first pays for warm-up).
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch
from torch import nn


def load(path):
    a = np.loadtxt(path, delimiter=",", dtype=np.float32, ndmin=2)
    return torch.from_numpy(a[:, 1:].copy()), torch.from_numpy(a[:, 0].copy())


def r2(pred, y):
    return 1.0 - float(((pred - y) ** 2).sum()) / float(((y - y.mean()) ** 2).sum())


def auc(score, y):
    # Mann-Whitney U with average ranks for ties: the ROC AUC without scikit-learn.
    order = np.argsort(score, kind="mergesort")
    s = score[order]
    ranks = np.empty(len(s), dtype=np.float64)
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2.0 + 1.0
        i = j + 1
    full = np.empty(len(s), dtype=np.float64)
    full[order] = ranks
    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    return (full[pos].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--task", choices=["regression", "classification"], required=True)
    p.add_argument("--hidden", default="128,64")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--l2", type=float, default=0.0)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()

    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    xtr, ytr = load(f"{a.dir}/train.csv")
    xva, yva = load(f"{a.dir}/validation.csv")
    reg = a.task == "regression"
    if reg:
        mu, sd = float(ytr.mean()), float(ytr.std())
        ttr = ((ytr - mu) / sd).unsqueeze(1)
        classes = 1
    else:
        classes = int(max(ytr.max(), yva.max())) + 1
        ttr = ytr.long()

    layers, width = [], xtr.shape[1]
    for h in [int(w) for w in a.hidden.split(",") if w]:
        layers += [nn.Linear(width, h), nn.ReLU()]
        if a.dropout > 0:
            layers.append(nn.Dropout(a.dropout))
        width = h
    layers.append(nn.Linear(width, classes))
    net = nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr, weight_decay=a.l2)
    loss_fn = nn.MSELoss() if reg else nn.CrossEntropyLoss()
    n = xtr.shape[0]
    epochs = []
    for e in range(a.epochs):
        perm = torch.randperm(n)
        net.train()
        start = time.perf_counter()
        for i in range(0, n, a.batch):
            idx = perm[i:i + a.batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(xtr[idx]), ttr[idx])
            loss.backward()
            opt.step()
        fit_s = time.perf_counter() - start
        net.eval()
        with torch.no_grad():
            out = net(xva)
        if reg:
            metric = r2(out.squeeze(1) * sd + mu, yva)
        else:
            metric = auc(torch.softmax(out, 1)[:, 1].numpy(), yva.numpy().astype(int)) if classes == 2 else float((out.argmax(1) == yva.long()).float().mean())
        epochs.append({"epoch": e + 1, "samples_per_s": n / fit_s, "fit_seconds": fit_s, "val_metric": metric})
    steady = [x["samples_per_s"] for x in (epochs[1:] if len(epochs) > 1 else epochs)]
    print(json.dumps({
        "engine": f"pytorch {torch.__version__}", "threads": a.threads, "rows": n, "features": int(xtr.shape[1]),
        "hidden": a.hidden, "batch": a.batch, "learning_rate": a.lr, "l2": a.l2, "dropout": a.dropout,
        "metric": "r2" if reg else ("auc" if classes == 2 else "accuracy"),
        "samples_per_s": statistics.median(steady), "best_val_metric": max(x["val_metric"] for x in epochs), "epochs": epochs}, indent=1))


if __name__ == "__main__":
    main()
