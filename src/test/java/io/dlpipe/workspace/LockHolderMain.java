package io.dlpipe.workspace;

import java.time.Duration;
import org.apache.hadoop.conf.Configuration;

/**
 * A second process for the lock tests: takes the workspace lock of {@code args[0]} with the real
 * {@link WorkspaceLock}, prints {@code locked}, then holds it until killed ({@code hold}) or
 * releases it at once ({@code once}).
 */
public final class LockHolderMain {
  private LockHolderMain() {}

  public static void main(String[] args) throws Exception {
    try (WorkspaceLock lock =
        WorkspaceLock.acquire(
            new Configuration(),
            args[0],
            "test-holder",
            Duration.ofSeconds(Long.parseLong(args[1])))) {
      System.out.println("locked " + RunId.current());
      System.out.flush();
      if (args[2].equals("hold")) {
        Thread.sleep(Long.MAX_VALUE);
      }
    }
  }
}
