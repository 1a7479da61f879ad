package io.dlpipe.testing;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real one-datanode HDFS for shared-file-system tests, every port on loopback. */
public final class MiniHdfs {
  private MiniHdfs() {}

  /**
   * Starts a freshly formatted cluster whose storage lives under {@code baseDir}; the caller shuts
   * it down.
   */
  public static MiniDFSCluster start(Path baseDir) throws java.io.IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toString());
    // Loopback only: the tests never reach or expose a real network interface.
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.setBoolean("dfs.permissions.enabled", false);
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
    hdfs.waitActive();
    return hdfs;
  }
}
