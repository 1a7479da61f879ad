package io.dlpipe.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.io.Json;
import io.dlpipe.submit.SparkSubmitPlan;
import io.dlpipe.testing.Processes;
import io.dlpipe.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The recipes that cannot run here (YARN, Kubernetes, Airflow) parse, reference files and keys that
 * exist, and submit with exactly the settings of the launcher's tested standalone submission.
 */
class DeployRecipesTest {
  private static final Path ROOT = TestData.projectDir();
  private static final Pattern CONF =
      Pattern.compile("--conf (?:'(spark\\.[^']*)'|(spark\\.\\S+))");

  private static Map<String, String> expected() {
    return expected("conf/examples/cluster.conf");
  }

  private static Map<String, String> expected(String config) {
    DlpipeConfig cfg = ConfigLoader.load(ROOT.resolve(config), List.of());
    return SparkSubmitPlan.sparkConf(cfg);
  }

  /** The spark-submit --conf settings of a shell recipe, in order, without Kubernetes' own. */
  private static Map<String, String> shellConf(String file) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = CONF.matcher(Files.readString(ROOT.resolve(file)));
    while (m.find()) {
      String kv = m.group(1) != null ? m.group(1) : m.group(2);
      String key = kv.substring(0, kv.indexOf('='));
      if (!key.startsWith("spark.kubernetes.")) {
        out.put(key, kv.substring(kv.indexOf('=') + 1));
      }
    }
    return out;
  }

  @Test
  void yarnSubmitMatchesTheLauncher() throws Exception {
    // The config YarnClusterIT runs on a real YARN.
    assertEquals(expected("conf/examples/yarn.conf"), shellConf("deploy/yarn/submit.sh"));
    String script = Files.readString(ROOT.resolve("deploy/yarn/submit.sh"));
    assertTrue(script.contains("--class " + SparkSubmitPlan.MAIN_CLASS), script);
    assertTrue(
        script.contains("conf/examples/yarn.conf")
            && Files.exists(ROOT.resolve("conf/examples/yarn.conf")));
    // Without the launcher, the config's environment substitutions reach the application master
    // only through its environment.
    // Comment lines name the substitutions too; only the settings count.
    String settings =
        Files.readAllLines(ROOT.resolve("conf/examples/yarn.conf")).stream()
            .filter(l -> !l.trim().startsWith("#"))
            .collect(java.util.stream.Collectors.joining("\n"));
    Matcher env = Pattern.compile("\\$\\{\\?(\\w+)}").matcher(settings);
    List<String> forwarded = new ArrayList<>();
    while (env.find()) {
      forwarded.add(env.group(1));
      assertTrue(
          script.contains(
              "${"
                  + env.group(1)
                  + ":+--conf \"spark.yarn.appMasterEnv."
                  + env.group(1)
                  + "=$"
                  + env.group(1)
                  + "\"}"),
          env.group(1));
    }
    assertEquals(List.of("DLPIPE_INPUT", "DLPIPE_OUTPUT"), forwarded);
    assertTrue(
        script.contains("${DLPIPE_DRIVER_MEMORY:+--driver-memory \"$DLPIPE_DRIVER_MEMORY\"}"),
        script);
  }

  @Test
  void kubernetesSubmitAndManifestMatchTheLauncher() throws Exception {
    assertEquals(expected(), shellConf("deploy/kubernetes/spark-submit.sh"));

    Map<String, Object> app =
        new Yaml().load(Files.readString(ROOT.resolve("deploy/kubernetes/sparkapplication.yaml")));
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) app.get("spec");
    @SuppressWarnings("unchecked")
    Map<String, Object> sparkConf = (Map<String, Object>) spec.get("sparkConf");
    Map<String, String> manifest = new LinkedHashMap<>();
    sparkConf.forEach((k, v) -> manifest.put(k, String.valueOf(v)));
    assertEquals(expected(), manifest);
    assertEquals("sparkoperator.k8s.io/v1beta2", app.get("apiVersion"));
    assertEquals(SparkSubmitPlan.MAIN_CLASS, spec.get("mainClass"));
    assertEquals("local:///opt/dlpipe/dlpipe-spark.jar", spec.get("mainApplicationFile"));
    assertEquals(List.of("run", "--conf", "/opt/dlpipe/conf/cluster.conf"), spec.get("arguments"));
  }

  @Test
  void dockerfileCopiesWhatExistsToWhereTheRecipesLook() throws Exception {
    List<String> lines = Files.readAllLines(ROOT.resolve("deploy/kubernetes/Dockerfile"));
    List<String> copied = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("COPY ")) {
        String[] parts = line.split("\\s+");
        String source = parts[1];
        copied.add(parts[2]);
        if (source.equals("target/dlpipe-spark.jar")) {
          // A build output: the shade plugin's outputFile.
          assertTrue(
              Files.readString(ROOT.resolve("pom.xml"))
                  .contains(
                      "<outputFile>${project.build.directory}/dlpipe-spark.jar</outputFile>"));
        } else {
          assertTrue(Files.exists(ROOT.resolve(source)), source);
        }
      }
    }
    assertEquals(
        List.of(
            "/opt/dlpipe/dlpipe-spark.jar",
            "/opt/dlpipe/conf/",
            "/opt/dlpipe/deploy/gpu/discover-gpus.sh"),
        copied);
  }

  @Test
  void airflowDagParsesAndMatchesTheLauncher() throws Exception {
    // Reads the DAG's constants with Python's own parser; Airflow itself need not be installed.
    String program =
        "import ast, json, sys\n"
            + "tree = ast.parse(open(sys.argv[1]).read())\n"
            + "out = {}\n"
            + "for node in tree.body:\n"
            + "    if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):\n"
            + "        try: out[node.targets[0].id] = ast.literal_eval(node.value)\n"
            + "        except ValueError: pass\n"
            + "print(json.dumps(out))\n";
    Processes.Result r =
        Processes.run(
            ROOT,
            Map.of(),
            60,
            List.of("python3", "-c", program, "deploy/airflow/dlpipe_daily.py"));
    assertEquals(0, r.code(), r.output());
    JsonNode constants = Json.MAPPER.readTree(r.output());
    Map<String, String> dag = new LinkedHashMap<>();
    constants
        .get("SPARK_CONF")
        .fields()
        .forEachRemaining(e -> dag.put(e.getKey(), e.getValue().asText()));
    assertEquals(expected(), dag);
    assertEquals(SparkSubmitPlan.MAIN_CLASS, constants.get("MAIN_CLASS").asText());

    // One config for every day: the DAG passes only the rendered date, and daily.conf turns it into
    // the day's partition.
    List<String> args = new ArrayList<>();
    constants.get("RUN_ARGS").forEach(a -> args.add(a.asText().replace("{{ ds }}", "2026-11-28")));
    assertEquals(List.of("run", "--conf", "daily.conf", "--date", "2026-11-28"), args);
    DlpipeConfig cfg =
        ConfigLoader.load(ROOT.resolve("conf/examples/daily.conf"), List.of(), args.get(4));
    assertEquals("hdfs:///data/ames/raw/dt=2026-11-28", cfg.input().path());
    assertEquals("hdfs:///dlpipe/ames", cfg.output().dir());
    assertEquals(java.time.LocalDate.of(2026, 11, 28), cfg.schedule().date());
    assertEquals(io.dlpipe.config.ScheduleConfig.Retrain.ON_DRIFT, cfg.schedule().retrain());
    assertTrue(
        Files.readString(ROOT.resolve("deploy/airflow/dlpipe_daily.py"))
            .contains(
                "CONFIGS = DLPIPE_HOME + \"/conf/daily.conf,\" + DLPIPE_HOME + \"/conf/cluster.conf\""),
        "daily.conf's include travels with it");
  }
}
