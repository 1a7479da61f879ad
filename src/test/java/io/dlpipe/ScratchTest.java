package io.dlpipe;

import io.dlpipe.config.*;
import io.dlpipe.io.InputReader;
import io.dlpipe.testing.TestSpark;
import java.nio.file.*;
import java.util.*;
import org.junit.jupiter.api.Test;

class ScratchTest {
  @Test
  void scratch() throws Exception {
    Path dir = Files.createTempDirectory("scr");
    Path f = dir.resolve("a.csv");
    byte[] bad = "3,\"x\u00e9\",5\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (var out = Files.newOutputStream(f)) {
      out.write(("a,b,c\n1,\"hello\",2\n1,,\n4,\"NA\"\n5,6,7,8\n6,\"unclosed,7\n7,\"ok \"\"q\"\"\",9\n").getBytes());
      out.write(new byte[]{'8', ',', (byte)0xC3, (byte)0x28, ',', '9', '\n'});
      out.write("9,\"\",10\n".getBytes());
    }
    InputConfig in = new InputConfig(dir.toString(), InputFormat.CSV, true, ",", "\"", "\"", "UTF-8", List.of(""), Map.of(), true, Map.of());
    var df = InputReader.read(TestSpark.get(), in);
    df.show(20, false);
  }
}
