package io.dlpipe.run;

import io.dlpipe.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * What the raw input holds, as one digest over every file's (path, length, checksum), so that
 * {@code run} reruns etl when the data changed, not when a clock says so: {@code cp -p} and {@code
 * rsync -a} replace a file's bytes and keep (or set an older) modification time, and a touch
 * changes the time but not the data.
 *
 * <p>The checksum of each file, by cost:
 *
 * <ul>
 *   <li>the file system's own, where it has one ({@link FileSystem#getFileChecksum}): HDFS combines
 *       the CRCs it stores beside every block, so the datanodes read those (about 0.8% of the data)
 *       and only a digest per block crosses the network. It depends on the block size too, so
 *       copying the same bytes with another block size counts as a change (a rerun, never a skip);
 *   <li>the local file system has none: a CRC-32C over the whole content, read once (at disk speed)
 *       and kept in {@code run-state.json} by (length, mtime, ctime, inode). The ctime and the
 *       inode are what make that cache safe: {@code cp -p} and {@code touch -d} can set the
 *       modification time back, but every write, rename or {@code utime} call sets the ctime to
 *       now, which no user can set back. An unchanged file is therefore never read again; a
 *       replaced one always is;
 *   <li>any other file system without a checksum (S3A unless {@code fs.s3a.etag.checksum.enabled}):
 *       length and modification time. An object store sets the time of an object when it is written
 *       and no copy tool can set it back, so this is the same as a content check there.
 * </ul>
 */
final class InputFingerprint {
  /** The digest of the input, and the local-file checksum cache to keep for the next run. */
  record Result(String digest, Map<String, String> localChecksums) {}

  private static final int BUFFER = 1 << 20;

  private InputFingerprint() {}

  /**
   * The fingerprint of every data file under {@code roots} (files whose names start with {@code _}
   * or {@code .} are skipped, as Spark's readers skip them).
   *
   * @param cached the local checksums of the previous run: path to "length:mtime:ctime:inode:crc"
   */
  static Result of(FileSystem fs, List<FileStatus> files, Map<String, String> cached) {
    List<FileStatus> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparing(f -> f.getPath().toString()));
    boolean local = fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem;
    StringBuilder text = new StringBuilder();
    Map<String, String> keep = new LinkedHashMap<>();
    try {
      for (FileStatus f : sorted) {
        String name = f.getPath().getName();
        if (name.startsWith("_") || name.startsWith(".")) {
          continue;
        }
        String path = f.getPath().toString();
        String checksum;
        if (local) {
          checksum = localChecksum(fs, f, cached, keep);
        } else {
          FileChecksum own = fs.getFileChecksum(f.getPath());
          checksum =
              own != null
                  ? own.getAlgorithmName() + ":" + Digests.sha256(own.getBytes())
                  : "mtime:" + f.getModificationTime();
        }
        text.append(path)
            .append('\t')
            .append(f.getLen())
            .append('\t')
            .append(checksum)
            .append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the checksums of the input files", e);
    }
    return new Result(Digests.sha256(text.toString()), keep);
  }

  private static String localChecksum(
      FileSystem fs, FileStatus f, Map<String, String> cached, Map<String, String> keep)
      throws IOException {
    java.nio.file.Path file = java.nio.file.Paths.get(fs.makeQualified(f.getPath()).toUri());
    String identity;
    try {
      Map<String, Object> unix = Files.readAttributes(file, "unix:ctime,ino");
      identity =
          f.getLen()
              + ":"
              + Files.getLastModifiedTime(file).toMillis()
              + ":"
              + ((FileTime) unix.get("ctime")).toMillis()
              + ":"
              + unix.get("ino");
    } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
      identity = null; // no ctime to trust: read the content every time
    }
    String before = identity == null ? null : cached.get(f.getPath().toString());
    String crc;
    if (before != null && before.startsWith(identity + ":")) {
      crc = before.substring(identity.length() + 1);
    } else {
      crc = crc32c(file);
    }
    if (identity != null) {
      keep.put(f.getPath().toString(), identity + ":" + crc);
    }
    return "crc32c:" + crc;
  }

  private static String crc32c(java.nio.file.Path file) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      while (in.read(buffer) >= 0) {
        buffer.flip();
        crc.update(buffer);
        buffer.clear();
      }
    }
    return Long.toHexString(crc.getValue());
  }
}
