package io.dlpipe.etl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import scala.Tuple2;

/**
 * {@code treeAggregate} with a merge order fixed by partition index. Spark's own merges partial
 * results as tasks finish, so floating-point sums and sketches (moments, quantile bins, medians)
 * could differ in their last digits between two runs over the same input, and transform.json is
 * promised to be byte-identical across reruns. Each level merges at most {@code sqrt(partitions)}
 * partial results per task, in index order, so the driver receives a bounded number of them.
 */
final class OrderedAggregate {
  private OrderedAggregate() {}

  static <T, U> U aggregate(
      JavaRDD<T> rdd, U zero, Function2<U, T, U> add, Function2<U, U, U> merge) {
    try {
      return run(rdd, zero, add, merge);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T, U> U run(
      JavaRDD<T> rdd, U zero, Function2<U, T, U> add, Function2<U, U, U> merge) throws Exception {
    // The zero is captured by the closure: every task deserializes its own copy.
    JavaPairRDD<Integer, U> level =
        rdd.mapPartitionsWithIndex(
                (index, rows) -> {
                  U acc = zero;
                  while (rows.hasNext()) {
                    acc = add.call(acc, rows.next());
                  }
                  return List.of(new Tuple2<>(index, acc)).iterator();
                },
                false)
            .mapToPair(t -> t);
    int n = rdd.getNumPartitions();
    int fanIn = Math.max(2, (int) Math.ceil(Math.sqrt(n)));
    while (n > fanIn) {
      int groups = (n + fanIn - 1) / fanIn;
      int f = fanIn;
      level =
          level
              .mapToPair(t -> new Tuple2<>(t._1() / f, t))
              .groupByKey(groups)
              .mapToPair(g -> new Tuple2<>(g._1(), inOrder(g._2(), merge)));
      n = groups;
    }
    List<Tuple2<Integer, U>> last = new ArrayList<>(level.collect());
    return last.isEmpty() ? zero : inOrder(last, merge);
  }

  private static <U> U inOrder(Iterable<Tuple2<Integer, U>> parts, Function2<U, U, U> merge)
      throws Exception {
    List<Tuple2<Integer, U>> sorted = new ArrayList<>();
    parts.forEach(sorted::add);
    sorted.sort(Comparator.comparingInt(Tuple2::_1));
    U acc = sorted.get(0)._2();
    for (Tuple2<Integer, U> p : sorted.subList(1, sorted.size())) {
      acc = merge.call(acc, p._2());
    }
    return acc;
  }
}
