package io.dlpipe.cli;

import io.dlpipe.config.SecretMasker;
import java.util.List;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;
import org.apache.logging.log4j.core.pattern.PatternFormatter;

/**
 * The log layout's {@code %scrub{pattern}}: formats the nested pattern and passes the text through
 * {@link SecretMasker#current()}, so that a log line or a logged stack trace (dlpipe's, Spark's,
 * Hadoop's, whoever built the message) never shows a secret value of the running command's
 * configuration or a {@code scheme://user:password@}. log4j2.properties wraps the message and the
 * exception in it. Like log4j's own {@code %replace}, which cannot know the values.
 */
@Plugin(name = "ScrubConverter", category = PatternConverter.CATEGORY)
@ConverterKeys({"scrub"})
public final class ScrubConverter extends LogEventPatternConverter {
  private final List<PatternFormatter> formatters;

  private ScrubConverter(List<PatternFormatter> formatters) {
    super("scrub", "scrub");
    this.formatters = formatters;
  }

  /** Called by log4j with the text between the braces. */
  public static ScrubConverter newInstance(Configuration config, String[] options) {
    if (options == null || options.length != 1) {
      throw new IllegalArgumentException("%scrub takes one pattern: %scrub{%m}");
    }
    return new ScrubConverter(PatternLayout.createPatternParser(config).parse(options[0]));
  }

  @Override
  public void format(LogEvent event, StringBuilder toAppendTo) {
    StringBuilder text = new StringBuilder();
    for (PatternFormatter f : formatters) {
      f.format(event, text);
    }
    toAppendTo.append(SecretMasker.current().scrub(text.toString()));
  }

  @Override
  public boolean handlesThrowable() {
    return formatters.stream().anyMatch(PatternFormatter::handlesThrowable);
  }
}
