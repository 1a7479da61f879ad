/**
 * The network behind one interface: {@link io.dlpipe.net.Network} (create, fit, batched output,
 * flat parameters, bytes) and its distributed fit ({@link io.dlpipe.net.SparkNetwork}, dl4j-spark
 * under the training master the trainer chose). Every other package sees only these types; DL4J's
 * network classes are named here and nowhere else.
 *
 * <p>A network family is one {@link io.dlpipe.net.NetworkSpec}, chosen by {@code train.model.type}:
 * {@link io.dlpipe.net.MlpSpec} (a DL4J {@code MultiLayerNetwork}) and {@link
 * io.dlpipe.net.WideDeepSpec} (a {@code ComputationGraph}). The spec builds the hidden
 * architecture; the output layer and its loss come from the head ({@code io.dlpipe.head}). {@link
 * io.dlpipe.net.Network#fromBytes} is the one serializer (DL4J's ModelSerializer zip, whichever
 * family it holds) and {@link io.dlpipe.net.BatchedOutput} the one forward pass over rows, used by
 * validation, evaluate, predict, permutation importance and the SQL function.
 *
 * <p>May import {@code config} and {@code head}; nothing in it knows Spark SQL, workspaces or
 * files.
 */
package io.dlpipe.net;
