package org.fedsim.model;

import java.util.Arrays;

/**
 * The scratch memory of {@link DenseModel}'s training and evaluation: the minibatch's input rows, per layer
 * pre-activations, activations and deltas for up to {@link #capacity} rows, the gradient sum and the optimizer
 * state. One per thread (a hospital trains on whichever thread the dispatcher gives it, one hospital at a time per
 * thread), kept for the next fit of the same shape, so a hospital between rounds holds only its parameters and the
 * minibatch loop allocates nothing. Nothing here outlives one {@code fit} or {@code evaluate}: the optimizer state
 * is zeroed at the start of every fit, as DL4J's is.
 */
final class DenseWorkspace {
  private static final ThreadLocal<DenseWorkspace> CURRENT = new ThreadLocal<>();

  final int[] widths;
  final int capacity;
  /** The minibatch's input rows: rows × widths[0], row-major. */
  final float[] x;
  /** Per layer l: rows × widths[l + 1], row-major. */
  final float[][] z;
  final float[][] a;
  final float[][] delta;
  /** Sum over the minibatch of each parameter's gradient, in the flat parameter layout. */
  final double[] gradSum;
  /** Optimizer state: Adam's first and second moments; Nesterovs' velocity is {@code m}. */
  final float[] m;
  final float[] v;
  /** FedProx: the global parameters the fit started from (w_global of the proximal term). */
  final float[] anchor;

  private DenseWorkspace(int[] widths, int capacity) {
    this.widths = widths.clone();
    this.capacity = capacity;
    int layers = widths.length - 1;
    x = new float[capacity * widths[0]];
    z = new float[layers][];
    a = new float[layers][];
    delta = new float[layers][];
    int params = 0;
    for (int l = 0; l < layers; l++) {
      z[l] = new float[capacity * widths[l + 1]];
      a[l] = new float[capacity * widths[l + 1]];
      delta[l] = new float[capacity * widths[l + 1]];
      params += widths[l] * widths[l + 1] + widths[l + 1];
    }
    gradSum = new double[params];
    m = new float[params];
    v = new float[params];
    anchor = new float[params];
  }

  /** This thread's workspace for {@code net}, with room for at least {@code rows} rows at once. */
  static DenseWorkspace forThread(DenseNet net, int rows) {
    DenseWorkspace ws = CURRENT.get();
    boolean sameShape = ws != null && Arrays.equals(ws.widths, net.widths);
    if (!sameShape || ws.capacity < rows) {
      ws = new DenseWorkspace(net.widths, Math.max(rows, sameShape ? ws.capacity : 0));
      CURRENT.set(ws);
    }
    return ws;
  }

  /** A fresh optimizer: zero moments / velocity. */
  void resetOptimizer() {
    Arrays.fill(m, 0f);
    Arrays.fill(v, 0f);
  }
}
