package io.dlpipe.train;

import io.dlpipe.head.OutputHead;
import io.dlpipe.net.Network;

/**
 * What a finished train run produced.
 *
 * @param provenance what model.json says
 * @param network the best epoch's network, as written to model.zip
 * @param head how the network's outputs map back to labels, with the chosen threshold
 * @param history every epoch, as written to training-history.csv
 */
public record TrainResult(
    ModelProvenance provenance, Network network, OutputHead head, TrainState history) {}
