package io.dlpipe.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.dlpipe.config.EnumNames;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The JSON dialect of every file dlpipe writes: snake_case keys, indented, and every enum as its
 * kebab-case name ({@code MIN_MAX} is {@code "min-max"}), the spelling of the HOCON config. Maps
 * keep their own order (dlpipe only writes insertion-ordered or sorted maps), so stages stay in the
 * order they ran and two runs producing the same values produce the same bytes.
 */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .registerModule(kebabEnums());

  private Json() {}

  /** Pretty JSON text with a trailing newline. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not serializable as JSON: " + value.getClass().getName(), e);
    }
  }

  /** Enums in memory, kebab-case strings at the edge: one spelling for files, config and logs. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static SimpleModule kebabEnums() {
    SimpleModule m = new SimpleModule("dlpipe-kebab-enums");
    m.addSerializer(
        Enum.class,
        new StdSerializer<Enum>(Enum.class) {
          @Override
          public void serialize(Enum value, JsonGenerator gen, SerializerProvider provider)
              throws IOException {
            gen.writeString(EnumNames.kebab(value));
          }
        });
    m.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public JsonDeserializer<?> modifyEnumDeserializer(
              DeserializationConfig config,
              JavaType type,
              BeanDescription desc,
              JsonDeserializer<?> d) {
            Class<? extends Enum> raw = (Class<? extends Enum>) type.getRawClass();
            return new JsonDeserializer<Enum>() {
              @Override
              public Enum deserialize(JsonParser p, DeserializationContext ctxt)
                  throws IOException {
                String text = p.getValueAsString();
                for (Enum e : raw.getEnumConstants()) {
                  if (EnumNames.kebab(e).equals(text)) {
                    return e;
                  }
                }
                String expected =
                    Arrays.stream(raw.getEnumConstants())
                        .map(e -> EnumNames.kebab((Enum<?>) e))
                        .collect(Collectors.joining(" | "));
                return (Enum) ctxt.handleWeirdStringValue(raw, text, "expected one of " + expected);
              }
            };
          }
        });
    return m;
  }
}
