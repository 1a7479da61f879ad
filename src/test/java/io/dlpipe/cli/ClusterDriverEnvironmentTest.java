package io.dlpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dlpipe.config.PrivacyConfig;
import io.dlpipe.submit.SparkSubmitPlan;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: a YARN or Kubernetes cluster-mode driver has its container's environment, not the
 * submitting shell's; the PII salt the launcher passed as a secret setting (a system property
 * there, as Spark's application master sets every setting) joins the environment the config is
 * loaded with.
 */
class ClusterDriverEnvironmentTest {
  private static final String SALT = "a-salt-of-twenty-chars";

  @Test
  void theSaltReachesTheConfigOnlyInAYarnClusterDriver() {
    assertNull(
        System.getenv(PrivacyConfig.SALT_ENV),
        "the test JVM must not have the salt in its environment");
    Map<String, String> props =
        Map.of(
            SparkSubmitPlan.PII_SALT_CONF,
            SALT,
            "spark.master",
            "yarn",
            "spark.submit.deployMode",
            "cluster");
    try {
      System.setProperty(SparkSubmitPlan.PII_SALT_CONF, SALT);
      assertNull(
          CommonOptions.environment().get(PrivacyConfig.SALT_ENV),
          "not a YARN cluster-mode driver: the environment as it is");
      props.forEach(System::setProperty);
      assertEquals(SALT, CommonOptions.environment().get(PrivacyConfig.SALT_ENV));
      assertEquals(
          System.getenv("PATH"),
          CommonOptions.environment().get("PATH"),
          "the rest of the environment stays");
    } finally {
      props.keySet().forEach(System::clearProperty);
    }
  }

  @Test
  void theSaltReachesTheConfigInAKubernetesClusterDriver() {
    // The driver pod runs spark-submit again in client mode, with the setting Spark's Kubernetes
    // client adds for it.
    Map<String, String> props =
        Map.of(
            SparkSubmitPlan.PII_SALT_CONF,
            SALT,
            "spark.master",
            "k8s://https://kubernetes.default.svc:443",
            "spark.submit.deployMode",
            "client");
    try {
      props.forEach(System::setProperty);
      assertNull(
          CommonOptions.environment().get(PrivacyConfig.SALT_ENV),
          "a client-mode driver has the submitting environment: the setting is ignored");
      System.setProperty("spark.kubernetes.submitInDriver", "true");
      assertEquals(SALT, CommonOptions.environment().get(PrivacyConfig.SALT_ENV));
    } finally {
      props.keySet().forEach(System::clearProperty);
      System.clearProperty("spark.kubernetes.submitInDriver");
    }
  }
}
