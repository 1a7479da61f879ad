package io.dlpipe.yarn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlpipe.submit.SparkSubmitPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.junit.jupiter.api.Test;

/**
 * How a failed YARN application becomes dlpipe's exit code and one line (YarnClusterIT runs the
 * real thing).
 */
class YarnSubmissionTest {
  private static final ApplicationId APP = ApplicationId.newInstance(1796638085738L, 7);

  private static ApplicationReport report(
      YarnApplicationState state, FinalApplicationStatus status, String diagnostics) {
    return ApplicationReport.newInstance(
        APP,
        null,
        "etl",
        "nightly",
        "dlpipe-credit",
        "localhost",
        0,
        null,
        state,
        diagnostics,
        "",
        1L,
        2L,
        3L,
        status,
        null,
        "",
        1f,
        "SPARK",
        null);
  }

  private static String explain(Optional<ApplicationReport> app, int submitCode, int expectedCode) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(
        expectedCode,
        YarnSubmission.explain(
            app, submitCode, new PrintStream(err, true, StandardCharsets.UTF_8)));
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theDriversExitCodeAndLineComeBackFromTheDiagnostics() {
    String diagnostics =
        "User class threw exception: java.lang.IllegalStateException: dlpipe exit 3: Input not found: hdfs:///raw (input.path) does not exist or matches no file\n"
            + "\tat io.dlpipe.cli.Main.main(Main.java:52)\n";
    String line =
        explain(
            Optional.of(
                report(YarnApplicationState.FINISHED, FinalApplicationStatus.FAILED, diagnostics)),
            1,
            3);
    assertEquals(
        "dlpipe: Input not found: hdfs:///raw (input.path) does not exist or matches no file (YARN application application_1796638085738_0007; "
            + "its logs: yarn logs -applicationId application_1796638085738_0007)\n",
        line);
  }

  @Test
  void anyOtherFailureNamesTheApplicationItsQueueStateAndFirstDiagnosticLine() {
    String line =
        explain(
            Optional.of(
                report(
                    YarnApplicationState.KILLED,
                    FinalApplicationStatus.KILLED,
                    "Application killed by user.\nmore")),
            1,
            1);
    assertEquals(
        "dlpipe: YARN application application_1796638085738_0007 in queue nightly ended KILLED/KILLED: Application killed by user. "
            + "(its logs: yarn logs -applicationId application_1796638085738_0007)\n",
        line);
  }

  @Test
  void noApplicationOrASucceededOneKeepsSparkSubmitsCodeAndSaysNothingMore() {
    assertEquals("", explain(Optional.empty(), 1, 1));
    assertEquals(
        "",
        explain(
            Optional.of(
                report(YarnApplicationState.FINISHED, FinalApplicationStatus.SUCCEEDED, "")),
            3,
            3));
  }

  @Test
  void theSubmissionTagJoinsTheUsersTags() {
    Map<String, String> conf = new LinkedHashMap<>(Map.of("spark.yarn.tags", "dlpipe,credit"));
    SparkSubmitPlan plan =
        new SparkSubmitPlan(
            List.of("spark-submit"),
            "yarn",
            "cluster",
            "app.jar",
            Path.of("job.conf"),
            List.of("run"),
            conf,
            Map.of(),
            null);
    assertEquals(
        "dlpipe,credit,dlpipe-submission-1",
        YarnSubmission.tagged(plan, "dlpipe-submission-1").sparkConf().get("spark.yarn.tags"));
    SparkSubmitPlan untagged =
        new SparkSubmitPlan(
            List.of("spark-submit"),
            "yarn",
            "cluster",
            "app.jar",
            null,
            List.of("run"),
            Map.of(),
            Map.of(),
            null);
    assertEquals(
        "dlpipe-submission-1",
        YarnSubmission.tagged(untagged, "dlpipe-submission-1").sparkConf().get("spark.yarn.tags"));
  }
}
