package org.fedsim.model;

/**
 * What computes a hospital's training and evaluation ({@code model.engine}). {@link #DL4J} is the reference;
 * {@link #DENSE} is {@link DenseModel}: plain-Java loops that compute the same numbers from the same starting
 * parameters, about a hundred times faster on small networks.
 */
public enum Engine {
  DL4J,
  DENSE
}
