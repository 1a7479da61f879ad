package io.dlpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlpipe.ConfigException;
import io.dlpipe.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run.date from --date, its two uses in input and output values, and the schedule section; no
 * Spark.
 */
class RunDateConfigTest {
  @TempDir Path dir;

  private static final List<String> REQUIRED =
      List.of("target.column=y", "target.task=regression", "input.format=csv");

  private static List<String> sets(String... extra) {
    List<String> out = new ArrayList<>(REQUIRED);
    out.addAll(List.of(extra));
    return out;
  }

  @Test
  void withoutADateNothingChangesAndTheScheduleHasItsDefaults() {
    DlpipeConfig cfg =
        ConfigLoader.load(null, sets("input.path=/raw/all", "output.dir=/ws"), (String) null);
    assertNull(cfg.schedule().date());
    assertEquals(ScheduleConfig.Retrain.DAILY, cfg.schedule().retrain());
    assertEquals(DayOfWeek.MONDAY, cfg.schedule().weekday());
    assertEquals(0.2, cfg.schedule().drift().psiThreshold());
    assertEquals(0.05, cfg.schedule().drift().unseenThreshold());
    assertEquals("/raw/all", cfg.input().path());
  }

  @Test
  void tokensAreReplacedInEveryStringOfInputAndOutput() {
    DlpipeConfig cfg =
        ConfigLoader.load(
            null,
            sets(
                "input.path=hdfs:///raw/dt={date}/part",
                "output.dir=/ws/{date_nodash}",
                "input.options.comment={date}",
                "schedule.retrain=on-drift",
                "schedule.weekday=friday"),
            "2026-11-28");
    assertEquals(LocalDate.of(2026, 11, 28), cfg.schedule().date());
    assertEquals("hdfs:///raw/dt=2026-11-28/part", cfg.input().path());
    assertEquals("/ws/20261128", cfg.output().dir());
    assertEquals("2026-11-28", cfg.input().options().get("comment"));
    assertEquals("hdfs:///raw/dt=2026-11-28/part", cfg.resolved().getString("input.path"));
    assertEquals(ScheduleConfig.Retrain.ON_DRIFT, cfg.schedule().retrain());
    assertEquals(DayOfWeek.FRIDAY, cfg.schedule().weekday());
  }

  @Test
  void hoconSubstitutionOfRunDateResolvesFromDate() throws IOException {
    Path conf = dir.resolve("job.conf");
    Files.writeString(conf, "input.path = \"hdfs:///raw/dt=\"${run.date}\noutput.dir = /ws\n");
    DlpipeConfig cfg = ConfigLoader.load(conf, REQUIRED, "2026-11-28");
    assertEquals("hdfs:///raw/dt=2026-11-28", cfg.input().path());
  }

  @Test
  void aSubstitutionWithoutADateNamesTheKey() throws IOException {
    Path conf = dir.resolve("job.conf");
    Files.writeString(conf, "output.dir = /ws\ninput.path = \"hdfs:///raw/dt=\"${run.date}\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(conf, REQUIRED, (String) null));
    assertEquals(
        "Invalid configuration: input.path: expected a run date for its ${run.date} substitution (give --date YYYY-MM-DD), found no date set ("
            + conf
            + ": 2)",
        e.getMessage());
  }

  @Test
  void aTokenWithoutADateNamesTheKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    null,
                    sets("input.path=/raw/dt={date_nodash}", "output.dir=/ws"),
                    (String) null));
    assertEquals(
        "Invalid configuration: input.path: expected a run date for its {date_nodash} token (give --date YYYY-MM-DD), found no date set "
            + "(--set input.path=/raw/dt={date_nodash})",
        e.getMessage());
  }

  @Test
  void aBadDateNamesKeyExpectedAndFound() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    null, sets("input.path=/raw/dt={date}", "output.dir=/ws"), "2026-02-30"));
    assertEquals(
        "Invalid configuration: run.date: expected a date YYYY-MM-DD, found string \"2026-02-30\" (--date 2026-02-30)",
        e.getMessage());
    ConfigException shape =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(null, sets("input.path=/raw", "output.dir=/ws"), "28.11.2026"));
    assertEquals(
        "Invalid configuration: run.date: expected a date YYYY-MM-DD, found string \"28.11.2026\" (--date 28.11.2026)",
        shape.getMessage());
  }

  @Test
  void badScheduleValuesNameKeyExpectedAndFound() {
    ConfigException retrain =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    null,
                    sets("input.path=/raw", "output.dir=/ws", "schedule.retrain=hourly"),
                    (String) null));
    assertEquals(
        "Invalid configuration: schedule.retrain: expected one of daily | weekly | on-drift | never, found string \"hourly\" (--set schedule.retrain=hourly)",
        retrain.getMessage());
    ConfigException psi =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    null,
                    sets("input.path=/raw", "output.dir=/ws", "schedule.drift.psi-threshold=0"),
                    (String) null));
    assertEquals(
        "Invalid configuration: schedule.drift.psi-threshold: expected a number in (0, 100], found number 0 (--set schedule.drift.psi-threshold=0)",
        psi.getMessage());
  }

  @Test
  void theCommandLineStopsWithExitCode2BeforeSparkStarts() {
    CliRun.Outcome bad =
        CliRun.run(
            "config",
            "--set",
            "input.path=/raw/dt={date}",
            "--set",
            "output.dir=/ws",
            "--set",
            "target.column=y",
            "--set",
            "target.task=regression",
            "--date",
            "2026/11/28");
    assertEquals(2, bad.code());
    assertEquals(
        "dlpipe: Invalid configuration: run.date: expected a date YYYY-MM-DD, found string \"2026/11/28\" (--date 2026/11/28)\n",
        bad.err());
    CliRun.Outcome missing =
        CliRun.run(
            "etl",
            "--set",
            "input.path=/raw/dt={date}",
            "--set",
            "output.dir=/ws",
            "--set",
            "target.column=y",
            "--set",
            "target.task=regression");
    assertEquals(2, missing.code());
    assertEquals(
        "dlpipe: Invalid configuration: input.path: expected a run date for its {date} token (give --date YYYY-MM-DD), found no date set "
            + "(--set input.path=/raw/dt={date})\n",
        missing.err());
  }

  @Test
  void aDateOutsideTheYears1900To2999IsRefused() {
    ConfigException zero =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(null, sets("input.path=/raw", "output.dir=/ws"), "0000-01-01"));
    assertEquals(
        "Invalid configuration: run.date: expected a date YYYY-MM-DD from 1900-01-01 to 2999-12-31, found string \"0000-01-01\" (--date 0000-01-01)",
        zero.getMessage());
    ConfigException late =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    null,
                    sets("input.path=/raw", "output.dir=/ws", "run.date=3000-01-01"),
                    (String) null));
    assertEquals(
        "Invalid configuration: run.date: expected a date YYYY-MM-DD from 1900-01-01 to 2999-12-31, found string \"3000-01-01\" (--set run.date=3000-01-01)",
        late.getMessage());
    assertEquals(
        LocalDate.of(1900, 1, 1),
        ConfigLoader.load(null, sets("input.path=/raw", "output.dir=/ws"), "1900-01-01")
            .schedule()
            .date());
    assertEquals(
        LocalDate.of(2999, 12, 31),
        ConfigLoader.load(null, sets("input.path=/raw", "output.dir=/ws"), "2999-12-31")
            .schedule()
            .date());
  }

  @Test
  void dateAndADifferentRunDateAreRefusedNamingBoth() throws IOException {
    ConfigException set =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    null,
                    sets("input.path=/raw", "output.dir=/ws", "run.date=2026-11-27"),
                    "2026-11-28"));
    assertEquals(
        "Invalid configuration: run.date: --date 2026-11-28 and --set run.date=2026-11-27 name different dates; give the date once",
        set.getMessage());
    Path conf = dir.resolve("day.conf");
    Files.writeString(conf, "input.path = /raw\noutput.dir = /ws\nrun.date = \"2026-11-01\"\n");
    ConfigException file =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(conf, REQUIRED, "2026-11-28"));
    assertEquals(
        "Invalid configuration: run.date: --date 2026-11-28 and run.date = \"2026-11-01\" ("
            + conf.toFile().getName()
            + ": 3) name different dates; give the date once",
        file.getMessage().replace(conf.toString(), conf.toFile().getName()));
    // The same date twice is one date; a file that takes the date from the environment is not a
    // second one.
    assertEquals(
        LocalDate.of(2026, 11, 28),
        ConfigLoader.load(
                null,
                sets("input.path=/raw", "output.dir=/ws", "run.date=2026-11-28"),
                "2026-11-28")
            .schedule()
            .date());
    Files.writeString(
        conf, "input.path = /raw\noutput.dir = /ws\nrun.date = ${?DLPIPE_TEST_NO_SUCH_VARIABLE}\n");
    assertEquals(
        LocalDate.of(2026, 11, 28),
        ConfigLoader.load(conf, REQUIRED, "2026-11-28").schedule().date());

    CliRun.Outcome both =
        CliRun.run(
            "config",
            "--set",
            "input.path=/raw",
            "--set",
            "output.dir=/ws",
            "--set",
            "target.column=y",
            "--set",
            "target.task=regression",
            "--set",
            "run.date=2026-11-27",
            "--date",
            "2026-11-28");
    assertEquals(2, both.code());
    assertEquals(
        "dlpipe: Invalid configuration: run.date: --date 2026-11-28 and --set run.date=2026-11-27 name different dates; give the date once\n",
        both.err());
    CliRun.Outcome zero =
        CliRun.run(
            "config",
            "--set",
            "input.path=/raw",
            "--set",
            "output.dir=/ws",
            "--set",
            "target.column=y",
            "--set",
            "target.task=regression",
            "--date",
            "0000-01-01");
    assertEquals(2, zero.code());
    assertEquals(
        "dlpipe: Invalid configuration: run.date: expected a date YYYY-MM-DD from 1900-01-01 to 2999-12-31, found string \"0000-01-01\" (--date 0000-01-01)\n",
        zero.err());
  }
}
