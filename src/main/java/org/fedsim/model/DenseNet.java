package org.fedsim.model;

import java.util.Arrays;

/**
 * The immutable shape of a {@link DenseModel}'s network and its training rule, shared by every hospital of a run:
 * layer widths, where each layer's weights and biases sit in the flat parameter vector, activations, loss and
 * optimizer constants.
 *
 * <p>The flat layout is DL4J's ({@code DefaultParamInitializer}): for each layer in turn, its weight matrix
 * W (nIn × nOut) in column-major ('f') order, so {@code W[i][j]} is at {@code weightOffset + i + j * nIn}, then
 * its nOut biases.
 */
final class DenseNet {
  /** Layer widths: {@code widths[0]} inputs, then every hidden layer, then the one output unit. */
  final int[] widths;
  final int[] weightOffset;
  final int[] biasOffset;
  final int numParams;
  final ModelSettings.HiddenActivation hidden;
  final ModelSettings.Loss loss;
  final ModelSettings.Optimizer optimizer;
  final float learningRate;
  final float momentum;
  /** How the run's hospitals train: DP-SGD, or null for plain minibatch training (see {@link DenseModel}). */
  final DpSgd dpSgd;
  /** FedProx: μ of the proximal term μ/2·‖w − w_global‖² in the local loss (0: none). */
  final float proximalMu;
  /** Minibatch steps a round (0: whole passes, {@code TrainingPlan.localEpochs}). */
  final int localSteps;

  DenseNet(ModelSettings s, int inputs) {
    this(s, inputs, null);
  }

  DenseNet(ModelSettings s, int inputs, DpSgd dpSgd) {
    this(s, inputs, dpSgd, 0f);
  }

  DenseNet(ModelSettings s, int inputs, DpSgd dpSgd, float proximalMu) {
    this.dpSgd = dpSgd;
    if (!(proximalMu >= 0)) throw new IllegalArgumentException("proximal mu must be >= 0, got " + proximalMu);
    this.proximalMu = proximalMu;
    this.localSteps = s.localSteps();
    if (inputs < 1) throw new IllegalArgumentException("a network needs at least one input, got " + inputs);
    DenseModel.unsupported(s).ifPresent(u -> {
      throw new IllegalArgumentException("the dense engine cannot compute " + u.what() + " (" + u.key() + ")");
    });
    int layers = s.hiddenLayers().size() + 1;
    widths = new int[layers + 1];
    widths[0] = inputs;
    for (int l = 0; l < s.hiddenLayers().size(); l++) widths[l + 1] = s.hiddenLayers().get(l);
    widths[layers] = 1;
    weightOffset = new int[layers];
    biasOffset = new int[layers];
    int offset = 0;
    for (int l = 0; l < layers; l++) {
      weightOffset[l] = offset;
      offset += widths[l] * widths[l + 1];
      biasOffset[l] = offset;
      offset += widths[l + 1];
    }
    numParams = offset;
    hidden = s.activation();
    loss = s.loss();
    optimizer = s.optimizer();
    // DL4J's updaters cast their double hyperparameters to the network's data type (float) before use
    learningRate = (float) s.learningRate();
    momentum = (float) s.momentum();
  }

  int layers() {
    return widths.length - 1;
  }

  int inputs() {
    return widths[0];
  }

  @Override
  public String toString() {
    return "DenseNet" + Arrays.toString(widths) + "[" + hidden + ", " + loss + ", " + optimizer
        + (dpSgd == null ? "" : ", " + dpSgd) + (proximalMu == 0 ? "" : ", prox mu=" + proximalMu) + "]";
  }
}
