package io.dlpipe.etl;

import io.dlpipe.spark.Columns;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.AccumulatorV2;

/**
 * etl's first pass over the input: one Spark job that validates and splits every row, measures
 * everything the fit needs ({@link RowMeasure}: counts per reason and split, physical lines, class
 * labels, moments, quantile sketches, level counts, value counts for the drift reference), and
 * keeps of each row only what the later stages need without the input: its reason, split, target
 * and lines, its feature fingerprint and row fingerprint (for the feature-row facts and the
 * duplicate count) and, for a quarantined row, its raw text and reason. Those compact rows (about
 * 40 bytes each) are kept in Spark's columnar cache on executor disk ({@code DISK_ONLY}), never in
 * memory: the input itself is not cached, and the writing pass reads it a second time.
 */
final class StatisticsPass {
  /** The row fingerprint that the duplicate count groups by ({@link Deduplicator#fingerprint}). */
  static final String ROW_HASH64 = Columns.INTERNAL_PREFIX + "row_h64";

  static final String ROW_HASH32 = Columns.INTERNAL_PREFIX + "row_h32";

  private StatisticsPass() {}

  /**
   * @param stats everything measured
   * @param rows the compact rows: {@link Columns#REASON}, {@link Columns#SPLIT}, {@link
   *     Columns#TARGET}, {@link Columns#LINES}, {@link Columns#DETAIL}, {@link Columns#SOURCE}, the
   *     feature fingerprint, {@link #ROW_HASH64}, {@link #ROW_HASH32} and {@link Columns#Q_RAW}
   *     (null on good rows); on executor disk until {@link #release}
   */
  record Result(FitStatistics stats, Dataset<Row> rows) {
    void release() {
      rows.unpersist(false);
    }
  }

  /**
   * Runs the pass.
   *
   * @param checked validated rows with the split and the feature fingerprint ({@link
   *     Splitter#split})
   * @param identity the columns that make two rows duplicates ({@link Deduplicator#identity})
   */
  static Result run(
      SparkSession spark,
      Dataset<Row> checked,
      List<ColumnSpec> specs,
      RowMeasure measure,
      List<String> inputColumns,
      List<String> identity) {
    List<Column> cols = RowMeasure.columns(checked, specs);
    int measured = cols.size();
    Column[] rowHash = Deduplicator.fingerprint(identity);
    cols.add(functions.col(Columns.DETAIL));
    cols.add(functions.col(Columns.SOURCE));
    cols.add(functions.col(Columns.FEATURE_HASH64));
    cols.add(functions.col(Columns.FEATURE_HASH32));
    cols.add(rowHash[0].as(ROW_HASH64));
    cols.add(rowHash[1].as(ROW_HASH32));
    cols.add(
        functions
            .when(functions.col(Columns.REASON).isNotNull(), RowValidator.rawText(inputColumns))
            .as(Columns.Q_RAW));
    Dataset<Row> selected = checked.select(cols.toArray(new Column[0]));

    // Kept: reason, split, target, lines, then everything after the measured cells.
    List<Integer> keep = new ArrayList<>(List.of(0, 1, 2, 3));
    for (int i = measured; i < cols.size(); i++) {
      keep.add(i);
    }
    StructField[] all = selected.schema().fields();
    List<StructField> fields = new ArrayList<>();
    String[] names = {Columns.REASON, Columns.SPLIT, Columns.TARGET, Columns.LINES};
    for (int i = 0; i < 4; i++) {
      fields.add(new StructField(names[i], all[i].dataType(), true, all[i].metadata()));
    }
    for (int i = measured; i < all.length; i++) {
      fields.add(all[i]);
    }
    int[] kept = keep.stream().mapToInt(Integer::intValue).toArray();

    Accumulator acc = new Accumulator();
    // Unnamed: Spark's UI keeps a named accumulator's value as text after every task, and this one
    // has none until partition 0's statistics arrive (its UI listener failed on the null, logging
    // an
    // error per task); the statistics are no figure for the UI anyway.
    spark.sparkContext().register(acc);
    JavaRDD<Row> compact =
        selected
            .javaRDD()
            .mapPartitions(
                (Iterator<Row> it) ->
                    new Iterator<Row>() {
                      private final FitStatistics partial = measure.zero();
                      private boolean reported;

                      @Override
                      public boolean hasNext() {
                        boolean more = it.hasNext();
                        if (!more && !reported) {
                          reported = true;
                          acc.add(partial);
                        }
                        return more;
                      }

                      @Override
                      public Row next() {
                        Row r = it.next();
                        measure.add(partial, r);
                        Object[] out = new Object[kept.length];
                        for (int i = 0; i < kept.length; i++) {
                          out[i] = r.get(kept[i]);
                        }
                        return RowFactory.create(out);
                      }
                    });
    // Spark SQL's columnar cache, on disk: later stages read a few of its columns, and skip batches
    // by their statistics (the quarantine's reason is null in every batch of a clean input).
    Dataset<Row> rows =
        spark
            .createDataFrame(compact, new StructType(fields.toArray(new StructField[0])))
            .persist(StorageLevel.DISK_ONLY());
    // One job without a shuffle: its result tasks compute and store every partition, each adding
    // its
    // statistics once (a result task's accumulator update counts once, whatever retries and
    // speculation do).
    rows.foreachPartition(
        (org.apache.spark.api.java.function.ForeachPartitionFunction<Row>) it -> {});
    FitStatistics stats = acc.complete() == null ? measure.zero() : acc.complete();
    return new Result(stats, rows);
  }

  /**
   * Merges the statistics of every partition of the pass in partition order, not in the order tasks
   * finish: floating-point sums and quantile sketches depend on the order they are merged in, and
   * transform.json is promised to be byte-identical across reruns of the same input. A task's copy
   * holds its own partition's partial; the driver merges each partial as soon as every partition
   * before it has been merged, and holds the others until then. Spark launches tasks in partition
   * order, so those held are about as many as there are task slots, not as many as partitions.
   */
  static final class Accumulator extends AccumulatorV2<FitStatistics, FitStatistics> {
    private static final long serialVersionUID = 1L;
    private TreeMap<Integer, FitStatistics> pending = new TreeMap<>();
    private FitStatistics merged;
    private int next;

    @Override
    public boolean isZero() {
      return merged == null && pending.isEmpty();
    }

    @Override
    public AccumulatorV2<FitStatistics, FitStatistics> copy() {
      Accumulator c = new Accumulator();
      c.pending = new TreeMap<>(pending);
      c.merged = merged;
      c.next = next;
      return c;
    }

    @Override
    public void reset() {
      pending = new TreeMap<>();
      merged = null;
      next = 0;
    }

    /** On a task: the partial statistics of the task's partition. */
    @Override
    public void add(FitStatistics v) {
      TaskContext task = TaskContext.get();
      offer(task == null ? next + pending.size() : task.partitionId(), v);
    }

    @Override
    public void merge(AccumulatorV2<FitStatistics, FitStatistics> other) {
      ((Accumulator) other).pending.forEach(this::offer);
      while (pending.containsKey(next)) {
        FitStatistics s = pending.remove(next++);
        merged = merged == null ? s : merged.merge(s);
      }
    }

    /** What a task reports: the statistics of one partition. */
    void offer(int partition, FitStatistics partial) {
      // A partition counted already (its cached block recomputed by a later job) is not counted
      // again.
      if (partition >= next) {
        pending.putIfAbsent(partition, partial);
      }
    }

    /**
     * The statistics merged so far: those of partitions 0 to {@code next - 1}. Spark reads it after
     * every task's update (for the UI), so it must not fail while tasks are still running.
     */
    @Override
    public FitStatistics value() {
      return merged;
    }

    /** The statistics of every partition, once the job has finished. */
    FitStatistics complete() {
      if (!pending.isEmpty()) {
        throw new IllegalStateException(
            "the statistics of partition "
                + next
                + " never arrived, though those of partitions "
                + pending.keySet()
                + " did");
      }
      return merged;
    }
  }
}
