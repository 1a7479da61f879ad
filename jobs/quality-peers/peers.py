#!/usr/bin/env python3
"""Peer models on dlpipe's prepared split, for docs/QUALITY.md (harness only, run by jobs/quality).

Reads DIR/{train,validation,test}.csv (label, then the features, as ExportSplits writes them) and
fits, on train with validation for early stopping where the model has it:
scikit-learn MLP, HistGradientBoosting, LogisticRegression (classification) or Ridge (regression),
and XGBoost (hist). Prints one JSON object: test ROC AUC (binary), accuracy (more classes, dlpipe's
main metric there) or R2 (regression) per model, with fit seconds. Seeds are fixed; nothing is
tuned per dataset.
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
import xgboost as xgb


def load(d, split):
    a = np.loadtxt(f"{d}/{split}.csv", delimiter=",", dtype=np.float64, ndmin=2)
    return a[:, 1:], a[:, 0]


def main(d, task):
    xtr, ytr = load(d, "train")
    xva, yva = load(d, "validation")
    xte, yte = load(d, "test")
    out = {"rows": {"train": len(ytr), "validation": len(yva), "test": len(yte)}}
    reg = task == "regression"
    if reg:
        # The network trains on the standardized target; so do the MLP and ridge (scale-sensitive).
        mu, sd = ytr.mean(), ytr.std()
        models = {
            "sklearn_mlp": lambda: MLPRegressor(hidden_layer_sizes=(128, 64), early_stopping=True, max_iter=500, random_state=0),
            "sklearn_hist_gbt": lambda: HistGradientBoostingRegressor(random_state=0),
            "sklearn_ridge": lambda: Ridge(alpha=1.0),
        }
        for name, make in models.items():
            t = time.time()
            m = make().fit(xtr, (ytr - mu) / sd)
            out[name] = {"r2": r2_score(yte, m.predict(xte) * sd + mu), "seconds": time.time() - t}
        t = time.time()
        m = xgb.XGBRegressor(n_estimators=2000, learning_rate=0.05, max_depth=6, subsample=0.8, colsample_bytree=0.8,
                             tree_method="hist", early_stopping_rounds=50, random_state=0, n_jobs=2)
        m.fit(xtr, ytr, eval_set=[(xva, yva)], verbose=False)
        out["xgboost"] = {"r2": r2_score(yte, m.predict(xte)), "seconds": time.time() - t, "trees": int(m.best_iteration) + 1}
    else:
        models = {
            "sklearn_mlp": lambda: MLPClassifier(hidden_layer_sizes=(128, 64), early_stopping=True, max_iter=500, random_state=0),
            "sklearn_hist_gbt": lambda: HistGradientBoostingClassifier(random_state=0),
            "sklearn_logistic": lambda: LogisticRegression(max_iter=2000),
        }
        classes = int(max(ytr.max(), yva.max(), yte.max())) + 1
        binary = classes == 2

        def score(p):
            # Every class's column, even one a model never saw in train (its probability is 0).
            return {"auc": roc_auc_score(yte, p[:, 1])} if binary else {"accuracy": accuracy_score(yte, p.argmax(axis=1))}

        def full(m, p):
            q = np.zeros((len(p), classes))
            q[:, m.classes_.astype(int)] = p
            return q

        for name, make in models.items():
            t = time.time()
            m = make().fit(xtr, ytr)
            out[name] = {**score(full(m, m.predict_proba(xte))), "seconds": time.time() - t}
        t = time.time()
        m = xgb.XGBClassifier(n_estimators=2000, learning_rate=0.05, max_depth=6, subsample=0.8, colsample_bytree=0.8,
                              tree_method="hist", early_stopping_rounds=50, eval_metric="auc" if binary else "mlogloss", random_state=0, n_jobs=2)
        m.fit(xtr, ytr.astype(int), eval_set=[(xva, yva.astype(int))], verbose=False)
        out["xgboost"] = {**score(full(m, m.predict_proba(xte))), "seconds": time.time() - t, "trees": int(m.best_iteration) + 1}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
