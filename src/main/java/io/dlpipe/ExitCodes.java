package io.dlpipe;

/** The process exit codes every dlpipe command uses; schedulers branch on them. */
public final class ExitCodes {
  /** The command did what was asked. */
  public static final int OK = 0;

  /** Anything not covered below: a bug, a lost cluster, a full disk. Retrying may help. */
  public static final int FAILURE = 1;

  /** Bad command line or configuration. Retrying the same call cannot help. */
  public static final int USAGE = 2;

  /** The data is wrong: input missing or empty, schema mismatch, too many bad rows. */
  public static final int DATA = 3;

  private ExitCodes() {}
}
