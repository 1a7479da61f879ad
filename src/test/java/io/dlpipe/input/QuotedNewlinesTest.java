package io.dlpipe.input;

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
    assertFalse(
        rfc("1,\"ab\"c,3"), "a stray quote ends the quoting, as Spark's STOP_AT_DELIMITER does");
    assertFalse(rfc(""));
    assertFalse(rfc("\"\""));
  }

  @Test
  void aDistinctEscapeCharacterEscapesTheQuoteInsideQuotes() {
    assertFalse(QuotedNewlines.endsInsideQuotes("1,\"a\\\"b\",3", ',', '"', '\\'));
    assertTrue(QuotedNewlines.endsInsideQuotes("1,\"a\\\"b,3", ',', '"', '\\'));
    assertTrue(QuotedNewlines.endsInsideQuotes("1;'x", ';', '\'', '\''));
  }

  private static String longRecord(String text, char escape, int maxLines)
      throws java.io.IOException {
    long[] at =
        QuotedNewlines.firstLongRecord(new java.io.StringReader(text), ',', '"', escape, maxLines);
    return at == null ? "none" : "line " + at[0] + ", " + at[1] + " lines";
  }

  @Test
  void theFirstRecordSpanningMoreThanTheLimitIsFoundAcrossLines() throws java.io.IOException {
    String header = "y,x,c\n";
    assertEquals("none", longRecord(header + "1,\"a\nb\",c\n2,3,d\n", '"', 2));
    assertEquals("line 2, 2 lines", longRecord(header + "1,\"a\nb\",c\n2,3,d\n", '"', 1));
    // A quote never closed runs to the end of the file, with or without a last line break.
    assertEquals("line 3, 3 lines", longRecord(header + "1,2,c\n\"4,5,d\n6,7,e\n8,9,f\n", '"', 2));
    assertEquals("line 3, 3 lines", longRecord(header + "1,2,c\n\"4,5,d\n6,7,e\n8,9,f", '"', 2));
    // CRLF is one break; a doubled quote and an escaped one stay inside the field; a quote inside
    // unquoted text is text.
    assertEquals(
        "line 3, 3 lines",
        longRecord(header + "1,2,c\r\n3,\"a\"\"\r\nb\r\nc\",d\r\n5,6,e\r\n", '"', 2));
    assertEquals("line 2, 3 lines", longRecord(header + "1,\"a\\\"\nb\nc\",d\n", '\\', 2));
    assertEquals("none", longRecord(header + "1,5'10\",c\n2,3,d\n", '"', 1));
  }

  @Test
  void fileUrisCompareInOneSpelling() {
    assertEquals("file:///tmp/a b.csv", QuotedNewlines.normalize("file:/tmp/a%20b.csv"));
    assertEquals("file:///tmp/a b.csv", QuotedNewlines.normalize("file:///tmp/a%20b.csv"));
    assertEquals("hdfs://nn:8020/raw/x.csv", QuotedNewlines.normalize("hdfs://nn:8020/raw/x.csv"));
  }
}
