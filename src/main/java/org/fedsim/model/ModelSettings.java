package org.fedsim.model;

import java.util.List;

/**
 * The network a scenario describes: a feed-forward binary classifier with ReLU/tanh/... hidden layers and a
 * sigmoid output, trained locally with the given optimizer. The default is the seed's MortalityNN
 * (d→4 ReLU→2 ReLU→1 sigmoid, binary cross-entropy, Adam 1e-3, batch 32, 10 local epochs).
 */
public record ModelSettings(
    List<Integer> hiddenLayers,
    HiddenActivation activation,
    Loss loss,
    Optimizer optimizer,
    double learningRate,
    int batchSize,
    int localEpochs) {

  public enum HiddenActivation { RELU, TANH, SIGMOID, IDENTITY }

  public enum Loss { XENT, MSE }

  public enum Optimizer { ADAM, SGD }

  public ModelSettings {
    hiddenLayers = List.copyOf(hiddenLayers);
    for (int width : hiddenLayers) {
      if (width < 1) throw new IllegalArgumentException("model.hidden-layers: every width must be >= 1, got " + hiddenLayers);
    }
    if (!(learningRate > 0)) throw new IllegalArgumentException("model.learning-rate must be > 0, got " + learningRate);
    if (batchSize < 1) throw new IllegalArgumentException("model.batch-size must be >= 1, got " + batchSize);
    if (localEpochs < 1) throw new IllegalArgumentException("model.local-epochs must be >= 1, got " + localEpochs);
  }

  /** Number of parameters for {@code inputs} features (weights and biases of every dense layer). */
  public int numParams(int inputs) {
    int n = 0;
    int in = inputs;
    for (int width : hiddenLayers) {
      n += in * width + width;
      in = width;
    }
    return n + in + 1;
  }
}
