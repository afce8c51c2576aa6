package org.fedsim.model;

/** Accuracy (threshold 0.5), ROC AUC and mean binary cross-entropy on a set of rows. */
public record Evaluation(int rows, double accuracy, double auc, double loss) {}
