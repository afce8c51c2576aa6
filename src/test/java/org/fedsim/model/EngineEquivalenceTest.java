package org.fedsim.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.fedsim.data.Dataset;
import org.fedsim.data.PreprocessSettings;
import org.fedsim.data.Preprocessor;
import org.fedsim.data.Scaling;
import org.fedsim.data.SiteData;
import org.fedsim.data.SiteSplit;
import org.fedsim.data.SyntheticCohort;
import org.fedsim.data.SyntheticCohortSettings;
import org.fedsim.protocol.TrainingPlan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dense engine computes what DL4J computes: from the same initial parameters (DL4J's initialisation) and the
 * same minibatches, the two engines' parameters, losses and evaluations agree.
 *
 * <p>Tolerance: both engines hold parameters, activations and optimizer state in float; they differ only in how
 * sums are rounded (DL4J's BLAS accumulates matrix products in float, in its own order; the dense engine in double,
 * rounded once) and in the last bit of exp/tanh/pow. Each step's difference is a few float ulps of the update
 * (relative ~1e-7), and a few hundred steps leave them near 1e-6 at worst, so 1e-5 is the bound: absolute for
 * parameters of magnitude up to 1, relative (1e-5 × |value|) above it, where float itself only resolves
 * |value| × 6e-8.
 */
class EngineEquivalenceTest {
  static final double TOLERANCE = 1e-5;
  static SiteSplit site;

  static final ModelSettings SEED_NET = new ModelSettings(List.of(4, 2), ModelSettings.HiddenActivation.RELU,
      ModelSettings.Loss.XENT, ModelSettings.Optimizer.ADAM, 1e-3, 32, 10);

  /** One hospital of the seed scenario's cohort, preprocessed as a run does (balanced, pooled scaling). */
  @BeforeAll
  static void realisticSite() {
    Dataset ds = SyntheticCohort.generate(new SyntheticCohortSettings(26100, 0.0901, 0.15, 42));
    List<SiteSplit> splits = Preprocessor.prepare(ds, new PreprocessSettings(true, Scaling.POOLED, 0.2, 42));
    site = splits.stream().max((a, b) -> Integer.compare(a.train().size(), b.train().size())).orElseThrow();
  }

  /** Max |a - b| / max(1, |a|): absolute up to magnitude 1, relative above (see the class comment). */
  static double maxDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length, "parameter counts");
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]) / Math.max(1.0, Math.abs(a[i])));
    }
    return max;
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
    return max;
  }

  /** Trains both engines {@code rounds} times (each round from the previous result) and returns the max difference. */
  static double trainBoth(ModelSettings s, int inputs, long initSeed, SiteData train, int rounds, long planSeed,
      String what) {
    return trainBoth(s, inputs, initSeed, train, rounds, planSeed, what, 0);
  }

  /** As above, both engines with FedProx's proximal term μ (0: none). */
  static double trainBoth(ModelSettings s, int inputs, long initSeed, SiteData train, int rounds, long planSeed,
      String what, double mu) {
    float[] init = new Dl4jModel(s, inputs, initSeed).getParams();
    LocalModel dl4j = ModelFactory.models(Engine.DL4J, s, inputs, init, null, mu).get();
    LocalModel dense = ModelFactory.models(Engine.DENSE, s, inputs, init, null, mu).get();
    double worst = 0;
    for (int r = 0; r < rounds; r++) {
      TrainingPlan plan = new TrainingPlan(s.localEpochs(), s.batchSize(), planSeed + r);
      double lossDl4j = dl4j.fit(train, plan);
      double lossDense = dense.fit(train, plan);
      float[] p = dl4j.getParams();
      float[] q = dense.getParams();
      double diff = maxDiff(p, q);
      worst = Math.max(worst, diff);
      String where = what + ", round " + (r + 1);
      assertTrue(diff <= TOLERANCE, () -> where + ": parameters differ by " + diff + "\n dl4j  " + java.util.Arrays
          .toString(p) + "\n dense " + java.util.Arrays.toString(q));
      assertTrue(Math.abs(lossDl4j - lossDense) <= TOLERANCE * Math.max(1, Math.abs(lossDl4j)),
          () -> where + ": last-epoch loss " + lossDl4j + " vs " + lossDense);
    }
    return worst;
  }

  @Test
  void theSeedNetworkAgreesAfterThreeLocalRounds() {
    double diff = trainBoth(SEED_NET, 6, 11, site.train(), 3, 500, "seed network");
    System.out.printf("seed network (%d rows), 3 rounds: max |dl4j - dense| = %.3g%n", site.train().size(), diff);
  }

  @Test
  void aDeeperTanhNetworkAgreesAfterOneRound() {
    ModelSettings deep = new ModelSettings(List.of(32, 16), ModelSettings.HiddenActivation.TANH,
        ModelSettings.Loss.XENT, ModelSettings.Optimizer.ADAM, 1e-3, 32, 10);
    double diff = trainBoth(deep, 6, 12, site.train(), 1, 600, "6-32-16-1 tanh");
    System.out.printf("6-32-16-1 tanh, 1 round: max |dl4j - dense| = %.3g%n", diff);
  }

  @Test
  void nesterovsAndSgdAgreeOnTheSeedNetwork() {
    for (ModelSettings.Optimizer o : List.of(ModelSettings.Optimizer.SGD, ModelSettings.Optimizer.NESTEROVS)) {
      ModelSettings s = new ModelSettings(List.of(4, 2), ModelSettings.HiddenActivation.RELU,
          ModelSettings.Loss.XENT, o, 0.01, 32, 3, 0.9);
      double diff = trainBoth(s, 6, 13, site.train(), 3, 700, o.toString());
      System.out.printf("seed network, %s, 3 rounds: max |dl4j - dense| = %.3g%n", o, diff);
    }
  }

  /**
   * FedProx's proximal term and a fixed number of local steps (a cut pass): DL4J adds μ(w − w_global) to the
   * gradient before its updater, the dense engine inside its own; both stop after exactly n steps (100: one pass of the site and part of a second).
   */
  @Test
  void fedProxAndLocalStepsAgreeOnTheSeedNetwork() {
    for (ModelSettings.Optimizer o : ModelSettings.Optimizer.values()) {
      ModelSettings s = new ModelSettings(List.of(4, 2), ModelSettings.HiddenActivation.RELU,
          ModelSettings.Loss.XENT, o, o == ModelSettings.Optimizer.ADAM ? 1e-2 : 0.05, 32, 10, 0.9, 100);
      double diff = trainBoth(s, 6, 14, site.train(), 3, 800, "fedprox mu 0.5, 100 local steps, " + o, 0.5);
      System.out.printf("seed network, %s, FedProx mu 0.5, 100 steps, 3 rounds: max |dl4j - dense| = %.3g%n", o,
          diff);
    }
  }

  /** A random network, training rule and data set: one case of the property tests. */
  record Case(String what, ModelSettings settings, int inputs, SiteData data, long initSeed, long planSeed) {
    static Case draw(SplittableRandom rng, int c, double[] rates, ModelSettings.Optimizer[] optimizers) {
      int inputs = 1 + rng.nextInt(10);
      List<Integer> hidden = new ArrayList<>();
      int depth = 1 + rng.nextInt(3);
      for (int l = 0; l < depth; l++) hidden.add(1 + rng.nextInt(20));
      ModelSettings.HiddenActivation[] activations = ModelSettings.HiddenActivation.values();
      ModelSettings.Loss[] losses = ModelSettings.Loss.values();
      ModelSettings s = new ModelSettings(hidden, activations[c % activations.length],
          losses[rng.nextInt(losses.length)], optimizers[c % optimizers.length], rates[rng.nextInt(rates.length)],
          1 + rng.nextInt(64), 1 + rng.nextInt(3), 0.5 + 0.45 * rng.nextDouble());
      SiteData data = blobs(20 + rng.nextInt(180), inputs, rng.nextLong());
      String what = "case " + c + ": " + inputs + "->" + hidden + "->1 " + s.activation() + " " + s.loss() + " "
          + s.optimizer() + " lr=" + s.learningRate() + " batch=" + s.batchSize() + " epochs=" + s.localEpochs()
          + " rows=" + data.size();
      return new Case(what, s, inputs, data, rng.nextLong(), rng.nextLong());
    }
  }

  /**
   * Random shapes (1–10 inputs, 1–3 hidden layers of 1–20 units), every activation, loss and optimizer, batch
   * sizes 1–64, seeds; two local rounds each. Learning rates span what each optimizer is used with: SGD and
   * Nesterovs up to 0.1, Adam up to 0.01 (Adam above that: see the next test).
   */
  @Test
  void randomNetworksAgree() {
    SplittableRandom rng = new SplittableRandom(2024);
    double worst = 0;
    List<String> report = new ArrayList<>();
    for (int c = 0; c < 30; c++) {
      boolean adam = c % 3 == 0;
      Case k = Case.draw(rng, c, adam ? new double[] {1e-4, 1e-3, 1e-2} : new double[] {1e-3, 1e-2, 0.05, 0.1},
          adam ? new ModelSettings.Optimizer[] {ModelSettings.Optimizer.ADAM}
              : new ModelSettings.Optimizer[] {ModelSettings.Optimizer.SGD, ModelSettings.Optimizer.NESTEROVS});
      double diff = trainBoth(k.settings(), k.inputs(), k.initSeed(), k.data(), 2, k.planSeed(), k.what());
      worst = Math.max(worst, diff);
      report.add(String.format("%-100s %.2g", k.what(), diff));
    }
    System.out.println(String.join("\n", report));
    System.out.printf("30 random networks, 2 rounds each: max difference = %.3g%n", worst);
  }

  /**
   * Adam at learning rates of 0.05–0.1. Adam scales every step to about the learning rate whatever the gradient's
   * size, so a gradient component that is float rounding noise (a sum that cancels) still moves its parameter by
   * up to lr, in a direction the rounding chose. There DL4J is not reproducible to 1e-5 even against itself:
   * moving its initial parameters by one ulp moves its result by up to 1e-4 (and by O(1) where a ReLU flips). The
   * engines must agree within 1e-5, or, where DL4J's own one-ulp sensitivity exceeds that, within twice it.
   */
  @Test
  void adamAtHighLearningRatesAgreesAsWellAsDl4jAgreesWithItself() {
    SplittableRandom rng = new SplittableRandom(77);
    List<String> report = new ArrayList<>();
    for (int c = 0; c < 10; c++) {
      Case k = Case.draw(rng, c, new double[] {0.05, 0.1},
          new ModelSettings.Optimizer[] {ModelSettings.Optimizer.ADAM});
      ModelSettings s = k.settings();
      float[] init = new Dl4jModel(s, k.inputs(), k.initSeed()).getParams();
      float[] nudged = init.clone();
      for (int i = 0; i < nudged.length; i++) nudged[i] = Math.nextUp(nudged[i]);
      Dl4jModel dl4j = new Dl4jModel(s, k.inputs(), init);
      Dl4jModel dl4jNudged = new Dl4jModel(s, k.inputs(), nudged);
      DenseModel dense = new DenseModel(s, k.inputs(), init);
      for (int r = 0; r < 2; r++) {
        TrainingPlan plan = new TrainingPlan(s.localEpochs(), s.batchSize(), k.planSeed() + r);
        dl4j.fit(k.data(), plan);
        dl4jNudged.fit(k.data(), plan);
        dense.fit(k.data(), plan);
      }
      double diff = maxDiff(dl4j.getParams(), dense.getParams());
      double sensitivity = maxDiff(dl4j.getParams(), dl4jNudged.getParams());
      report.add(String.format("%-100s engines %.2g, dl4j vs dl4j from one ulp away %.2g", k.what(), diff,
          sensitivity));
      assertTrue(diff <= Math.max(TOLERANCE, 2 * sensitivity),
          () -> k.what() + ": engines differ by " + diff + ", DL4J's one-ulp sensitivity is " + sensitivity);
    }
    System.out.println(String.join("\n", report));
  }

  @Test
  void evaluationAgreesExactlyOnTheSameParameters() {
    Dl4jModel dl4j = new Dl4jModel(SEED_NET, 6, 21);
    dl4j.fit(site.train(), new TrainingPlan(10, 32, 5));
    float[] trained = dl4j.getParams();
    DenseModel dense = new DenseModel(SEED_NET, 6, trained);
    for (SiteData rows : List.of(site.validation(), site.train())) {
      Evaluation a = dl4j.evaluate(rows);
      Evaluation b = dense.evaluate(rows);
      assertEquals(a.rows(), b.rows());
      assertEquals(a.accuracy(), b.accuracy(), 0.0, "accuracy");
      assertEquals(a.auc(), b.auc(), 0.0, "auc");
      assertEquals(a.loss(), b.loss(), TOLERANCE, "loss");
    }
    // and on a deeper network with random parameters, and more rows than a workspace chunk
    ModelSettings deep = new ModelSettings(List.of(32, 16), ModelSettings.HiddenActivation.TANH,
        ModelSettings.Loss.XENT, ModelSettings.Optimizer.ADAM, 1e-3, 32, 1);
    Dl4jModel dl4jDeep = new Dl4jModel(deep, 6, 22);
    DenseModel denseDeep = new DenseModel(deep, 6, dl4jDeep.getParams());
    Evaluation a = dl4jDeep.evaluate(site.train());
    Evaluation b = denseDeep.evaluate(site.train());
    assertEquals(a.accuracy(), b.accuracy(), 0.0, "accuracy");
    assertEquals(a.auc(), b.auc(), 0.0, "auc");
    assertEquals(a.loss(), b.loss(), TOLERANCE, "loss");
  }

  /** Two Gaussian blobs with {@code d} features, overlapping enough that training keeps moving. */
  static SiteData blobs(int n, int d, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[][] x = new float[n][d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(2);
      for (int j = 0; j < d; j++) x[i][j] = (float) (rng.nextGaussian() + (y[i] == 1 ? 0.5 : -0.5));
    }
    return new SiteData("P", x, y);
  }
}
