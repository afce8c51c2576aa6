package org.fedsim.model;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.fedsim.data.SiteData;
import org.fedsim.protocol.TrainingPlan;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The reference engine: a DL4J {@link MultiLayerNetwork} built from {@link ModelSettings}. DL4J types stay inside
 * this class; parameters cross its boundary as copied float arrays ({@code params()} is a live view).
 *
 * <p>FedProx: with μ &gt; 0, the gradient of μ/2·‖w − w_global‖², μ(w − w_global), is added to each minibatch's
 * loss gradient after DL4J computes it and before the updater (Adam, SGD, Nesterovs) turns it into a step
 * (DL4J calls {@code onGradientCalculation} between the two), w_global being the parameters {@link #fit} starts from.
 */
public final class Dl4jModel implements LocalModel {
  private final MultiLayerNetwork net;
  private final ModelSettings settings;
  private final int inputs;
  private final float proximalMu;
  /** FedProx: the parameters the current fit started from (w_global), or null without the term. */
  private INDArray anchor;
  private INDArray[] batchIo;

  /** Build and initialise the network; {@code initSeed} seeds DL4J's weight initialisation. */
  public Dl4jModel(ModelSettings settings, int inputs, long initSeed) {
    this(settings, inputs, initSeed, 0f);
  }

  private Dl4jModel(ModelSettings settings, int inputs, long initSeed, float proximalMu) {
    if (!(proximalMu >= 0 && Float.isFinite(proximalMu))) {
      throw new IllegalArgumentException("proximal mu must be >= 0, got " + proximalMu);
    }
    this.settings = settings;
    this.inputs = inputs;
    this.proximalMu = proximalMu;
    this.net = new MultiLayerNetwork(configuration(settings, inputs, initSeed));
    this.net.init();
    if (proximalMu > 0) net.setListeners(new ProximalTerm());
  }

  /** Build the network and start from {@code params} (DL4J's flat layout) instead of a fresh initialisation. */
  public Dl4jModel(ModelSettings settings, int inputs, float[] params) {
    this(settings, inputs, params, 0f);
  }

  /** As {@link #Dl4jModel(ModelSettings, int, float[])}, with FedProx's proximal term μ (0: none) in local training. */
  public Dl4jModel(ModelSettings settings, int inputs, float[] params, float proximalMu) {
    this(settings, inputs, 0L, proximalMu);
    setParams(params);
  }

  /**
   * Adds μ(w − w_global) to the minibatch gradient before the updater sees it. DL4J's gradient is still the sum over
   * the minibatch's rows here (the updater divides it by the minibatch size), so the term goes in times that size.
   */
  private final class ProximalTerm extends BaseTrainingListener {
    @Override
    public void onGradientCalculation(org.deeplearning4j.nn.api.Model model) {
      INDArray pull = net.params().sub(anchor).muli(proximalMu * net.batchSize());
      net.getFlattenedGradients().addi(pull);
    }
  }

  static MultiLayerConfiguration configuration(ModelSettings s, int inputs, long seed) {
    NeuralNetConfiguration.ListBuilder list =
        new NeuralNetConfiguration.Builder()
            .seed(seed)
            .dataType(DataType.FLOAT)
            .weightInit(WeightInit.XAVIER)
            .updater(updater(s))
            .list();
    int in = inputs;
    for (int width : s.hiddenLayers()) {
      list.layer(new DenseLayer.Builder().nIn(in).nOut(width).activation(activation(s.activation())).build());
      in = width;
    }
    LossFunctions.LossFunction loss =
        s.loss() == ModelSettings.Loss.XENT ? LossFunctions.LossFunction.XENT : LossFunctions.LossFunction.MSE;
    list.layer(new OutputLayer.Builder(loss).nIn(in).nOut(1).activation(Activation.SIGMOID).build());
    return list.build();
  }

  private static IUpdater updater(ModelSettings s) {
    return switch (s.optimizer()) {
      case ADAM -> new Adam(s.learningRate());
      case SGD -> new Sgd(s.learningRate());
      case NESTEROVS -> new Nesterovs(s.learningRate(), s.momentum());
    };
  }

  private static Activation activation(ModelSettings.HiddenActivation a) {
    return switch (a) {
      case RELU -> Activation.RELU;
      case TANH -> Activation.TANH;
      case SIGMOID -> Activation.SIGMOID;
      case IDENTITY -> Activation.IDENTITY;
    };
  }

  @Override
  public int numParams() {
    return (int) net.numParams();
  }

  @Override
  public float[] getParams() {
    return net.params().dup().toFloatVector();
  }

  @Override
  public void setParams(float[] params) {
    if (params.length != numParams()) {
      throw new IllegalArgumentException("expected " + numParams() + " parameters, got " + params.length);
    }
    net.setParams(Nd4j.create(params.clone(), new long[] {1, params.length}, DataType.FLOAT));
  }

  /**
   * One {@code fit(features, labels)} per minibatch on contiguous arrays built in Java (cheaper than slicing
   * INDArrays: DL4J's cost here is per native call, not arithmetic). With {@code model.local-steps} = s &gt; 0,
   * exactly s minibatch steps over as many shuffled passes as they need (the last one cut short), as the dense
   * engine does.
   */
  @Override
  public double fit(SiteData train, TrainingPlan plan) {
    resetOptimizer();
    int n = train.size();
    if (n == 0) return Double.NaN;
    if (proximalMu > 0) anchor = net.params().dup();
    float[][] rows = train.features();
    int[] labels = train.labels();
    int d = rows[0].length;
    MinibatchOrder minibatches = new MinibatchOrder(n, DenseModel.stepsPlan(plan, n, settings.localSteps()));
    int batch = minibatches.batchSize();
    int steps = settings.localSteps() > 0 ? settings.localSteps() : Integer.MAX_VALUE;
    int step = 0;
    float[] xBuf = new float[batch * d];
    float[] yBuf = new float[batch];
    double lastEpochLoss = 0;
    int lastEpochBatches = 0;
    for (int epoch = 0; epoch < minibatches.epochs(); epoch++) {
      int[] order = minibatches.nextEpoch();
      boolean last = epoch == minibatches.epochs() - 1;
      for (int start = 0; start < n && step++ < steps; start += batch) {
        int b = Math.min(batch, n - start);
        for (int k = 0; k < b; k++) {
          System.arraycopy(rows[order[start + k]], 0, xBuf, k * d, d);
          yBuf[k] = labels[order[start + k]];
        }
        if (b == batch) {
          // full minibatches reuse two native arrays: a fresh pair per step costs ~30 % more time and garbage
          INDArray[] io = batchArrays(batch, d);
          io[0].data().setData(xBuf);
          io[1].data().setData(yBuf);
          net.fit(io[0], io[1]);
        } else {
          net.fit(Nd4j.create(Arrays.copyOf(xBuf, b * d), new long[] {b, d}, DataType.FLOAT),
              Nd4j.create(Arrays.copyOf(yBuf, b), new long[] {b, 1}, DataType.FLOAT));
        }
        if (last) {
          lastEpochLoss += net.score(); // the minibatch's mean loss before this step's update
          lastEpochBatches++;
        }
      }
    }
    return lastEpochLoss / lastEpochBatches;
  }

  /** The reusable [features, labels] arrays for full minibatches of this shape. */
  private INDArray[] batchArrays(int batch, int d) {
    if (batchIo == null || batchIo[0].rows() != batch || batchIo[0].columns() != d) {
      batchIo = new INDArray[] {Nd4j.create(DataType.FLOAT, batch, d), Nd4j.create(DataType.FLOAT, batch, 1)};
    }
    return batchIo;
  }

  private void resetOptimizer() {
    INDArray state = net.updaterState();
    if (state != null) state.assign(0);
    net.setIterationCount(0);
    net.setEpochCount(0);
  }

  @Override
  public Evaluation evaluate(SiteData rows) {
    if (rows.size() == 0) return new Evaluation(0, Double.NaN, Double.NaN, Double.NaN);
    INDArray out = net.output(Nd4j.create(rows.features()), false);
    double[] p = out.reshape(rows.size()).toDoubleVector();
    return BinaryMetrics.evaluate(p, rows.labels());
  }

  @Override
  public String toString() {
    return "Dl4jModel[" + inputs + "->" + settings.hiddenLayers() + "->1, params=" + numParams()
        + (proximalMu == 0 ? "" : ", prox mu=" + proximalMu) + "]";
  }
}
