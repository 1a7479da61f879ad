"""Peer models on dlpipe's prepared split (called by jobs/peers; see there).

argv: transform.json, a folder with train/ validation/ test/ CSV (label, f0, f1, ...), a seed.
Prints one JSON object: per model its test metrics and training seconds.
"""
import glob
import json
import sys
import time

import numpy as np
from sklearn import metrics
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
import xgboost


def load(folder):
    parts = sorted(glob.glob(folder + "/*.csv"))
    data = np.vstack([np.loadtxt(p, delimiter=",", ndmin=2, dtype=np.float64) for p in parts])
    return data[:, 1:].astype(np.float32), data[:, 0]


def regression_metrics(y, p):
    return {"r2": metrics.r2_score(y, p), "rmse": float(np.sqrt(metrics.mean_squared_error(y, p))),
            "mae": metrics.mean_absolute_error(y, p)}


def classification_metrics(y, proba, n_classes):
    y = y.astype(int)
    if n_classes == 2:
        pos = proba[:, 1]
        return {"auc": metrics.roc_auc_score(y, pos), "pr_auc": metrics.average_precision_score(y, pos),
                "log_loss": metrics.log_loss(y, proba, labels=[0, 1]), "brier": metrics.brier_score_loss(y, pos),
                "f1_at_0.5": metrics.f1_score(y, (pos >= 0.5).astype(int), zero_division=0),
                "accuracy": metrics.accuracy_score(y, (pos >= 0.5).astype(int))}
    pred = proba.argmax(axis=1)
    return {"accuracy": metrics.accuracy_score(y, pred), "macro_f1": metrics.f1_score(y, pred, average="macro"),
            "log_loss": metrics.log_loss(y, proba, labels=list(range(n_classes))),
            "auc": metrics.roc_auc_score(y, proba, multi_class="ovr", labels=list(range(n_classes)))}


def models(task, seed):
    """The peers, untuned per dataset: each library's defaults plus early stopping where it has one."""
    if task == "regression":
        scaled = lambda m: TransformedTargetRegressor(regressor=m, transformer=StandardScaler())
        return {
            "linear": (RidgeCV(alphas=np.logspace(-3, 3, 13)), False),
            "sklearn_mlp": (scaled(MLPRegressor(hidden_layer_sizes=(128, 64), early_stopping=True,
                                                max_iter=200, random_state=seed)), False),
            "sklearn_hist_gbt": (HistGradientBoostingRegressor(max_iter=1000, early_stopping=True,
                                                               random_state=seed), False),
            "xgboost": (xgboost.XGBRegressor(n_estimators=4000, learning_rate=0.05, tree_method="hist",
                                             early_stopping_rounds=100, n_jobs=2, random_state=seed), True),
        }
    return {
        "linear": (LogisticRegression(max_iter=5000), False),
        "sklearn_mlp": (MLPClassifier(hidden_layer_sizes=(128, 64), early_stopping=True, max_iter=200,
                                      random_state=seed), False),
        "sklearn_hist_gbt": (HistGradientBoostingClassifier(max_iter=1000, early_stopping=True,
                                                            random_state=seed), False),
        "xgboost": (xgboost.XGBClassifier(n_estimators=4000, learning_rate=0.05, tree_method="hist",
                                          early_stopping_rounds=100, n_jobs=2, random_state=seed), True),
    }


def main():
    transform = json.load(open(sys.argv[1]))
    folder, seed = sys.argv[2], int(sys.argv[3])
    task = transform["task"]
    n_classes = len(transform.get("classes") or [])
    x_train, y_train = load(folder + "/train")
    x_val, y_val = load(folder + "/validation")
    x_test, y_test = load(folder + "/test")
    result = {"task": task, "rows": {"train": len(y_train), "validation": len(y_val), "test": len(y_test)},
              "features": int(x_train.shape[1]), "seed": seed, "models": {}}
    for name, (model, uses_validation) in models(task, seed).items():
        start = time.perf_counter()
        if uses_validation:
            model.fit(x_train, y_train, eval_set=[(x_val, y_val)], verbose=False)
        else:
            model.fit(x_train, y_train)
        seconds = time.perf_counter() - start
        if task == "regression":
            scores = regression_metrics(y_test, model.predict(x_test))
        else:
            scores = classification_metrics(y_test, model.predict_proba(x_test), n_classes)
        scores = {k: round(float(v), 6) for k, v in scores.items()}
        result["models"][name] = {"test": scores, "train_seconds": round(seconds, 3)}
        print(f"peers: {name}: {scores} in {seconds:.1f} s", file=sys.stderr)
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
