package io.dlpipe.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuotedNewlinesTest {
  private static boolean rfc(String line) {
    return QuotedNewlines.endsInsideQuotes(line, ',', '"', '"');
  }

  @Test
  void aLineThatOpensAQuotedFieldAndDoesNotCloseItStartsASpanningRecord() {
    assertTrue(rfc("1,2,\"hel"));
    assertTrue(rfc("\"hel"));
    assertTrue(rfc("1,\"a \"\"quoted\"\" word,"));
    assertTrue(rfc("b\",2,\"c"), "closes one spanning field and opens the next");
  }

  @Test
  void balancedOrPlainTextLinesDoNot() {
    assertFalse(rfc("1,2,3"));
    assertFalse(rfc("1,\"a,b\",3"));
    assertFalse(rfc("1,\"say \"\"hi\"\"\",3"));
    assertFalse(rfc("lo\",2,3"), "the last line of a spanning record reads as plain text");
    assertFalse(rfc("5'10\",180"), "a quote inside an unquoted value is text");
    assertFalse(rfc("1,\"ab\"c,3"), "a stray quote ends the quoting, as Spark's STOP_AT_DELIMITER does");
    assertFalse(rfc(""));
    assertFalse(rfc("\"\""));
  }

  @Test
  void aDistinctEscapeCharacterEscapesTheQuoteInsideQuotes() {
    assertFalse(QuotedNewlines.endsInsideQuotes("1,\"a\\\"b\",3", ',', '"', '\\'));
    assertTrue(QuotedNewlines.endsInsideQuotes("1,\"a\\\"b,3", ',', '"', '\\'));
    assertTrue(QuotedNewlines.endsInsideQuotes("1;'x", ';', '\'', '\''));
  }

  @Test
  void fileUrisCompareInOneSpelling() {
    assertEquals("file:///tmp/a b.csv", QuotedNewlines.normalize("file:/tmp/a%20b.csv"));
    assertEquals("file:///tmp/a b.csv", QuotedNewlines.normalize("file:///tmp/a%20b.csv"));
    assertEquals("hdfs://nn:8020/raw/x.csv", QuotedNewlines.normalize("hdfs://nn:8020/raw/x.csv"));
  }
}
