package io.dlpipe.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dlpipe.DataException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The one serializer of networks: DL4J's ModelSerializer zip, for every family. The zip's {@code
 * configuration.json} says which DL4J type it holds (a {@code ComputationGraph}'s has vertices, a
 * {@code MultiLayerNetwork}'s a list of layer configurations), so bytes written before there was a
 * second family read as they always did.
 */
final class NetworkBytes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NetworkBytes() {}

  static byte[] write(Model model, boolean withUpdater) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ModelSerializer.writeModel(model, bytes, withUpdater);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize the network", e);
    }
    return bytes.toByteArray();
  }

  static Network read(byte[] bytes, boolean withUpdater) {
    try {
      return isGraph(entries(bytes).get(ModelSerializer.CONFIGURATION_JSON))
          ? new GraphNet(
              ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), withUpdater))
          : new MultiLayerNet(
              ModelSerializer.restoreMultiLayerNetwork(
                  new ByteArrayInputStream(bytes), withUpdater));
    } catch (IOException e) {
      throw new DataException("cannot restore the network: " + e.getMessage(), e);
    }
  }

  /**
   * A network file as a bundle holds it, checked first: a zip with ModelSerializer's configuration
   * and parameters, which DL4J can read. {@code where} names it in the one-line error.
   */
  static Network open(byte[] zip, String where) {
    Map<String, byte[]> entries;
    try {
      entries = entries(zip);
    } catch (IOException e) {
      throw new DataException("Model " + where + " is not a zip file: " + e.getMessage(), e);
    }
    for (String entry :
        List.of(ModelSerializer.CONFIGURATION_JSON, ModelSerializer.COEFFICIENTS_BIN)) {
      if (!entries.containsKey(entry)) {
        throw new DataException(
            "Model "
                + where
                + " is not a DL4J network: it lacks the entry "
                + entry
                + " (entries: "
                + new TreeSet<>(entries.keySet())
                + ")");
      }
    }
    try {
      return read(zip, false);
    } catch (RuntimeException e) {
      throw new DataException(
          "Model " + where + " is not a readable DL4J network: " + e.getMessage(), e);
    }
  }

  /**
   * The zip's entries; only the configuration's bytes are kept (the parameters are read by DL4J).
   */
  private static Map<String, byte[]> entries(byte[] zip) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.put(
            e.getName(),
            e.getName().equals(ModelSerializer.CONFIGURATION_JSON)
                ? in.readAllBytes()
                : new byte[0]);
      }
    }
    return out;
  }

  private static boolean isGraph(byte[] configuration) throws IOException {
    if (configuration == null) {
      return false; // DL4J reports the missing entry itself
    }
    JsonNode root = JSON.readTree(configuration);
    return root != null && root.has("vertices");
  }
}
