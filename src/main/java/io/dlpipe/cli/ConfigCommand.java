package io.dlpipe.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dlpipe config}: validate a configuration and print it resolved, without starting Spark. */
@Command(
    name = "config",
    description = "Validate the configuration and print it resolved (defaults < --conf < --set), secrets masked. Starts no Spark.",
    mixinStandardHelpOptions = true)
final class ConfigCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Override
  public Integer call() {
    System.out.print(options.load().renderMasked());
    return 0;
  }
}
