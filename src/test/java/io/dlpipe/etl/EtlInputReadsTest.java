package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.testing.CountingFileSystem;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etl reads its input in full at most twice (the statistics pass and the writing pass) and infers
 * roles from a bounded sample: counted as the bytes read through every open of the input file.
 */
class EtlInputReadsTest {
  @TempDir Path tmp;
  private final SparkSession spark = TestSpark.get();

  @Test
  void theInputIsReadInFullTwiceAndRolesComeFromASample() throws IOException {
    CountingFileSystem.register(spark.sparkContext().hadoopConfiguration());
    Path input = Files.copy(TestData.credit(), tmp.resolve("credit.csv"));
    long size = Files.size(input);
    CountingFileSystem.takeReads(input.toString());
    EtlResult r =
        new EtlJob(
                spark,
                TestData.config(
                    "countfs://" + input,
                    "csv",
                    "Status",
                    "classification",
                    tmp.resolve("ws"),
                    "target.classes=[good, bad]",
                    "etl.infer.sample-rows=500"))
            .run();
    List<Long> reads = CountingFileSystem.takeReads(input.toString());

    assertEquals(4454, r.summary().rowsRead());
    assertTrue(r.summary().reconciles());
    // The header, the sample of 500 rows (one partition: one 64 KiB buffer), then the two passes.
    assertEquals(List.of(65536L, 65536L, size, size), reads);
    // One of credit's numeric columns has more than 1,024 distinct train values: its drift shares
    // come from the sketch.
    assertEquals(
        new EtlSummary.Reads(
            500,
            true,
            2,
            List.of(
                "drift_reference: the train shares of 1 numeric column(s) with more than 1024 distinct train values are read"
                    + " off the quantile sketch (within etl.quantile-relative-error = 0.001 of the train rows)",
                "duplicates_found: rows compared by a 96-bit fingerprint of their values; a collision (below 1e-13 at"
                    + " 50 million rows) would add one")),
        r.summary().reads());
  }
}
