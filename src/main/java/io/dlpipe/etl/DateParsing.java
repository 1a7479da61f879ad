package io.dlpipe.etl;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ISO-8601 dates ({@code 2008-03-14}) and timestamps ({@code 2008-03-14T09:30:00}, a space for the
 * {@code T}, optional seconds and fraction, optional {@code Z} or offset, converted to UTC). Strict
 * on purpose: only formats that cannot be confused with numbers or free text are recognised, so
 * inference never turns a text column into dates by accident. Plain Java, for the same reasons as
 * {@link RawParsing}.
 */
final class DateParsing implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern ISO =
      Pattern.compile(
          "(\\d{4})-(\\d{2})-(\\d{2})(?:[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?)?");

  /**
   * The stripped cell as a UTC date-time (midnight for a date), or null when it is not ISO-8601.
   */
  LocalDateTime parse(String stripped) {
    if (stripped == null
        || stripped.length() < 10
        || stripped.length() > 35
        || !Character.isDigit(stripped.charAt(0))) {
      return null;
    }
    Matcher m = ISO.matcher(stripped);
    if (!m.matches()) {
      return null;
    }
    try {
      LocalDate date =
          LocalDate.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)));
      if (m.group(4) == null) {
        return date.atStartOfDay();
      }
      LocalDateTime t =
          date.atTime(
              Integer.parseInt(m.group(4)),
              Integer.parseInt(m.group(5)),
              m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
      String zone = m.group(7);
      if (zone == null || zone.equals("Z")) {
        return t;
      }
      String z = zone.length() == 5 ? zone.substring(0, 3) + ":" + zone.substring(3) : zone;
      return t.atOffset(ZoneOffset.of(z)).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** True when the stripped cell is an ISO timestamp (it has a time of day, even midnight). */
  static boolean hasTime(String stripped) {
    return stripped.length() > 10;
  }
}
