package org.fedsim.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import org.fedsim.data.SiteData;
import org.fedsim.protocol.TrainingPlan;

/**
 * The dense engine: the network {@link Dl4jModel} builds (dense layers, sigmoid output, XENT or MSE, Adam / SGD /
 * Nesterovs), trained and evaluated with plain loops over float arrays, computing what DL4J computes:
 *
 * <ul>
 *   <li>the same flat parameters (DL4J's layout, see {@link DenseNet}), in float, updated in float;
 *   <li>the same minibatches ({@link MinibatchOrder}) and a fresh optimizer every fit;
 *   <li>DL4J's gradient: the output layer's dL/dz from {@code LossBinaryXENT} (the sigmoid output clipped to
 *       [1e-5, 1 - 1e-5], then (p - y) / (p (1 - p)) times sigmoid'(z)) or {@code LossMSE} (2 (p - y) sigmoid'(z)
 *       / nOut), backpropagated, summed over the minibatch and divided by its size (DL4J's updater divides);
 *   <li>DL4J's update rules and constants: Adam (β1 0.9, β2 0.999, ε 1e-8 added to √v, bias correction folded
 *       into the step size with t = iteration + 1), Sgd, and Nesterovs (v = μv − ηg, step μv_prev − (1 + μ)v);
 *   <li>DL4J's score: the minibatch's mean loss before the step (XENT on the clipped output).
 * </ul>
 *
 * Sums (matrix products, gradient sums over the minibatch) are accumulated in double and rounded to float once,
 * where DL4J's BLAS accumulates in float: the parameters agree within 1e-5 after many rounds (see the tests).
 *
 * <p>Between fits an instance holds only its parameters ({@code float[numParams]}) and the shared, immutable
 * {@link DenseNet}; activations, gradients and optimizer state live in a per-thread {@link DenseWorkspace}.
 * Not thread-safe: one owner at a time, as every {@link LocalModel}.
 */
public final class DenseModel implements LocalModel {
  // LossBinaryXENT.DEFAULT_CLIPPING_EPSILON; its clipbyvalue op casts the bounds to the data type (float)
  private static final float CLIP_LOW = (float) 1e-5;
  private static final float CLIP_HIGH = (float) (1.0 - 1e-5);
  // org.nd4j.linalg.learning.config.Adam defaults, cast to float as the native adam_updater does
  private static final float ADAM_BETA1 = (float) 0.9;
  private static final float ADAM_BETA2 = (float) 0.999;
  private static final float ADAM_EPSILON = (float) 1e-8;
  /** Rows evaluated at once, at most (a thread's workspace grows to hold them, once). */
  private static final int EVALUATION_CHUNK = 256;

  private final DenseNet net;
  private final float[] params;

  /** A network of {@code settings}' shape for {@code inputs} features, starting from a copy of {@code params}. */
  public DenseModel(ModelSettings settings, int inputs, float[] params) {
    this(new DenseNet(settings, inputs), params);
  }

  /** A model sharing the (immutable) {@code net} with others: what the hospitals of one run do. */
  DenseModel(DenseNet net, float[] params) {
    this.net = net;
    this.params = new float[net.numParams];
    setParams(params);
  }

  /** A network of {@code settings}' shape trained with DP-SGD (or plainly if {@code dpSgd} is null). */
  public DenseModel(ModelSettings settings, int inputs, float[] params, DpSgd dpSgd) {
    this(new DenseNet(settings, inputs, dpSgd), params);
  }

  /**
   * What in {@code settings} the dense engine cannot compute exactly as DL4J does, if anything; the scenario loader
   * refuses such a scenario rather than approximating it. Every option {@link ModelSettings} can hold is classified
   * here; the switches have no default branch, so a new option does not compile until it is either implemented or
   * refused.
   */
  public static Optional<Unsupported> unsupported(ModelSettings settings) {
    boolean activation = switch (settings.activation()) {
      case RELU, TANH, SIGMOID, IDENTITY -> true;
    };
    if (!activation) return refuse("model.activation", "activation " + ModelFactory.key(settings.activation()));
    boolean loss = switch (settings.loss()) {
      case XENT, MSE -> true;
    };
    if (!loss) return refuse("model.loss", "loss " + ModelFactory.key(settings.loss()));
    boolean optimizer = switch (settings.optimizer()) {
      case ADAM, SGD, NESTEROVS -> true;
    };
    if (!optimizer) return refuse("model.optimizer", "optimizer " + ModelFactory.key(settings.optimizer()));
    // hidden-layers (any number, any width >= 1), learning-rate, momentum, batch-size, local-epochs: all computed
    return Optional.empty();
  }

  private static Optional<Unsupported> refuse(String key, String what) {
    return Optional.of(new Unsupported(key, what));
  }

  @Override
  public int numParams() {
    return net.numParams;
  }

  @Override
  public float[] getParams() {
    return params.clone();
  }

  @Override
  public void setParams(float[] values) {
    if (values.length != net.numParams) {
      throw new IllegalArgumentException("expected " + net.numParams + " parameters, got " + values.length);
    }
    System.arraycopy(values, 0, params, 0, values.length);
  }

  @Override
  public double fit(SiteData train, TrainingPlan plan) {
    int n = train.size();
    if (n == 0) return Double.NaN;
    checkWidth(train);
    if (net.dpSgd != null) return fitDpSgd(train, plan);
    float[][] rows = train.features();
    int[] labels = train.labels();
    MinibatchOrder minibatches = new MinibatchOrder(n, stepsPlan(plan, n, net.localSteps));
    int batch = minibatches.batchSize();
    int steps = net.localSteps > 0 ? net.localSteps : Integer.MAX_VALUE;
    DenseWorkspace ws = DenseWorkspace.forThread(net, batch);
    ws.resetOptimizer();
    System.arraycopy(params, 0, ws.anchor, 0, params.length); // w_global of FedProx's proximal term
    int iteration = 0; // DL4J's iteration count, reset to 0 by Dl4jModel.fit: Adam's bias correction uses it + 1
    double lastEpochLoss = 0;
    int lastEpochBatches = 0;
    for (int epoch = 0; epoch < minibatches.epochs(); epoch++) {
      int[] order = minibatches.nextEpoch();
      boolean last = epoch == minibatches.epochs() - 1;
      for (int start = 0; start < n && iteration < steps; start += batch) {
        int b = Math.min(batch, n - start);
        gather(rows, order, start, b, ws);
        forward(b, ws);
        double loss = outputDelta(labels, order, start, b, ws, last);
        backward(b, ws);
        update(b, iteration++, ws);
        if (last) {
          lastEpochLoss += loss;
          lastEpochBatches++;
        }
      }
    }
    return lastEpochLoss / lastEpochBatches;
  }

  /**
   * With {@code localSteps} &gt; 0, the passes that hold that many minibatch steps (the last one is cut short);
   * otherwise {@code plan} as it is.
   */
  static TrainingPlan stepsPlan(TrainingPlan plan, int n, int localSteps) {
    if (localSteps <= 0) return plan;
    int batch = Math.min(plan.batchSize(), n);
    int perPass = (n + batch - 1) / batch;
    return new TrainingPlan((localSteps + perPass - 1) / perPass, plan.batchSize(), plan.shuffleSeed());
  }

  /**
   * DP-SGD (Abadi et al. 2016): per step, each row is in the minibatch with probability q = batch / n (Poisson
   * sampling); each sampled row's gradient is computed alone and clipped to L2 norm C over all parameters; the
   * clipped gradients are summed, N(0, (σC)²) noise is added to each coordinate, and the optimizer steps on that sum
   * divided by the expected batch size (q n = batch). ⌈n / batch⌉ steps per epoch. Returns the mean per-example loss
   * over the last epoch's sampled rows (NaN if none was sampled).
   */
  private double fitDpSgd(SiteData train, TrainingPlan plan) {
    DpSgd dpSgd = net.dpSgd;
    int n = train.size();
    float[][] rows = train.features();
    int[] labels = train.labels();
    int batch = Math.min(plan.batchSize(), n);
    double q = batch / (double) n;
    int stepsPerEpoch = (n + batch - 1) / batch;
    double clip = dpSgd.clippingNorm();
    double noiseStd = dpSgd.noiseMultiplier() * clip;
    SplittableRandom rng = new SplittableRandom(plan.shuffleSeed() ^ (dpSgd.seed() * 0x9E3779B97F4A7C15L));
    DenseWorkspace ws = DenseWorkspace.forThread(net, 1);
    ws.resetOptimizer();
    System.arraycopy(params, 0, ws.anchor, 0, params.length);
    double[] noisy = new double[net.numParams];
    int[] one = new int[1];
    int iteration = 0;
    double lastEpochLoss = 0;
    long lastEpochExamples = 0;
    for (int epoch = 0; epoch < plan.localEpochs(); epoch++) {
      boolean last = epoch == plan.localEpochs() - 1;
      for (int step = 0; step < stepsPerEpoch; step++) {
        Arrays.fill(noisy, 0.0);
        for (int i = 0; i < n; i++) {
          if (!(rng.nextDouble() < q)) continue;
          one[0] = i;
          double loss = exampleGradient(rows, labels, one, ws, last);
          addClipped(ws.gradSum, clip, noisy);
          if (last) {
            lastEpochLoss += loss;
            lastEpochExamples++;
          }
        }
        if (noiseStd > 0) for (int p = 0; p < noisy.length; p++) noisy[p] += noiseStd * rng.nextGaussian();
        System.arraycopy(noisy, 0, ws.gradSum, 0, noisy.length);
        update(batch, iteration++, ws);
      }
    }
    return lastEpochExamples == 0 ? Double.NaN : lastEpochLoss / lastEpochExamples;
  }

  /** Row {@code one[0]}'s gradient into ws.gradSum (a minibatch of one); its loss if {@code withLoss}. */
  private double exampleGradient(float[][] rows, int[] labels, int[] one, DenseWorkspace ws, boolean withLoss) {
    gather(rows, one, 0, 1, ws);
    forward(1, ws);
    double loss = outputDelta(labels, one, 0, 1, ws, withLoss);
    backward(1, ws);
    return loss;
  }

  /** {@code into += g · min(1, clip / ‖g‖)}: g clipped to L2 norm {@code clip}. Returns ‖g‖ before clipping. */
  static double addClipped(double[] g, double clip, double[] into) {
    double squares = 0;
    for (double x : g) squares += x * x;
    double norm = Math.sqrt(squares);
    double scale = norm > clip ? clip / norm : 1.0;
    for (int p = 0; p < g.length; p++) into[p] += g[p] * scale;
    return norm;
  }

  /** Test hook: row {@code row}'s own (unclipped) gradient at the current parameters, as DP-SGD computes it. */
  double[] exampleGradient(SiteData data, int row) {
    DenseWorkspace ws = DenseWorkspace.forThread(net, 1);
    exampleGradient(data.features(), data.labels(), new int[] {row}, ws, false);
    return ws.gradSum.clone();
  }

  @Override
  public Evaluation evaluate(SiteData rows) {
    int n = rows.size();
    if (n == 0) return new Evaluation(0, Double.NaN, Double.NaN, Double.NaN);
    checkWidth(rows);
    DenseWorkspace ws = DenseWorkspace.forThread(net, Math.min(n, EVALUATION_CHUNK));
    float[] out = ws.a[net.layers() - 1];
    double[] p = new double[n];
    for (int start = 0; start < n; start += ws.capacity) {
      int b = Math.min(ws.capacity, n - start);
      gather(rows.features(), null, start, b, ws);
      forward(b, ws);
      for (int k = 0; k < b; k++) p[start + k] = out[k];
    }
    return BinaryMetrics.evaluate(p, rows.labels());
  }

  private void checkWidth(SiteData data) {
    int width = data.features()[0].length;
    if (width != net.inputs()) {
      throw new IllegalArgumentException("site " + data.site() + ": rows have " + width + " features, the network "
          + net.inputs() + " inputs");
    }
  }

  /** Copies rows {@code order[start..start+b)} (or {@code start..start+b} if {@code order} is null) into ws.x. */
  private void gather(float[][] rows, int[] order, int start, int b, DenseWorkspace ws) {
    int d = net.inputs();
    for (int k = 0; k < b; k++) System.arraycopy(rows[order == null ? start + k : order[start + k]], 0, ws.x, k * d, d);
  }

  /**
   * The {@code b} rows in ws.x through the net: pre-activations into ws.z, activations into ws.a. Rows go four at a
   * time, so each weight loaded feeds four independent sums (a single dot product of a few terms is bound by the
   * latency of its chain of additions).
   */
  private void forward(int b, DenseWorkspace ws) {
    float[] p = params;
    int layers = net.layers();
    for (int l = 0; l < layers; l++) {
      int nIn = net.widths[l];
      int nOut = net.widths[l + 1];
      int w = net.weightOffset[l];
      int bias = net.biasOffset[l];
      float[] in = l == 0 ? ws.x : ws.a[l - 1];
      float[] z = ws.z[l];
      int k = 0;
      for (; k + 4 <= b; k += 4) {
        int r0 = k * nIn;
        int r1 = r0 + nIn;
        int r2 = r1 + nIn;
        int r3 = r2 + nIn;
        for (int j = 0; j < nOut; j++) {
          int column = w + j * nIn; // W[., j] is contiguous in the 'f' layout
          double s0 = 0;
          double s1 = 0;
          double s2 = 0;
          double s3 = 0;
          for (int i = 0; i < nIn; i++) {
            double weight = p[column + i];
            s0 += in[r0 + i] * weight;
            s1 += in[r1 + i] * weight;
            s2 += in[r2 + i] * weight;
            s3 += in[r3 + i] * weight;
          }
          float bj = p[bias + j]; // DL4J: mmul, then addiRowVector(b), both in float
          z[k * nOut + j] = (float) s0 + bj;
          z[(k + 1) * nOut + j] = (float) s1 + bj;
          z[(k + 2) * nOut + j] = (float) s2 + bj;
          z[(k + 3) * nOut + j] = (float) s3 + bj;
        }
      }
      for (; k < b; k++) {
        int r = k * nIn;
        for (int j = 0; j < nOut; j++) {
          int column = w + j * nIn;
          double sum = 0;
          for (int i = 0; i < nIn; i++) sum += in[r + i] * (double) p[column + i];
          z[k * nOut + j] = (float) sum + p[bias + j];
        }
      }
      activate(l == layers - 1 ? ModelSettings.HiddenActivation.SIGMOID : net.hidden, z, ws.a[l], b * nOut);
    }
  }

  /**
   * The output layer's delta (dL/dz per row, not yet divided by the minibatch size). Returns the minibatch's mean
   * loss if {@code withLoss} (only the last epoch's is reported, and its logarithms are most of a step's cost), else
   * NaN.
   */
  private double outputDelta(int[] labels, int[] order, int start, int b, DenseWorkspace ws, boolean withLoss) {
    int last = net.layers() - 1;
    float[] out = ws.a[last];
    float[] delta = ws.delta[last];
    double loss = 0;
    for (int k = 0; k < b; k++) {
      float y = labels[order[start + k]];
      float p = out[k];
      float sigmoidDerivative = p * (1f - p);
      switch (net.loss) {
        case XENT -> {
          float c = Math.min(Math.max(p, CLIP_LOW), CLIP_HIGH);
          if (withLoss) loss -= (float) Math.log(c) * y + (float) Math.log(1f - c) * (1f - y);
          delta[k] = (c - y) / (c * (1f - c)) * sigmoidDerivative;
        }
        case MSE -> {
          float diff = p - y;
          loss += diff * diff; // LossL2's sum, divided by nOut = 1 (LossMSE)
          delta[k] = diff * 2f * sigmoidDerivative; // then / nOut = 1
        }
      }
    }
    return withLoss ? loss / b : Double.NaN;
  }

  /** Gradient sums into {@code ws.gradSum}, from the output layer's delta back to the first layer; rows by four. */
  private void backward(int b, DenseWorkspace ws) {
    float[] p = params;
    double[] g = ws.gradSum;
    Arrays.fill(g, 0.0);
    for (int l = net.layers() - 1; l >= 0; l--) {
      int nIn = net.widths[l];
      int nOut = net.widths[l + 1];
      int w = net.weightOffset[l];
      int bias = net.biasOffset[l];
      float[] in = l == 0 ? ws.x : ws.a[l - 1];
      float[] delta = ws.delta[l];
      // dW = inputᵀ · delta, db = column sums of delta
      int k = 0;
      for (; k + 4 <= b; k += 4) {
        int r0 = k * nIn;
        int r1 = r0 + nIn;
        int r2 = r1 + nIn;
        int r3 = r2 + nIn;
        for (int j = 0; j < nOut; j++) {
          double d0 = delta[k * nOut + j];
          double d1 = delta[(k + 1) * nOut + j];
          double d2 = delta[(k + 2) * nOut + j];
          double d3 = delta[(k + 3) * nOut + j];
          int column = w + j * nIn;
          for (int i = 0; i < nIn; i++) {
            g[column + i] += in[r0 + i] * d0 + in[r1 + i] * d1 + in[r2 + i] * d2 + in[r3 + i] * d3;
          }
          g[bias + j] += d0 + d1 + d2 + d3;
        }
      }
      for (; k < b; k++) {
        int r = k * nIn;
        for (int j = 0; j < nOut; j++) {
          double d = delta[k * nOut + j];
          int column = w + j * nIn;
          for (int i = 0; i < nIn; i++) g[column + i] += in[r + i] * d;
          g[bias + j] += d;
        }
      }
      if (l == 0) break;
      // epsilon for the layer below = delta · Wᵀ (the weights before this step's update), then through its activation
      float[] below = ws.delta[l - 1];
      k = 0;
      for (; k + 4 <= b; k += 4) {
        int o0 = k * nOut;
        int o1 = o0 + nOut;
        int o2 = o1 + nOut;
        int o3 = o2 + nOut;
        for (int i = 0; i < nIn; i++) {
          double s0 = 0;
          double s1 = 0;
          double s2 = 0;
          double s3 = 0;
          for (int j = 0; j < nOut; j++) {
            double weight = p[w + j * nIn + i];
            s0 += delta[o0 + j] * weight;
            s1 += delta[o1 + j] * weight;
            s2 += delta[o2 + j] * weight;
            s3 += delta[o3 + j] * weight;
          }
          below[k * nIn + i] = (float) s0;
          below[(k + 1) * nIn + i] = (float) s1;
          below[(k + 2) * nIn + i] = (float) s2;
          below[(k + 3) * nIn + i] = (float) s3;
        }
      }
      for (; k < b; k++) {
        for (int i = 0; i < nIn; i++) {
          double sum = 0;
          for (int j = 0; j < nOut; j++) sum += delta[k * nOut + j] * (double) p[w + j * nIn + i];
          below[k * nIn + i] = (float) sum;
        }
      }
      backprop(below, ws.a[l - 1], b * nIn);
    }
  }

  /**
   * One optimizer step on the minibatch-mean gradient, as DL4J's updater block followed by params -= update. With
   * FedProx (μ > 0) the gradient of μ/2·‖w − w_global‖², μ(w − w_global), is added to the mean gradient first.
   */
  private void update(int b, int iteration, DenseWorkspace ws) {
    float[] p = params;
    double[] sum = ws.gradSum;
    float size = b;
    float prox = net.proximalMu;
    if (prox != 0f) {
      float[] anchor = ws.anchor;
      // folded into the summed gradient, which every rule below divides by the minibatch size
      for (int q = 0; q < net.numParams; q++) sum[q] += (double) size * (float) (prox * (p[q] - anchor[q]));
    }
    float lr = net.learningRate;
    int count = net.numParams;
    switch (net.optimizer) {
      case SGD -> {
        for (int q = 0; q < count; q++) {
          float g = (float) sum[q] / size;
          p[q] -= lr * g;
        }
      }
      case NESTEROVS -> {
        float mu = net.momentum;
        float muStep = -mu - 1;
        float[] v = ws.m;
        for (int q = 0; q < count; q++) {
          float g = (float) sum[q] / size;
          float previous = mu * v[q];
          v[q] = previous - lr * g;
          p[q] -= previous + muStep * v[q];
        }
      }
      case ADAM -> {
        float t = iteration + 1;
        float beta1t = (float) Math.pow(ADAM_BETA1, t);
        float beta2t = (float) Math.pow(ADAM_BETA2, t);
        // the bias corrections folded into the step size; epsilon is added to the uncorrected sqrt(v)
        float step = (float) ((lr * (float) Math.sqrt(1.0 - beta2t)) / (1.0 - beta1t));
        float[] m = ws.m;
        float[] v = ws.v;
        for (int q = 0; q < count; q++) {
          float g = (float) sum[q] / size;
          m[q] = ADAM_BETA1 * m[q] + g * (1f - ADAM_BETA1);
          v[q] = ADAM_BETA2 * v[q] + g * g * (1f - ADAM_BETA2);
          p[q] -= (m[q] * step) / ((float) Math.sqrt(v[q]) + ADAM_EPSILON);
        }
      }
    }
  }

  /** {@code a[q] = activation(z[q])} for the first {@code count} values. */
  private static void activate(ModelSettings.HiddenActivation activation, float[] z, float[] a, int count) {
    switch (activation) {
      case RELU -> {
        for (int q = 0; q < count; q++) a[q] = Math.max(z[q], 0f); // as z > 0 ? z : 0 (no NaN here), without a branch
      }
      case TANH -> {
        for (int q = 0; q < count; q++) a[q] = (float) Math.tanh(z[q]);
      }
      case SIGMOID -> {
        for (int q = 0; q < count; q++) a[q] = sigmoid(z[q]);
      }
      case IDENTITY -> System.arraycopy(z, 0, a, 0, count);
    }
  }

  /**
   * A hidden layer's dL/dz from dL/da, in place in {@code epsilon}, given its activations (as DL4J's relu_bp,
   * tanh_bp, sigmoid_bp; ReLU's derivative is 0 at z = 0).
   */
  private void backprop(float[] epsilon, float[] a, int count) {
    switch (net.hidden) {
      case RELU -> {
        // epsilon where z > 0, else 0, without a branch (the signs are random): a = max(z, 0) is > 0 exactly when
        // z > 0, and then -bits(a) >> 31 is all ones, else (a = +0) zero
        for (int q = 0; q < count; q++) {
          int keep = -Float.floatToRawIntBits(a[q]) >> 31;
          epsilon[q] = Float.intBitsToFloat(Float.floatToRawIntBits(epsilon[q]) & keep);
        }
      }
      case TANH -> {
        for (int q = 0; q < count; q++) epsilon[q] *= 1f - a[q] * a[q];
      }
      case SIGMOID -> {
        for (int q = 0; q < count; q++) epsilon[q] *= a[q] * (1f - a[q]);
      }
      case IDENTITY -> { }
    }
  }

  private static float sigmoid(float x) {
    float e = (float) Math.exp(-x);
    return 1f / (1f + e);
  }

  @Override
  public String toString() {
    return "DenseModel[" + net + ", params=" + net.numParams + "]";
  }
}
