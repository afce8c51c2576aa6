package org.fedsim.model;

import java.util.List;

/**
 * The network a scenario describes: a feed-forward binary classifier with ReLU/tanh/... hidden layers and a
 * sigmoid output, trained locally with the given optimizer. The default is the seed's MortalityNN
 * (d→4 ReLU→2 ReLU→1 sigmoid, binary cross-entropy, Adam 1e-3, batch 32, 10 local epochs).
 *
 * <p>Every engine must compute every option here, or refuse it at load: see {@link ModelFactory#unsupported}.
 *
 * @param momentum the momentum of {@link Optimizer#NESTEROVS} (DL4J's {@code Nesterovs}); unused by the others
 * @param localSteps 0: each round trains {@code localEpochs} passes over the site's rows; n &gt; 0: exactly n minibatch
 *     steps, whatever the site's size (reshuffled passes, the last one cut short), so every site moves as far
 */
public record ModelSettings(
    List<Integer> hiddenLayers,
    HiddenActivation activation,
    Loss loss,
    Optimizer optimizer,
    double learningRate,
    int batchSize,
    int localEpochs,
    double momentum,
    int localSteps) {

  /** DL4J's default momentum for {@code Nesterovs}, and {@code model.momentum}'s default. */
  public static final double DEFAULT_MOMENTUM = 0.9;

  public enum HiddenActivation { RELU, TANH, SIGMOID, IDENTITY }

  /** Binary cross-entropy (DL4J's {@code XENT}) or mean squared error (DL4J's {@code MSE}). */
  public enum Loss { XENT, MSE }

  /** DL4J's {@code Adam}, {@code Sgd} and {@code Nesterovs} (SGD with Nesterov momentum). */
  public enum Optimizer { ADAM, SGD, NESTEROVS }

  /** With the default momentum (which only {@link Optimizer#NESTEROVS} reads). */
  public ModelSettings(List<Integer> hiddenLayers, HiddenActivation activation, Loss loss, Optimizer optimizer,
      double learningRate, int batchSize, int localEpochs) {
    this(hiddenLayers, activation, loss, optimizer, learningRate, batchSize, localEpochs, DEFAULT_MOMENTUM);
  }

  /** Trained in whole passes ({@code localEpochs}), not in a fixed number of steps. */
  public ModelSettings(List<Integer> hiddenLayers, HiddenActivation activation, Loss loss, Optimizer optimizer,
      double learningRate, int batchSize, int localEpochs, double momentum) {
    this(hiddenLayers, activation, loss, optimizer, learningRate, batchSize, localEpochs, momentum, 0);
  }

  public ModelSettings {
    hiddenLayers = List.copyOf(hiddenLayers);
    for (int width : hiddenLayers) {
      if (width < 1) throw new IllegalArgumentException("model.hidden-layers: every width must be >= 1, got " + hiddenLayers);
    }
    if (!(learningRate > 0)) throw new IllegalArgumentException("model.learning-rate must be > 0, got " + learningRate);
    if (batchSize < 1) throw new IllegalArgumentException("model.batch-size must be >= 1, got " + batchSize);
    if (localEpochs < 1) throw new IllegalArgumentException("model.local-epochs must be >= 1, got " + localEpochs);
    if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("model.momentum must be in [0, 1), got " + momentum);
    if (localSteps < 0) throw new IllegalArgumentException("model.local-steps must be >= 0, got " + localSteps);
  }

  /** The same network and optimizer, trained {@code steps} minibatch steps a fit (0: in passes). */
  public ModelSettings withLocalSteps(int steps) {
    return new ModelSettings(hiddenLayers, activation, loss, optimizer, learningRate, batchSize, localEpochs, momentum,
        steps);
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
