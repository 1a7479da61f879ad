package io.dlpipe.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.dlpipe.DataException;
import io.dlpipe.config.TrainConfig.EarlyStoppingMetric;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.io.ModelStore;
import io.dlpipe.net.Network;
import io.dlpipe.workspace.OutputGuard;
import io.dlpipe.workspace.OutputKind;
import io.dlpipe.workspace.OutputMarker;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-epoch checkpoints in {@code <output.dir>/checkpoints/epoch-NNNNNN/}: {@code network.zip}
 * (parameters and updater state), {@code state.json} ({@link TrainState}), {@code momentum.bin}
 * under block momentum (the driver's buffer, {@link BlockMomentum}), and {@code _SUCCESS} written
 * last, so a driver killed while writing leaves an incomplete folder that is ignored, never a
 * damaged checkpoint that is trusted. Only the newest complete checkpoint and the best epochs' are
 * kept (the best one, or the {@code train.average-epochs} best, whose parameters are averaged at
 * the end). Works on any Hadoop file system; no rename is needed, which S3A does not make atomic.
 * The folder carries train's {@link OutputMarker}; one without it is refused, never deleted.
 */
final class Checkpoints {
  private static final Pattern NAME = Pattern.compile("epoch-(\\d+)");
  private static final String NETWORK = "network.zip";
  private static final String STATE = "state.json";

  /**
   * The network training started from (its linear start), beside the epochs. Written before the
   * first epoch, so a complete checkpoint implies a complete start.
   */
  private static final String START = "start.zip";

  /**
   * The block-momentum buffer ({@link BlockMomentum}), in ND4J's binary format; absent under plain
   * averaging.
   */
  private static final String MOMENTUM = "momentum.bin";

  private static final String SUCCESS = "_SUCCESS";

  private final Configuration conf;
  private final HadoopFiles files;
  private final String dir;

  /** A complete checkpoint. */
  record Checkpoint(int epoch, String path, TrainState state) {}

  Checkpoints(Configuration conf, String dir) {
    this.conf = conf;
    this.files = new HadoopFiles(conf);
    this.dir = dir;
    OutputGuard.requireReplaceable(files, dir, OutputKind.CHECKPOINTS, "the checkpoint folder");
  }

  /** Deletes every checkpoint (train --fresh); the folder was checked to be train's. */
  void clear() {
    files.deleteRecursively(dir);
  }

  String dir() {
    return dir;
  }

  /**
   * Marks the folder as dlpipe's before anything is written into it (a later clear() relies on it).
   */
  void mark() {
    if (OutputMarker.read(files, dir) == null) {
      OutputMarker.of(OutputKind.CHECKPOINTS).writeTo(files, dir);
    }
  }

  String path(int epoch) {
    return HadoopFiles.join(dir, String.format(Locale.ROOT, "epoch-%06d", epoch));
  }

  /** The newest complete checkpoint, if any. */
  Optional<Checkpoint> latest() {
    List<Integer> epochs = complete();
    if (epochs.isEmpty()) {
      return Optional.empty();
    }
    int epoch = epochs.get(epochs.size() - 1);
    String path = path(epoch);
    String stateFile = HadoopFiles.join(path, STATE);
    try {
      String text = files.readText(stateFile);
      int version = Json.MAPPER.readTree(text).path("format_version").asInt(-1);
      if (version != TrainState.FORMAT_VERSION) {
        throw new DataException(
            "Checkpoint "
                + path
                + " has format_version "
                + version
                + ", this dlpipe reads "
                + TrainState.FORMAT_VERSION
                + "; run train with --fresh to start over");
      }
      TrainState state = Json.MAPPER.readValue(text, TrainState.class);
      return Optional.of(new Checkpoint(epoch, path, state));
    } catch (JsonProcessingException e) {
      throw new DataException(
          "Checkpoint state "
              + stateFile
              + " is not readable: "
              + e.getOriginalMessage()
              + "; run train with --fresh to start over",
          e);
    }
  }

  /**
   * Writes the checkpoint of {@code state.epoch()}, then drops every other one but those of the
   * {@code keepBest} best epochs by {@code metric} (at least {@code state.bestEpoch()}'s).
   */
  void write(Network net, TrainState state, int keepBest, EarlyStoppingMetric metric) {
    write(net, null, state, keepBest, metric);
  }

  /**
   * As {@link #write(Network, TrainState, int, EarlyStoppingMetric)}, with the block-momentum
   * buffer when not null.
   */
  void write(
      Network net, INDArray momentum, TrainState state, int keepBest, EarlyStoppingMetric metric) {
    mark();
    String path = path(state.epoch());
    files.deleteRecursively(path);
    ModelStore.write(conf, HadoopFiles.join(path, NETWORK), net.bytes(true));
    if (momentum != null) {
      Path file = new Path(HadoopFiles.join(path, MOMENTUM));
      try (DataOutputStream out = file.getFileSystem(conf).create(file, true)) {
        Nd4j.write(momentum, out);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the momentum buffer to " + file, e);
      }
    }
    files.writeText(HadoopFiles.join(path, STATE), Json.write(state));
    files.writeText(HadoopFiles.join(path, SUCCESS), "");
    Set<Integer> keep = new java.util.HashSet<>(List.of(state.epoch(), state.bestEpoch()));
    keep.addAll(best(state, keepBest, metric));
    for (String name : names()) {
      Matcher m = NAME.matcher(name);
      if (m.matches() && !keep.contains(Integer.parseInt(m.group(1)))) {
        files.deleteRecursively(HadoopFiles.join(dir, name));
      }
    }
  }

  /**
   * The {@code k} best epochs of the history by the watched value, best first; the earlier of
   * equals first.
   */
  static List<Integer> best(TrainState state, int k, EarlyStoppingMetric metric) {
    return state.history().stream()
        .filter(r -> Double.isFinite(TrainState.score(r, metric)))
        .sorted(
            Comparator.comparingDouble((EpochRecord r) -> TrainState.score(r, metric))
                .thenComparingInt(EpochRecord::epoch))
        .limit(k)
        .map(EpochRecord::epoch)
        .toList();
  }

  /** Whether a complete checkpoint of {@code epoch} is kept. */
  boolean has(int epoch) {
    return complete().contains(epoch);
  }

  /**
   * The block-momentum buffer of a kept checkpoint, empty when it was trained with plain averaging.
   */
  Optional<INDArray> momentum(int epoch) {
    String file = HadoopFiles.join(path(epoch), MOMENTUM);
    if (!files.exists(file)) {
      return Optional.empty();
    }
    Path p = new Path(file);
    try (DataInputStream in = p.getFileSystem(conf).open(p)) {
      return Optional.of(Nd4j.read(in));
    } catch (IOException | RuntimeException e) {
      throw new DataException(
          "Checkpoint momentum buffer "
              + file
              + " is not readable: "
              + e.getMessage()
              + "; run train with --fresh to start over",
          e);
    }
  }

  /**
   * Keeps the network training started from (its linear start), for the comparison after training
   * ({@code train.model.linear-start-margin}), also when the training resumes.
   */
  void writeStart(Network net) {
    mark();
    ModelStore.write(conf, HadoopFiles.join(dir, START), net.bytes(false));
  }

  /** Removes a start an earlier, unfinished training left (this one starts otherwise). */
  void clearStart() {
    files.deleteRecursively(HadoopFiles.join(dir, START));
  }

  /** The network training started from, when {@link #writeStart} kept one. */
  Optional<Network> start() {
    String file = HadoopFiles.join(dir, START);
    return files.exists(file)
        ? Optional.of(Network.fromBytes(ModelStore.readBytes(conf, file), false))
        : Optional.empty();
  }

  /** The network of a kept checkpoint, with its updater state when asked. */
  Network network(int epoch, boolean withUpdater) {
    return Network.fromBytes(
        ModelStore.readBytes(conf, HadoopFiles.join(path(epoch), NETWORK)), withUpdater);
  }

  private List<Integer> complete() {
    List<Integer> epochs = new ArrayList<>();
    for (String name : names()) {
      Matcher m = NAME.matcher(name);
      if (m.matches() && files.exists(HadoopFiles.join(HadoopFiles.join(dir, name), SUCCESS))) {
        epochs.add(Integer.parseInt(m.group(1)));
      }
    }
    epochs.sort(Comparator.naturalOrder());
    return epochs;
  }

  private List<String> names() {
    List<String> names = new ArrayList<>();
    try {
      Path p = new Path(dir);
      FileSystem fs = p.getFileSystem(conf);
      for (FileStatus s : fs.listStatus(p)) {
        names.add(s.getPath().getName());
      }
    } catch (FileNotFoundException e) {
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return names;
  }
}
