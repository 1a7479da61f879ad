package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RawParsingTest {
  private final RawParsing p = new RawParsing(List.of("", "NA", "null"));

  @Test
  void missingCells() {
    assertTrue(p.isMissing(null));
    assertTrue(p.isMissing(""));
    assertTrue(p.isMissing("  NA "));
    assertFalse(p.isMissing("na"));
    assertFalse(p.isMissing("0"));
  }

  @Test
  void theDecimalScanAcceptsExactlyTheGrammarsStrings() {
    // Every string of up to 5 characters over the characters the grammar cares about, plus
    // neighbours it must reject: the scan and the regular expression agree on all 579,195.
    char[] alphabet = "0 9+-.eEx\u0660d,1_".toCharArray();
    assertEquals(14, alphabet.length);
    int checked = 0;
    int accepted = 0;
    char[] buf = new char[5];
    for (int len = 0; len <= 5; len++) {
      int[] idx = new int[len];
      while (true) {
        for (int k = 0; k < len; k++) {
          buf[k] = alphabet[idx[k]];
        }
        String s = new String(buf, 0, len);
        boolean expected = RawParsing.NUMBER.matcher(s).matches();
        assertEquals(expected, RawParsing.isDecimal(s), s);
        checked++;
        accepted += expected ? 1 : 0;
        int k = len - 1;
        while (k >= 0 && ++idx[k] == alphabet.length) {
          idx[k--] = 0;
        }
        if (k < 0) {
          break;
        }
      }
    }
    assertEquals(1 + 14 + 196 + 2_744 + 38_416 + 537_824, checked);
    assertEquals(3_069, accepted); // counted independently with Python's re.fullmatch
  }

  @Test
  void numbers() {
    assertEquals(12.0, p.number(" 12 "));
    assertEquals(-0.5, p.number("-.5"));
    assertEquals(1500.0, p.number("1.5e3"));
    assertEquals(3.0, p.number("+3."));
    assertNull(p.number("NA"));
    assertNull(p.number("1,200"));
    assertNull(p.number("12abc"));
    assertNull(p.number("0x1F"));
    assertNull(p.number("1d"));
    assertNull(p.number("Infinity"));
    assertNull(p.number("NaN"));
    assertNull(p.number("1e999"));
  }

  @Test
  void unparseableMeansPresentButNotANumber() {
    assertTrue(p.isUnparseableNumber("12abc"));
    assertTrue(p.isUnparseableNumber("1e999"));
    assertFalse(p.isUnparseableNumber("NA"));
    assertFalse(p.isUnparseableNumber(null));
    assertFalse(p.isUnparseableNumber("7"));
  }

  @Test
  void textIsStrippedOrNull() {
    assertEquals("owner", p.text("\towner "));
    assertNull(p.text(" null "));
  }

  @Test
  void nonFiniteNumbersAreNumbersButNotFinite() {
    for (String cell : new String[] {"Infinity", "-Infinity", " inf ", "NaN", "1e400", "-1E999"}) {
      assertTrue(p.isNonFinite(cell), cell);
      assertTrue(p.isUnparseableNumber(cell), cell);
    }
    for (String cell : new String[] {"12", "abc", "0x1F", "1,200", "NA", ""}) {
      assertFalse(p.isNonFinite(cell), cell);
    }
  }

  @Test
  void negativeZeroIsZero() {
    assertEquals(0.0, p.number("-0"));
    assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits(p.number("-0.0")));
  }

  @Test
  void controlCharactersAreFoundButTabAndLineBreaksAreText() {
    assertEquals(2, RawParsing.controlCharacter("ab\u0000c"));
    assertEquals(0, RawParsing.controlCharacter("\u0001"));
    assertEquals(1, RawParsing.controlCharacter("a\u007F"));
    assertEquals(-1, RawParsing.controlCharacter("a\tb\r\nc"));
    assertEquals(-1, RawParsing.controlCharacter("caf\u00e9"));
    assertEquals(-1, RawParsing.controlCharacter(null));
  }
}
