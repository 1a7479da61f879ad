package io.dlpipe.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * What a finished train run produced.
 *
 * @param provenance what model.json says
 * @param network the best epoch's network, as written to model.zip
 * @param codec how the network's outputs map back to labels
 * @param history every epoch, as written to training-history.csv
 */
public record TrainResult(ModelProvenance provenance, MultiLayerNetwork network, LabelCodec codec, TrainState history) {}
