package org.fedsim.protocol;

import java.util.Arrays;

/**
 * A flat parameter vector in DL4J's parameter layout. Plain floats only: no DL4J/ND4J type ever crosses an actor
 * boundary. The array is copied on the way in and on the way out, so a holder can never change another's weights.
 */
public record ModelWeights(float[] values) implements CborSerializable {
  public ModelWeights {
    if (values == null) throw new IllegalArgumentException("values must not be null");
    values = values.clone();
  }

  /** A copy of the values. */
  @Override
  public float[] values() {
    return values.clone();
  }

  /** The number of parameters. */
  public int size() {
    return values.length;
  }

  /** Read one value without copying the array. */
  public float get(int i) {
    return values[i];
  }

  /** L2 norm, accumulated in double. */
  public double l2Norm() {
    double s = 0;
    for (float v : values) s += (double) v * v;
    return Math.sqrt(s);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelWeights w && Arrays.equals(values, w.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  /** Never prints the array: only its length and norm. */
  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "ModelWeights[n=%d, l2=%.4g]", values.length, l2Norm());
  }
}
