package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dlpipe.DataException;
import io.dlpipe.config.ColumnRole;
import io.dlpipe.config.EtlConfig;
import io.dlpipe.config.InputConfig;
import io.dlpipe.config.InputFormat;
import io.dlpipe.testing.Frames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class RoleInferenceTest {
  private static final EtlConfig.Infer INFER = new EtlConfig.Infer(0.95, 0.98, 0);

  private static InputConfig input(Map<String, ColumnRole> declared, boolean infer) {
    return new InputConfig("/x", InputFormat.CSV, true, ",", "\"", "\"", "UTF-8", List.of("", "NA"), declared, infer, Map.of());
  }

  @Test
  void decideFromStatistics() {
    assertEquals(ColumnSpec.of("c", ColumnRole.IGNORE, "inferred", "empty: 0 of 500 cells present, 0 parse as numbers, 0 distinct"), RoleInference.decide("c", new RoleInference.Stats(500, 0, 0, 0, 0), INFER));
    assertEquals(ColumnSpec.of("c", ColumnRole.IGNORE, "inferred", "constant: 500 of 500 cells present, 500 parse as numbers, 1 distinct"), RoleInference.decide("c", new RoleInference.Stats(500, 500, 500, 500, 1), INFER));
    assertEquals(ColumnSpec.of("c", ColumnRole.IGNORE, "inferred", "id-like, one value per row: 500 of 500 cells present, 0 parse as numbers, 500 distinct"), RoleInference.decide("c", new RoleInference.Stats(500, 500, 0, 0, 500), INFER));
    assertEquals(ColumnSpec.of("c", ColumnRole.IGNORE, "inferred", "id-like, one value per row: 500 of 500 cells present, 500 parse as numbers, 495 distinct"), RoleInference.decide("c", new RoleInference.Stats(500, 500, 500, 500, 495), INFER));
    // Unique but fractional numbers are measurements, not ids.
    assertEquals("numeric", RoleInference.decide("c", new RoleInference.Stats(500, 500, 500, 10, 500), INFER).role());
    // Too few rows to call a column an id.
    assertEquals("categorical", RoleInference.decide("c", new RoleInference.Stats(50, 50, 0, 0, 50), INFER).role());
    // 96% parse: numeric; the rest will be quarantined as unparseable.
    assertEquals("numeric", RoleInference.decide("c", new RoleInference.Stats(100, 100, 96, 96, 40), INFER).role());
    assertEquals("categorical", RoleInference.decide("c", new RoleInference.Stats(100, 100, 94, 94, 40), INFER).role());
    assertEquals(ColumnSpec.of("c", ColumnRole.CATEGORICAL, "inferred", "integer codes with few levels: 100 of 100 cells present, 100 parse as numbers, 4 distinct"),
        RoleInference.decide("c", new RoleInference.Stats(100, 100, 100, 100, 4), new EtlConfig.Infer(0.95, 0.98, 5)));
  }

  @Test
  void inferOnAFrameCountsExactly() {
    String[] cols = {"id", "y", "num", "cat", "const", "declared"};
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      rows.add(new String[] {"r" + i, String.valueOf(i), i % 10 == 0 ? "NA" : String.valueOf(i * 0.5), i % 3 == 0 ? " a" : "b ", "k", "7"});
    }
    rows.add(new String[] {"bad", "1", "1", "a", "k", "7", "bad,line"});
    Dataset<Row> raw = Frames.raw(cols, rows.toArray(new String[0][]));
    List<ColumnSpec> specs = RoleInference.infer(raw, Arrays.asList(cols), input(Map.of("declared", ColumnRole.CATEGORICAL), true), "y", INFER);
    assertEquals(
        List.of(
            ColumnSpec.of("id", ColumnRole.IGNORE, "inferred", "id-like, one value per row: 120 of 120 cells present, 0 parse as numbers, 120 distinct"),
            new ColumnSpec("y", "target", "declared", "target.column"),
            ColumnSpec.of("num", ColumnRole.NUMERIC, "inferred", "numbers: 108 of 120 cells present, 108 parse as numbers, 108 distinct"),
            ColumnSpec.of("cat", ColumnRole.CATEGORICAL, "inferred", "text: 120 of 120 cells present, 0 parse as numbers, 2 distinct"),
            ColumnSpec.of("const", ColumnRole.IGNORE, "inferred", "constant: 120 of 120 cells present, 0 parse as numbers, 1 distinct"),
            ColumnSpec.of("declared", ColumnRole.CATEGORICAL, "declared", "input.columns")),
        specs);
  }

  @Test
  void schemaChecksNameTheColumn() {
    List<String> cols = List.of("a", "b");
    DataException noTarget = assertThrows(DataException.class, () -> RoleInference.checkSchema(cols, input(Map.of(), true), "y", "", List.of()));
    assertEquals("Schema mismatch: target column 'y' (target.column) is not in the input; columns found: a, b", noTarget.getMessage());
    DataException declared = assertThrows(DataException.class, () -> RoleInference.checkSchema(cols, input(Map.of("c", ColumnRole.NUMERIC), true), "a", "", List.of()));
    assertEquals("Schema mismatch: column 'c' declared in input.columns is not in the input; columns found: a, b", declared.getMessage());
    DataException undeclared = assertThrows(DataException.class, () -> RoleInference.checkSchema(cols, input(Map.of(), false), "a", "", List.of()));
    assertEquals("Schema mismatch: input.infer-roles = false but these input columns have no role in input.columns: b", undeclared.getMessage());
    DataException id = assertThrows(DataException.class, () -> RoleInference.checkSchema(cols, input(Map.of(), true), "a", "pk", List.of()));
    assertEquals("Schema mismatch: split id column 'pk' (etl.split.id-column) is not in the input; columns found: a, b", id.getMessage());
  }
}
