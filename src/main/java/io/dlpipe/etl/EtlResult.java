package io.dlpipe.etl;

/**
 * What a finished ETL run produced.
 *
 * @param summary the reconciled counts and timings, as written to etl-summary.json
 * @param transform the transform fitted on train, as written to transform.json
 */
public record EtlResult(EtlSummary summary, FittedTransform transform) {}
