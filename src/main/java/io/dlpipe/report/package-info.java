/**
 * The evaluation report: {@code metrics.json}, {@code curves.json}, {@code training-history.csv},
 * {@code etl-summary.json} and {@code model.json} turned into one self-contained HTML page, {@code
 * evaluation/report.html}.
 *
 * <p>The page must open anywhere a model is reviewed: an air-gapped cluster, an e-mail attachment,
 * a CI artifact. So nothing is fetched: the CSS is inline and every chart is SVG drawn here, in
 * Java, from the numbers. A few lines of inline script only check, after the browser laid the page
 * out, that every chart's marks really rendered ({@code data-drawn}); without script the page reads
 * the same. {@link io.dlpipe.report.ReportWriter} is the entry point; {@code Plot} and {@code
 * Scale} are the small SVG charting kit, {@code Fmt} escapes and formats every value.
 */
package io.dlpipe.report;
