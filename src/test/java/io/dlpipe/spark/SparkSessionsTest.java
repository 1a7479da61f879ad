package io.dlpipe.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.SecretMasker;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {
  @Test
  void sparkRedactsTheUsersSecretKeysAsWellAsTheBuiltInOnes() {
    DlpipeConfig cfg =
        ConfigLoader.load(
            null,
            List.of(
                "input.path=/raw",
                "target.column=y",
                "target.task=regression",
                "output.dir=/ws",
                "security.secret-keys=[\"*vault.ticket*\"]"));
    SecretMasker before = SecretMasker.use(cfg.masker());
    try {
      Pattern regex =
          Pattern.compile(
              SparkSessions.baseConf("local[1]", cfg.spark()).get("spark.redaction.regex"));
      // Spark applies the regex with find() to each key.
      assertTrue(regex.matcher("spark.hadoop.corp.vault.ticket.id").find());
      assertTrue(regex.matcher("spark.hadoop.fs.s3a.secret.key").find());
      assertFalse(regex.matcher("spark.executor.memory").find());
    } finally {
      SecretMasker.use(before);
    }
  }
}
