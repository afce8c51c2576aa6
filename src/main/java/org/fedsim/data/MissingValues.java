package org.fedsim.data;

/** What the CSV loader does with a row that has an empty feature value. */
public enum MissingValues {
  /** Drop the row; dropped rows are counted per site and reported. */
  DROP,
  /** Stop with an error naming the file, line and column. */
  FAIL
}
