package io.dlpipe.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import scala.collection.JavaConverters;

/**
 * What {@code input.where} may call. The predicate runs inside every executor with the job's
 * credentials, so it is a filter, not a program: {@code reflect} and {@code java_method} call any
 * static Java method (one filter called {@code System.exit} and stopped the JVM), a function that
 * is not built in is a user function whose code nobody reviewed, and a subquery reads other tables.
 * The parsed expression is walked before Spark starts; anything of these is refused.
 */
final class WhereFunctions {
  /** Built-in functions that call arbitrary Java methods by name. */
  private static final Set<String> REFLECTION = Set.of("reflect", "java_method", "try_reflect");

  private WhereFunctions() {}

  /**
   * Why {@code predicate} is refused ("it calls reflect"), or null when it calls only safe built-in
   * functions.
   */
  static String firstRefused(Expression predicate) {
    if (predicate instanceof SubqueryExpression) {
      return "it holds a subquery";
    }
    if (predicate instanceof UnresolvedFunction f) {
      List<String> parts = JavaConverters.seqAsJavaList(f.nameParts());
      String name = String.join(".", parts);
      String last = parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
      if (REFLECTION.contains(last)) {
        return "it calls " + name;
      }
      boolean builtin =
          parts.size() == 1
              && FunctionRegistry$.MODULE$.builtin().functionExists(FunctionIdentifier.apply(last));
      if (!builtin) {
        return "it calls " + name + ", which is not one of Spark's built-in functions";
      }
    }
    for (Expression child : JavaConverters.seqAsJavaList(predicate.children())) {
      String why = firstRefused(child);
      if (why != null) {
        return why;
      }
    }
    return null;
  }
}
