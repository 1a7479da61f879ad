package io.dlpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlpipe.ConfigException;
import io.dlpipe.testing.TestConfig;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The table keys are validated before Spark starts, each refusal naming the key, the expected and
 * the found value.
 */
class TableConfigTest {
  private static DlpipeConfig load(String... sets) {
    return TestConfig.of("", "y", "regression", "/w").unset("input.path").set(sets).load();
  }

  private static String refusal(String... sets) {
    return assertThrows(ConfigException.class, () -> load(sets)).getMessage();
  }

  @Test
  void tableInputNeedsATableAndNoPath() {
    DlpipeConfig c =
        load("input.format=table", "input.table=lake.houses", "input.where=dt = '2026-11-28'");
    assertEquals(InputFormat.TABLE, c.input().format());
    assertEquals("lake.houses", c.input().table());
    assertEquals("", c.input().path());
    assertEquals("table lake.houses where dt = '2026-11-28'", c.input().describe());
    assertEquals(
        "Invalid configuration: input.table: expected a table of the session's catalog such as db.name when input.format = table, found string \"\" "
            + "(dlpipe-defaults.conf @ "
            + ConfigLoaderTest.class.getClassLoader().getResource("dlpipe-defaults.conf")
            + ": 17)",
        refusal("input.format=table"));
    assertEquals(
        "Invalid configuration: input.path: expected no value when input.format = table (input.table names the table), found string \"/raw\" (--set input.path=/raw)",
        refusal("input.format=table", "input.table=lake.houses", "input.path=/raw"));
    assertEquals(
        "Invalid configuration: input.table: expected no value unless input.format = table (found input.format = csv), found string \"lake.houses\" "
            + "(--set input.table=lake.houses)",
        refusal("input.path=/raw", "input.table=lake.houses"));
    assertEquals(
        "Invalid configuration: input.table: expected a table of the session's catalog such as db.name when input.format = table (a name the SQL parser "
            + "accepts; quote parts with backticks), found string \"lake.my houses\" (--set input.table=lake.my houses)",
        refusal("input.format=table", "input.table=lake.my houses"));
  }

  @Test
  void whereMustParseAsAPredicate() {
    assertEquals(
        "dt = '2026-11-28'",
        load("input.path=/raw", "input.where=dt = '2026-11-28'").input().where());
    assertEquals(
        "Invalid configuration: input.where: expected empty, or a SQL predicate on the input's columns such as dt = '2026-11-28', found string "
            + "\"dt = '2026-11-28\" (--set input.where=dt = '2026-11-28)",
        refusal("input.path=/raw", "input.where=dt = '2026-11-28"));
  }

  @Test
  void whereMayCallBuiltInFunctionsButNoJavaMethodUserFunctionOrSubquery() {
    String ok =
        "cast(price as double) > 100 and lower(trim(city)) in ('a', 'b') and exists(array(1, 2), v -> v > 1)";
    assertEquals(ok, load("input.path=/raw", "input.where=" + ok).input().where());
    String expected =
        "Invalid configuration: input.where: expected a SQL predicate that calls only Spark's built-in functions and no Java method (";
    assertEquals(
        expected
            + "it calls java_method), found string \"x = java_method('java.lang.System', 'exit', 0)\" (--set input.where=x = java_method('java.lang.System', 'exit', 0))",
        refusal("input.path=/raw", "input.where=x = java_method('java.lang.System', 'exit', 0)"));
    assertEquals(
        expected
            + "it calls REFLECT), found string \"upper(REFLECT('java.lang.Runtime', 'getRuntime')) is not null\" "
            + "(--set input.where=upper(REFLECT('java.lang.Runtime', 'getRuntime')) is not null)",
        refusal(
            "input.path=/raw",
            "input.where=upper(REFLECT('java.lang.Runtime', 'getRuntime')) is not null"));
    assertEquals(
        expected
            + "it calls my_udf, which is not one of Spark's built-in functions), found string \"my_udf(x) > 1\" (--set input.where=my_udf(x) > 1)",
        refusal("input.path=/raw", "input.where=my_udf(x) > 1"));
    assertEquals(
        expected
            + "it calls db.f, which is not one of Spark's built-in functions), found string \"db.f(x)\" (--set input.where=db.f(x))",
        refusal("input.path=/raw", "input.where=db.f(x)"));
    assertEquals(
        expected
            + "it holds a subquery), found string \"x in (select id from other)\" (--set input.where=x in (select id from other))",
        refusal("input.path=/raw", "input.where=x in (select id from other)"));
  }

  @Test
  void runDateAndThePredictTableLayout() {
    assertEquals(Optional.empty(), load("input.path=/raw").schedule().runDate());
    assertEquals(
        Optional.of(LocalDate.of(2026, 11, 28)),
        load("input.path=/raw", "run.date=2026-11-28").schedule().runDate());
    assertEquals(
        new PredictTableConfig("dt", TableFormat.PARQUET), load("input.path=/raw").predictTable());
    assertEquals(
        new PredictTableConfig("run_day", TableFormat.DELTA),
        load(
                "input.path=/raw",
                "predict.table.partition-column=run_day",
                "predict.table.format=delta")
            .predictTable());
    assertEquals(
        "Invalid configuration: run.date: expected a date YYYY-MM-DD, found string \"28.11.2026\" (--set run.date=28.11.2026)",
        refusal("input.path=/raw", "run.date=28.11.2026"));
    assertEquals(
        "Invalid configuration: predict.table.partition-column: expected a column name of letters, digits and underscores, not starting with a digit, "
            + "found string \"run day\" (--set predict.table.partition-column=run day)",
        refusal("input.path=/raw", "predict.table.partition-column=run day"));
    assertEquals(
        "Invalid configuration: predict.table.format: expected one of parquet | delta | iceberg, found string \"hudi\" (--set predict.table.format=hudi)",
        refusal("input.path=/raw", "predict.table.format=hudi"));
  }
}
