package io.dlpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.ConfigException;
import io.dlpipe.ExitCodes;
import io.dlpipe.testing.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretMaskerTest {
  /** Every Hadoop / Spark credential key the issue lists, each with a distinct value. */
  static final List<String> CREDENTIAL_KEYS =
      List.of(
          "spark.hadoop.fs.s3a.access.key",
          "spark.hadoop.fs.s3a.secret.key",
          "spark.hadoop.fs.s3a.session.token",
          "spark.hadoop.fs.s3a.bucket.logs.access.key",
          "spark.hadoop.fs.s3a.bucket.logs.secret.key",
          "spark.hadoop.fs.s3a.bucket.logs.session.token",
          "spark.hadoop.fs.s3a.encryption.key",
          "spark.hadoop.fs.s3a.bucket.logs.server-side-encryption.key",
          "spark.hadoop.fs.azure.account.key.acct.blob.core.windows.net",
          "spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net",
          "spark.hadoop.fs.azure.sas.container.acct.blob.core.windows.net",
          "spark.hadoop.fs.azure.sas.fixed.token",
          "spark.hadoop.fs.azure.account.oauth2.client.secret",
          "spark.hadoop.fs.azure.account.oauth2.client.secret.acct.dfs.core.windows.net",
          "spark.hadoop.fs.azure.account.oauth2.refresh.token",
          "spark.hadoop.fs.adl.oauth2.credential",
          "spark.hadoop.fs.adl.oauth2.refresh.token",
          "spark.hadoop.fs.gs.auth.service.account.json.keyfile",
          "spark.hadoop.google.cloud.auth.service.account.json.keyfile",
          "spark.hadoop.fs.gs.auth.service.account.private.key",
          "spark.hadoop.fs.gs.auth.service.account.private.key.id",
          "spark.hadoop.fs.gs.auth.client.secret",
          "spark.hadoop.hadoop.security.credential.provider.path",
          "spark.hadoop.hadoop.security.credstore.java-keystore-provider.password-file",
          "spark.ssl.keyPassword",
          "spark.ssl.trustStorePassword",
          "spark.authenticate.secret",
          "spark.executorEnv.AWS_SECRET_ACCESS_KEY",
          "spark.executorEnv.AWS_ACCESS_KEY_ID",
          "spark.executorEnv.AWS_SESSION_TOKEN",
          "spark.hadoop.javax.jdo.option.ConnectionPassword");

  @TempDir Path dir;

  private static DlpipeConfig load(List<String> extra) {
    return TestConfig.minimal().set(extra).env(Map.of()).load();
  }

  private static String value(int i) {
    return "s3cr3t-value-" + (100 + i);
  }

  @Test
  void everyCredentialKeyIsMaskedInTheRenderedConfigAndInSettings() {
    List<String> sets = new ArrayList<>();
    for (int i = 0; i < CREDENTIAL_KEYS.size(); i++) {
      sets.add("spark.conf.\"" + CREDENTIAL_KEYS.get(i) + "\"=" + value(i));
    }
    sets.add("spark.conf.\"spark.executor.memory\"=4g");
    sets.add("input.options.password=" + value(99));
    DlpipeConfig c = load(sets);
    String text = c.renderMasked();
    for (int i = 0; i < CREDENTIAL_KEYS.size(); i++) {
      assertFalse(text.contains(value(i)), CREDENTIAL_KEYS.get(i) + " leaked: " + text);
      assertTrue(
          text.contains("\"" + CREDENTIAL_KEYS.get(i) + "\"=\"****\""), CREDENTIAL_KEYS.get(i));
    }
    assertFalse(text.contains(value(99)), text);
    assertTrue(text.contains("\"spark.executor.memory\"=\"4g\""), text);
    assertTrue(text.contains("path=\"/data/raw.csv\""), text);

    Map<String, String> masked = c.masker().mask(c.spark().conf());
    assertEquals(CREDENTIAL_KEYS.size() + 1, masked.size());
    assertEquals(
        CREDENTIAL_KEYS.size(), masked.values().stream().filter(SecretMasker.MASK::equals).count());
    assertEquals("4g", masked.get("spark.executor.memory"));
  }

  @Test
  void ordinaryKeysAreNotSecret() {
    SecretMasker m = SecretMasker.builtIn();
    for (String key :
        List.of(
            "etl.dedup.key-columns",
            "spark.executor.memory",
            "spark.kryo.registrator",
            "spark.io.encryption.keySizeBits",
            "spark.hadoop.fs.s3a.endpoint",
            "spark.hadoop.fs.s3a.bucket.logs.endpoint",
            "security.secret-keys",
            "input.path",
            "target.column")) {
      assertFalse(m.isSecret(key), key);
    }
  }

  @Test
  void userGlobsExtendTheList() {
    DlpipeConfig c =
        load(
            List.of(
                "security.secret-keys=[\"fs.vault.*\", \"*.apiid\"]",
                "spark.conf.\"spark.hadoop.fs.vault.address\"=vault-9921",
                "input.options.apiid=id-55123",
                "spark.conf.\"spark.hadoop.fs.other.address\"=other-1"));
    String text = c.renderMasked();
    assertFalse(text.contains("vault-9921"), text);
    assertFalse(text.contains("id-55123"), text);
    assertTrue(text.contains("other-1"), text);
    assertTrue(text.contains("\"*.apiid\""), "the list of key names is not itself masked: " + text);
    assertEquals(List.of("fs.vault.*", "*.apiid"), c.security().secretKeys());
  }

  @Test
  void aTypeErrorInASecretKeyDoesNotEchoTheValue() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> load(List.of("spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=[hunter2, x]")));
    assertEquals(ExitCodes.USAGE, e.exitCode());
    assertEquals(
        "Invalid configuration: spark.conf.\"spark.hadoop.fs.s3a.secret.key\": expected a text, number or boolean, found list **** "
            + "(--set spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=****)",
        e.getMessage());
  }

  @Test
  void aTypeErrorInAUserSecretKeyInAFileDoesNotEchoTheValue() throws Exception {
    Path f = dir.resolve("job.conf");
    Files.writeString(
        f,
        "security.secret-keys = [\"*.vaulttoken2\"]\nspark.conf { \"fs.x.vaulttoken2\" = [\"tok-889911\"] }\n");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> TestConfig.minimal().file(f).env(Map.of()).load());
    assertEquals(
        "Invalid configuration: spark.conf.\"fs.x.vaulttoken2\": expected a text, number or boolean, found list **** ("
            + f
            + ": 2)",
        e.getMessage());
  }

  @Test
  void aMisspelledSecretKeyIsNamedButItsValueIsNot() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> load(List.of("input.password=pw-123456")));
    assertEquals(
        "Invalid configuration: unknown key 'input.password' (--set input.password=****) Every key is listed with its default in dlpipe-defaults.conf.",
        e.getMessage());
  }

  @Test
  void freeTextIsScrubbedOfKnownSecretsAndUrlCredentials() {
    DlpipeConfig c =
        load(
            List.of(
                "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=wJalrXUtnFEMI",
                "spark.conf.\"spark.hadoop.fs.s3a.access.key\"=AKIAEXAMPLE"));
    assertEquals(
        "Forbidden for **** / **** at s3a://****@bucket/x",
        c.masker().scrub("Forbidden for AKIAEXAMPLE / wJalrXUtnFEMI at s3a://AKIA:wJalr@bucket/x"));
    assertEquals(
        "denied: **** and ****", c.masker().scrub("denied: wJalrXUtnFEMI and AKIAEXAMPLE"));
    assertEquals(
        "input.path = jdbc:postgresql://****@db:5432/x",
        c.masker().scrub("input.path = jdbc:postgresql://u:p@db:5432/x"));
  }

  /**
   * Issue 19.4: names with pass, pwd or a trailing key, and values that are credentials whatever
   * their key is called.
   */
  @Test
  void valuesAreMaskedByWhatTheyAreAsWellAsByTheirKeyName() {
    SecretMasker m = SecretMasker.builtIn();
    for (String key :
        List.of(
            "spark.executorEnv.DB_PWD",
            "spark.executorEnv.DB_PASS",
            "spark.executorEnv.DB_KEY",
            "spark.executorEnv.API_KEY_ID",
            "input.options.passphrase",
            "spark.executorEnv.SERVICE_CREDENTIALS")) {
      assertTrue(m.isSecret(key), key);
    }
    DlpipeConfig c =
        load(
            List.of(
                "spark.conf.\"spark.hadoop.javax.jdo.option.ConnectionURL\"=\"jdbc:mysql://db/metastore?user=hive&password=Pw-7788&ssl=true\"",
                "spark.conf.\"spark.executorEnv.MIRROR\"=\"https://mirroruser:Mirror-Pw-31@mirror.example.com/x\"",
                "spark.conf.\"spark.executorEnv.DB_PWD\"=Env-Pwd-4411"));
    String text = c.renderMasked();
    assertTrue(
        text.contains("\"jdbc:mysql://db/metastore?user=hive&password=****&ssl=true\""), text);
    assertTrue(text.contains("\"https://****@mirror.example.com/x\""), text);
    for (String value : List.of("Pw-7788", "Mirror-Pw-31", "mirroruser", "Env-Pwd-4411")) {
      assertFalse(text.contains(value), value + " in " + text);
      assertEquals(
          "lost: ****.",
          c.masker().scrub("lost: " + value + "."),
          "a known value is scrubbed from free text: " + value);
    }
    assertEquals(
        "jdbc:sqlserver://db:1433;user=sa;password=****;encrypt=true",
        m.scrub("jdbc:sqlserver://db:1433;user=sa;password=Sa-Pw-1;encrypt=true"));
    assertEquals(
        "https://h/x?access_token=****&page=2", m.scrub("https://h/x?access_token=tok-123&page=2"));
    assertEquals("https://h/x?user=u&page=2", m.scrub("https://h/x?user=u&page=2"));
    assertTrue(m.holdsSecret("s3a://AK:SECRET@bucket/x"));
    assertTrue(m.holdsSecret("jdbc:postgresql://db/x?password=p"));
    assertFalse(m.holdsSecret("hdfs://nn:8020/raw?part=1"));

    java.util.regex.Pattern keysAndValues =
        java.util.regex.Pattern.compile(m.sparkRedactionRegex());
    assertTrue(keysAndValues.matcher("spark.executorEnv.DB_PWD").find());
    assertTrue(
        keysAndValues.matcher("https://u:pw@mirror.example.com/x").find(),
        "Spark also matches values");
    java.util.regex.Pattern strings =
        java.util.regex.Pattern.compile(SecretMasker.sparkStringRedactionRegex());
    assertEquals(
        "Location: InMemoryFileIndex[s3a://*********(redacted)@b/x], url jdbc:x://h/d?user=u&password=*********(redacted)&ssl=1",
        strings
            .matcher(
                "Location: InMemoryFileIndex[s3a://AK:SEC-1@b/x], url jdbc:x://h/d?user=u&password=pw1&ssl=1")
            .replaceAll("*********(redacted)"));
  }

  @Test
  void sparkRedactionRegexCoversTheSameKeys() {
    java.util.regex.Pattern p =
        java.util.regex.Pattern.compile(SecretMasker.of(List.of("*.apiid")).sparkRedactionRegex());
    for (String key : CREDENTIAL_KEYS) {
      assertTrue(p.matcher(key).find(), key);
    }
    assertTrue(p.matcher("fs.x.apiid").find());
    assertFalse(p.matcher("spark.executor.memory").find());
  }

  @Test
  void settingsMapKeepsOrder() {
    Map<String, String> in = new LinkedHashMap<>();
    in.put("spark.app.name", "x");
    in.put("spark.hadoop.fs.s3a.secret.key", "abcdef");
    assertEquals(List.of("x", "****"), List.copyOf(SecretMasker.builtIn().mask(in).values()));
  }
}
