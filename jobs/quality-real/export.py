#!/usr/bin/env python3
"""Exports the real-data quality suite to CSV, for `jobs/quality --suite real` (harness only).

Every dataset ships in a Debian package (python3-statsmodels, r-cran-aer, r-cran-ggplot2,
r-cran-kernlab, r-cran-mlbench, r-cran-mlmrev), so nothing is downloaded. R's data is written by
Rscript, which those packages bring. An R factor whose levels are all numbers (a school id, a
credit-history grade) is written as `<column>_<level>`, so that dlpipe reads it as the category it
is rather than as a number; an id column with one value per row is dropped. Nothing else is
changed: no row is filtered, no column is engineered.

    export.py OUT_DIR [NAME ...]

writes OUT_DIR/<name>.csv and OUT_DIR/<name>.conf (the five required keys only) and prints one
line per dataset: name, task, rows, what it covers.
"""
import os
import subprocess
import sys

# name: (source, dataset, target, task, drop, what it covers)
SUITE = {
    "randhie": ("statsmodels", "randhie", "mdvis", "regression", [], "count (doctor visits), many zeros"),
    "fair": ("statsmodels", "fair", "affairs", "regression", [], "skewed, zero-heavy, not whole numbers"),
    "doctorvisits": ("AER", "DoctorVisits", "visits", "regression", [], "count, 80% zeros"),
    "cps1988": ("AER", "CPS1988", "wage", "regression", [], "skewed (weekly wages)"),
    "diamonds": ("ggplot2", "diamonds", "price", "regression", [], "skewed (prices), ordered categoricals"),
    "chem97": ("mlmRev", "Chem97", "score", "regression", ["student"], "high-cardinality categoricals (2,410 schools, 131 areas)"),
    "spam": ("kernlab", "spam", "type", "classification", [], "binary"),
    "hmda": ("AER", "HMDA", "deny", "classification", [], "binary, imbalanced (12% denied)"),
    "fertility2": ("AER", "Fertility2", "morekids", "classification", [], "binary, heavily repeated feature rows"),
    "satellite": ("mlbench", "Satellite", "classes", "classification", [], "6 classes"),
    "letter": ("mlbench", "LetterRecognition", "lettr", "classification", [], "26 classes"),
}

R_EXPORT = r'''
args <- commandArgs(trailingOnly = TRUE)
e <- new.env()
data(list = args[2], package = args[1], envir = e)
d <- as.data.frame(get(args[2], envir = e))
drop <- if (length(args) > 3) strsplit(args[4], ",")[[1]] else character(0)
d <- d[, setdiff(names(d), drop), drop = FALSE]
for (n in names(d)) {
  if (is.factor(d[[n]])) {
    lv <- as.character(d[[n]])
    if (all(grepl("^-?[0-9.]+$", levels(d[[n]])))) lv <- paste0(n, "_", lv)
    d[[n]] <- lv
  }
}
write.csv(d, args[3], row.names = FALSE)
'''


def export(name, out):
    source, dataset, target, task, drop, _ = SUITE[name]
    path = os.path.join(out, name + ".csv")
    if source == "statsmodels":
        import statsmodels.api as sm
        getattr(sm.datasets, dataset).load_pandas().data.drop(columns=drop).to_csv(path, index=False)
    else:
        subprocess.run(["Rscript", "-e", R_EXPORT, source, dataset, path, ",".join(drop)], check=True)
    with open(os.path.join(out, name + ".conf"), "w") as f:
        f.write(f'input  {{ path = "{path}", format = csv }}\n')
        f.write(f'target {{ column = "{target}", task = {task} }}\n')
        f.write(f'output {{ dir = "{os.path.join(out, name)}" }}\n')
    with open(path) as f:
        rows = sum(1 for _ in f) - 1
    return rows


def main(out, names):
    os.makedirs(out, exist_ok=True)
    for name in names or SUITE:
        if name not in SUITE:
            sys.exit(f"export.py: unknown dataset '{name}' ({', '.join(SUITE)})")
        rows = export(name, out)
        print(f"{name}\t{SUITE[name][3]}\t{rows}\t{SUITE[name][5]}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
