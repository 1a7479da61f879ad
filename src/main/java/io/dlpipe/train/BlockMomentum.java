package io.dlpipe.train;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.net.Network;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Block momentum on the driver between averaging rounds (BMUF: Chen and Huo, "Scalable Training of
 * Deep Learning Machines by Incremental Block Training with Intra-Block Parallel Optimization and
 * Blockwise Model-Update Filtering", ICASSP 2016; SlowMo: Wang et al., ICLR 2020).
 *
 * <p>With {@code W(t)} the global model after round {@code t}, {@code S(t-1)} the point the round's
 * workers started from and {@code A(t)} their average: the round's step is {@code G = A(t) -
 * S(t-1)}, the buffer {@code Δ(t) = η Δ(t-1) + ζ G} and the model {@code W(t) = W(t-1) + Δ(t)}.
 * Nesterov-style, each round starts from {@code S(t) = W(t) + η Δ(t)}, the point the momentum is
 * about to carry the model to; otherwise from {@code W(t)}. With η = 0 and ζ = 1 this is plain
 * averaging.
 *
 * <p>Plain averaging of W workers moves the model about as far per round as one worker moves it,
 * having used W times the data; at steady state the buffer multiplies each step by ζ / (1 - η),
 * which BMUF's η = 1 - 1/W makes the width (dlpipe's automatic η = 1 - 1/√W makes it √W: {@code
 * TrainingMasters.autoBlockMomentum}). The buffer is the only state: it is checkpointed with the
 * network, so a resumed run carries on with the same momentum. The model between rounds is {@code
 * W(t)} (what is evaluated and checkpointed), never the look-ahead point.
 */
public final class BlockMomentum {
  private final double momentum;
  private final double learningRate;
  private final boolean nesterov;
  private INDArray buffer;
  private INDArray global;
  private INDArray start;
  private int rounds;

  /**
   * @param averaging resolved settings (no automatic value left)
   * @param buffer a restored momentum buffer, or null to start from zero
   */
  public BlockMomentum(TrainConfig.Averaging averaging, INDArray buffer) {
    if (Double.isNaN(averaging.blockMomentum()) || Double.isNaN(averaging.blockLearningRate())) {
      throw new IllegalStateException(
          "train.averaging.block-momentum and block-learning-rate = auto must be resolved first (TrainingMasters.resolveAuto)");
    }
    this.momentum = averaging.blockMomentum();
    this.learningRate = averaging.blockLearningRate();
    this.nesterov = averaging.nesterov();
    this.buffer = buffer;
  }

  /** Before a round: moves {@code net} to the point the round's workers start from. */
  public void beforeRound(Network net) {
    global = net.params().dup();
    if (buffer == null) {
      buffer = global.like().assign(0);
    } else if (buffer.length() != global.length()) {
      throw new IllegalStateException(
          "the momentum buffer has "
              + buffer.length()
              + " values, the network "
              + global.length()
              + " parameters");
    }
    start = nesterov ? global.add(buffer.mul(momentum)) : global.dup();
    net.setParams(start);
  }

  /** After a round: {@code net} holds the workers' average; leaves the new global model in it. */
  public void afterRound(Network net) {
    INDArray step = net.params().sub(start);
    buffer.muli(momentum).addi(step.muli(learningRate));
    net.setParams(global.addi(buffer));
    global = null;
    start = null;
    rounds++;
  }

  /** The momentum buffer Δ, null before the first round of a fresh run. */
  public INDArray buffer() {
    return buffer;
  }

  /** Rounds stepped since this object was made. */
  public int rounds() {
    return rounds;
  }

  public double momentum() {
    return momentum;
  }

  public double learningRate() {
    return learningRate;
  }
}
