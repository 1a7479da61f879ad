package io.dlpipe.workspace;

import io.dlpipe.ConfigException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.io.HadoopFiles;
import java.net.URI;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;

/**
 * Every path a command writes or replaces, declared up front and checked together before the
 * command writes its first byte (the workspace lock included). Each command has one factory here
 * ({@link #etl}, {@link #train}, {@link #evaluate}, {@link #run}, {@link #predict}, {@link
 * #synth}), so what a command may touch is read in one place, and a stage that forgets a check
 * cannot destroy anything because the command checked it before the stage began.
 *
 * <p>The rules, each a {@link ConfigException} (exit code 2) naming the path:
 *
 * <ul>
 *   <li>the workspace ({@code output.dir}) is absent, empty, or dlpipe's: it carries a {@link
 *       OutputMarker} of kind {@code workspace} (written by {@link #markWorkspace}), or, for a
 *       workspace of an earlier release, holds a folder with a dlpipe marker. A file system's root
 *       is never a workspace. A folder of the user's (a home folder) is refused before anything,
 *       not even the lock or {@code run-summary.json}, is written into it;
 *   <li>a folder the command replaces is absent or carries the marker of the kind it writes there
 *       ({@link OutputGuard#requireReplaceable});
 *   <li>nothing the command reads lies inside, contains or is a folder it replaces or writes into,
 *       and nothing it replaces lies inside a path it must keep (predict's model and workspace).
 * </ul>
 *
 * The stages keep their own checks as well (a library caller such as the Spark ML estimator or a
 * test calls a stage without a command); these run the same {@link OutputGuard} rules.
 */
public final class WorkspaceGuard {
  /** A path a command replaces or writes into, and why an input there would be lost. */
  private record Target(String path, OutputKind kind, String role, String why) {}

  private record Named(String path, String role) {}

  private final HadoopFiles files;
  private final String workspace;
  private final List<Target> targets = new ArrayList<>();
  private final List<Named> inputs = new ArrayList<>();
  private final List<Named> kept = new ArrayList<>();

  /**
   * Messages name the output first where the user chose it (predict --output, synth --out), the
   * input first where the workspace fixes it.
   */
  private boolean outputFirst;

  private WorkspaceGuard(Configuration conf, String workspace) {
    this.files = new HadoopFiles(conf);
    this.workspace = workspace;
  }

  /**
   * A guard for a command that writes into the workspace {@code outputDir} (and holds its lock).
   */
  public static WorkspaceGuard workspace(Configuration conf, String outputDir) {
    return new WorkspaceGuard(conf, outputDir);
  }

  /** {@code dlpipe etl}: replaces prepared/; reads input.path. */
  public static WorkspaceGuard etl(Configuration conf, DlpipeConfig cfg) {
    WorkspaceGuard g = workspace(conf, cfg.output().dir()).readsInput(cfg);
    g.replaces(
        cfg.output().preparedDir(),
        OutputKind.PREPARED,
        "the etl output folder",
        "etl replaces that folder, so it would destroy its own input");
    return g;
  }

  /** {@code dlpipe train}: replaces model/ and checkpoints/. */
  public static WorkspaceGuard train(Configuration conf, DlpipeConfig cfg) {
    return trainOutputs(workspace(conf, cfg.output().dir()), cfg);
  }

  /** {@code dlpipe evaluate}: replaces evaluation/. */
  public static WorkspaceGuard evaluate(Configuration conf, DlpipeConfig cfg) {
    return evaluateOutputs(workspace(conf, cfg.output().dir()), cfg);
  }

  /**
   * {@code dlpipe run}: every folder any of its stages replaces (prepared/, model/, checkpoints/,
   * evaluation/) and, with a run date, the day's partitions of predictions/,
   * predictions-quarantine/, drift/, runs/ and model-candidates/; input.path may lie inside none of
   * them.
   */
  public static WorkspaceGuard run(Configuration conf, DlpipeConfig cfg) {
    WorkspaceGuard g = etl(conf, cfg);
    trainOutputs(g, cfg);
    evaluateOutputs(g, cfg);
    if (cfg.schedule().runDate().isPresent()) {
      LocalDate date = cfg.schedule().date();
      ScheduleLayout day =
          new ScheduleLayout(cfg.output().dir(), cfg.predictTable().partitionColumn(), date);
      String why =
          "run --date writes the day's results there, so a later day could replace its own input";
      g.replaces(day.predictions(), OutputKind.PREDICTIONS, "the predictions of " + date, why);
      g.replaces(
          day.quarantine(),
          OutputKind.PREDICT_QUARANTINE,
          "the quarantine of the predictions of " + date,
          why);
      g.replaces(day.driftDir(), OutputKind.DRIFT, "the drift of " + date, why);
      g.replaces(day.runDir(), OutputKind.RUN_DAY, "the run summary of " + date, why);
      g.replaces(
          day.candidateDir(),
          OutputKind.MODEL_CANDIDATE,
          "the model retrained on " + date + ", before the promotion gate",
          why);
      for (String folder :
          List.of(
              ScheduleLayout.PREDICTIONS,
              ScheduleLayout.PREDICTIONS_QUARANTINE,
              ScheduleLayout.DRIFT,
              ScheduleLayout.RUNS,
              ScheduleLayout.MODEL_CANDIDATES)) {
        g.writesInto(
            HadoopFiles.join(cfg.output().dir(), folder),
            "the " + folder + " folder of the workspace",
            why);
      }
    }
    return g;
  }

  /**
   * {@code dlpipe predict --output}: replaces the output and its quarantine, which must keep clear
   * of the input, the model and (unless they are the workspace's own day partitions) output.dir.
   */
  public static WorkspaceGuard predict(
      Configuration conf,
      DlpipeConfig cfg,
      String input,
      String output,
      String quarantine,
      String role,
      boolean workspacePartition) {
    WorkspaceGuard g = workspace(conf, cfg.output().dir());
    g.outputFirst = true;
    String why =
        "predict replaces its output folders, so it could destroy the data there, or read what it writes. "
            + "Choose an --output outside the input, output.dir and the model";
    g.replaces(output, OutputKind.PREDICTIONS, role, why);
    g.replaces(quarantine, OutputKind.PREDICT_QUARANTINE, "the quarantine of " + role, why);
    g.reads(input, "--input");
    g.keeps(new ModelLayout(cfg.output().dir()).root(), "the model");
    if (!workspacePartition) {
      g.keeps(cfg.output().dir(), "output.dir");
    }
    return g;
  }

  /**
   * {@code dlpipe predict --output-table}: only the workspace lock (the tables are checked by
   * {@code input.TableSink}, which sits above this package).
   */
  public static WorkspaceGuard predictTable(Configuration conf, DlpipeConfig cfg) {
    return workspace(conf, cfg.output().dir());
  }

  /** {@code dlpipe synth --out}: replaces only an earlier synth output; no workspace. */
  public static WorkspaceGuard synth(Configuration conf, String out) {
    WorkspaceGuard g = new WorkspaceGuard(conf, null);
    g.outputFirst = true;
    g.replaces(out, OutputKind.SYNTH, "--out", "synth replaces that folder");
    return g;
  }

  private static WorkspaceGuard trainOutputs(WorkspaceGuard g, DlpipeConfig cfg) {
    ModelLayout model = new ModelLayout(cfg.output().dir());
    String why = "train replaces that folder, so it would destroy the input";
    g.replaces(model.root(), OutputKind.MODEL, "the model folder", why);
    g.replaces(model.checkpoints(), OutputKind.CHECKPOINTS, "the checkpoints folder", why);
    return g;
  }

  private static WorkspaceGuard evaluateOutputs(WorkspaceGuard g, DlpipeConfig cfg) {
    g.replaces(
        new EvaluationLayout(cfg.output().dir()).root(),
        OutputKind.EVALUATION,
        "the evaluation folder",
        "evaluate replaces that folder, so it would destroy the input");
    return g;
  }

  private WorkspaceGuard readsInput(DlpipeConfig cfg) {
    // A table's files are where its catalog says, which only a running Spark session knows: etl
    // checks them.
    return cfg.input().isTable() ? this : reads(cfg.input().path(), "input.path");
  }

  /**
   * Declares a folder the command replaces as a whole: absent, or dlpipe's output of {@code kind}.
   */
  public WorkspaceGuard replaces(String path, OutputKind kind, String role, String why) {
    targets.add(new Target(path, kind, role, why));
    return this;
  }

  /**
   * Declares a folder the command writes parts of (the dt= partitions of run --date): no input may
   * lie inside it.
   */
  public WorkspaceGuard writesInto(String path, String role, String why) {
    targets.add(new Target(path, null, role, why));
    return this;
  }

  /** Declares what the command reads: it must not overlap anything the command replaces. */
  public WorkspaceGuard reads(String path, String role) {
    inputs.add(new Named(path, role));
    return this;
  }

  /** Declares a path the command must leave alone: nothing it replaces may overlap it. */
  public WorkspaceGuard keeps(String path, String role) {
    kept.add(new Named(path, role));
    return this;
  }

  /** Checks every declared path; writes nothing. */
  public WorkspaceGuard check() {
    if (workspace != null) {
      requireUsablePath(files.conf(), workspace, "output.dir");
    }
    targets.forEach(t -> requireUsablePath(files.conf(), t.path, t.role));
    for (Named in : inputs) {
      requireUsablePath(files.conf(), in.path, in.role);
      if (isRoot(files.conf(), in.path, in.role)) {
        // Spark would list the whole file system (and /proc on Linux) before finding nothing to
        // read.
        throw new ConfigException(
            "Refusing "
                + in.role
                + " "
                + in.path
                + ": it is the root of its file system; give the folder or files of the input");
      }
    }
    if (workspace != null) {
      requireWorkspace(files, workspace);
    }
    for (Target t : targets) {
      for (Named in : inputs) {
        if (outputFirst) {
          OutputGuard.requireDisjoint(files.conf(), t.path, t.role, in.path, in.role, t.why);
        } else {
          OutputGuard.requireDisjoint(
              files.conf(), in.path, in.role, t.path, t.role, t.why + ". Move the input out of it");
        }
      }
      for (Named k : kept) {
        OutputGuard.requireDisjoint(files.conf(), t.path, t.role, k.path, k.role, t.why);
      }
    }
    for (Target t : targets) {
      if (t.kind != null) {
        OutputGuard.requireReplaceable(files, t.path, t.kind, t.role);
      }
    }
    return this;
  }

  /**
   * {@link #check()}, then {@link #markWorkspace}: for a caller that holds no lock (tests, tools).
   */
  public void claim(String command) {
    check();
    markWorkspace(command);
  }

  /**
   * Marks the workspace as dlpipe's (creating it when absent), so that the next command recognises
   * it; a command calls it once it holds the workspace lock, so a command that is refused the lock
   * writes nothing.
   */
  public void markWorkspace(String command) {
    if (workspace != null && OutputMarker.read(files, workspace) == null) {
      files.mkdirs(workspace);
      OutputMarker.of(OutputKind.WORKSPACE, command).writeTo(files, workspace);
    }
  }

  /**
   * Refuses a workspace that is a file system's root, a file, or a folder holding anything while
   * carrying no dlpipe marker. Writes nothing; {@code dlpipe config} calls it too.
   */
  public static void requireWorkspace(HadoopFiles files, String dir) {
    String rule =
        "output.dir must be a new or empty folder, or a workspace dlpipe wrote (it carries "
            + OutputMarker.FILE
            + ")";
    if (isRoot(files.conf(), dir, "output.dir")) {
      throw new ConfigException(
          "Refusing output.dir "
              + dir
              + ": it is the root of its file system; dlpipe creates and replaces folders inside the "
              + "workspace, so "
              + rule
              + ". Give a folder below it");
    }
    FileStatus status = files.status(dir);
    if (status == null) {
      return;
    }
    if (!status.isDirectory()) {
      throw new ConfigException(
          "Refusing output.dir " + dir + ": a file is there, not a folder; " + rule);
    }
    OutputMarker marker = OutputMarker.read(files, dir);
    if (marker != null) {
      if (marker.outputKind() != OutputKind.WORKSPACE) {
        throw new ConfigException(
            "Refusing output.dir "
                + dir
                + ": the folder holds dlpipe's "
                + marker.kind()
                + " output (written by "
                + marker.stage()
                + ", run "
                + marker.runId()
                + "), not a workspace; "
                + rule);
      }
      return;
    }
    List<String> entries = files.list(dir);
    if (entries.isEmpty()) {
      return;
    }
    for (String entry : entries) {
      if (entry.equals(WorkspaceLock.FILE)) {
        return; // held (or left by a killed holder) by a command of a release that did not mark the
        // workspace
      }
      OutputMarker inside = OutputMarker.read(files, HadoopFiles.join(dir, entry));
      if (inside != null && inside.outputKind() != null) {
        return; // a workspace of a release that did not mark the workspace itself
      }
    }
    throw new ConfigException(
        "Refusing output.dir "
            + dir
            + ": the folder holds "
            + entries.size()
            + " entr"
            + (entries.size() == 1 ? "y" : "ies")
            + " ("
            + String.join(", ", entries.subList(0, Math.min(3, entries.size())))
            + (entries.size() > 3 ? ", ..." : "")
            + ") and no "
            + OutputMarker.FILE
            + ", so it is not a dlpipe workspace; dlpipe writes run-summary.json, its lock and its folders there. "
            + rule);
  }

  /**
   * Refuses a path no file system could use, before anything looks at it: empty, holding a control
   * character, a component longer than a file name may be, not a Hadoop path, or with a scheme no
   * file system is configured for. Connects to nothing.
   */
  public static void requireUsablePath(Configuration conf, String path, String role) {
    String problem = null;
    if (path == null || path.isBlank()) {
      problem = "it is empty";
    } else if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      problem = "it holds a control character";
    } else if (java.util.Arrays.stream(path.split("/"))
        .anyMatch(part -> part.length() > MAX_NAME)) {
      problem =
          "a part of it is longer than "
              + MAX_NAME
              + " characters, more than a file system allows in a name";
    } else {
      try {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        String scheme = p.toUri().getScheme();
        if (scheme != null) {
          org.apache.hadoop.fs.FileSystem.getFileSystemClass(scheme, conf);
          URI defaultFs = org.apache.hadoop.fs.FileSystem.getDefaultUri(conf);
          if (!scheme.equals("file")
              && p.toUri().getAuthority() == null
              && !(scheme.equals(defaultFs.getScheme()) && defaultFs.getAuthority() != null)) {
            problem = "it names no host or bucket after " + scheme + "://";
          }
        }
      } catch (org.apache.hadoop.fs.UnsupportedFileSystemException e) {
        problem = "no file system is known for its scheme (" + e.getMessage() + ")";
      } catch (IllegalArgumentException | java.io.IOException e) {
        problem = "it is not a valid Hadoop path (" + e.getMessage() + ")";
      }
    }
    if (problem != null) {
      String shown = path == null ? "" : path.replaceAll("\\p{Cntrl}", "?");
      throw new ConfigException(
          "Invalid path for "
              + role
              + ": expected a Hadoop path, found '"
              + (shown.length() > 80 ? shown.substring(0, 80) + "..." : shown)
              + "': "
              + problem);
    }
  }

  /**
   * The longest file name (one path component) of common file systems (NAME_MAX on Linux, HDFS's
   * default limit).
   */
  private static final int MAX_NAME = 255;

  /**
   * Whether {@code dir} is the root of its file system ({@code /}, {@code hdfs://nn/}, {@code
   * s3a://bucket/}).
   */
  static boolean isRoot(Configuration conf, String dir, String role) {
    // Qualified, without a trailing slash, symbolic links of local paths resolved: "file:/",
    // "hdfs://nn:8020".
    String path = URI.create(OutputGuard.normalize(conf, dir, role)).getPath();
    return path == null || path.isEmpty() || path.equals("/");
  }
}
