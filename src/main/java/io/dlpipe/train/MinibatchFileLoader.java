package io.dlpipe.train;

import java.io.IOException;
import java.io.InputStream;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

/**
 * DL4J's loader hook for {@link MinibatchFile}s: what each training worker reads exported
 * minibatches with.
 */
public final class MinibatchFileLoader implements DataSetLoader {
  private static final long serialVersionUID = 1L;

  @Override
  public DataSet load(Source source) throws IOException {
    try (InputStream in = source.getInputStream()) {
      return MinibatchFile.read(in, source.getPath());
    }
  }
}
