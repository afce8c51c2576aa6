package org.fedsim.scenario;

import java.util.ArrayList;
import java.util.List;
import org.fedsim.common.Seeds;
import org.fedsim.data.SiteData;
import org.fedsim.data.SiteSplit;
import org.fedsim.metrics.BaselineScores;
import org.fedsim.model.Evaluation;
import org.fedsim.model.LocalModel;
import org.fedsim.model.ModelFactory;
import org.fedsim.model.ModelSettings;
import org.fedsim.protocol.TrainingPlan;
import org.fedsim.server.RunEvent;
import org.fedsim.server.SiteRound;

/**
 * The comparisons of seed 003's Table 1, computed after a federated run from the same initial weights, with the
 * same total number of epochs (rounds run × local epochs) and batch size, without DP:
 * <ul>
 *   <li>{@code local}: each site trains alone on its own training rows and is scored on its own validation rows;
 *   <li>{@code centralized}: one model trains on every site's training rows pooled (site order) and is scored on each
 *       site's validation rows;
 *   <li>{@code federated}: the run's final global model on each site's validation rows (from its last round).
 * </ul>
 * Minibatch orders are seeded from the run's seed (purpose BASELINE), so the scores are reproducible.
 */
public final class Baselines {
  /** The methods a scenario may ask for in {@code baselines}. */
  public enum Method { LOCAL, FEDERATED, CENTRALIZED }

  /**
   * Where the models are scored: {@code own} = each site's validation rows (a row per site and method);
   * {@code pooled} = every site's validation rows together, as one common test set (seed 003 scored on a common
   * test set): a row per site's local model, and one row {@value #POOLED} for the federated and the centralized
   * model.
   */
  public enum Scoring { OWN, POOLED }

  /** The site name of a pooled-evaluation row of a single model. */
  public static final String POOLED = "POOLED";

  private Baselines() {}

  static List<BaselineScores> compute(Scenario s, List<SiteSplit> splits, int inputs, float[] initial,
      RunEvent.RoundCompleted last) {
    return compute(s, splits, inputs, initial, last.round(), last.global().values(), last.sites());
  }

  /**
   * The baselines of a run that finished {@code rounds} rounds with the global model {@code global} and its last
   * round's site lines {@code lastSites} (what a checkpoint keeps, for a run resumed after its last round).
   */
  static List<BaselineScores> compute(Scenario s, List<SiteSplit> splits, int inputs, float[] initial, int rounds,
      float[] global, List<SiteRound> lastSites) {
    List<BaselineScores> out = new ArrayList<>();
    List<Method> methods = s.baselines();
    if (methods.isEmpty()) return out;
    boolean pooledEval = s.baselineEvaluation() == Scoring.POOLED;
    SiteData pooledVal = pooled(splits, SiteSplit::validation, POOLED);
    int epochs = rounds * s.model().localEpochs();
    // the same training budget as the federated run: its passes, or (model.local-steps) its steps, over all rounds
    ModelSettings budget = s.model().localSteps() > 0
        ? s.model().withLocalSteps(rounds * s.model().localSteps()) : s.model();
    java.util.function.Supplier<LocalModel> models = ModelFactory.models(s.engine(), budget, inputs, initial);
    if (methods.contains(Method.LOCAL)) {
      List<BaselineScores.SiteScore> scores = new ArrayList<>();
      for (SiteSplit split : splits) {
        LocalModel m = models.get();
        m.fit(split.train(), plan(s, epochs, split.site()));
        scores.add(pooledEval ? score(m, split.site(), pooledVal, split.train().size())
            : score(m, split.site(), split.validation(), split.train().size()));
      }
      out.add(new BaselineScores(BaselineScores.LOCAL, scores));
    }
    int total = splits.stream().mapToInt(x -> x.train().size()).sum();
    List<BaselineScores.SiteScore> federated = new ArrayList<>();
    if (pooledEval) {
      LocalModel m = models.get();
      m.setParams(global);
      federated.add(score(m, POOLED, pooledVal, total));
    } else {
      for (SiteRound r : lastSites) {
        federated.add(new BaselineScores.SiteScore(r.site(), r.numTrain(), r.numValidation(), r.accuracy(), r.auc(),
            r.loss()));
      }
    }
    out.add(new BaselineScores(BaselineScores.FEDERATED, federated));
    if (methods.contains(Method.CENTRALIZED)) {
      LocalModel m = models.get();
      m.fit(pooled(splits, SiteSplit::train, "centralized"), plan(s, epochs, "centralized"));
      List<BaselineScores.SiteScore> scores = new ArrayList<>();
      if (pooledEval) scores.add(score(m, POOLED, pooledVal, total));
      else for (SiteSplit split : splits) scores.add(score(m, split.site(), split.validation(), total));
      out.add(new BaselineScores(BaselineScores.CENTRALIZED, scores));
    }
    return out;
  }

  private static TrainingPlan plan(Scenario s, int epochs, String who) {
    return new TrainingPlan(epochs, s.model().batchSize(), Seeds.derive(s.seed(), Seeds.Purpose.BASELINE, Seeds.of(who)));
  }

  private static BaselineScores.SiteScore score(LocalModel m, String site, SiteData rows, int nTrain) {
    if (rows.size() == 0) return new BaselineScores.SiteScore(site, nTrain, 0, Double.NaN, Double.NaN, Double.NaN);
    Evaluation e = m.evaluate(rows);
    return new BaselineScores.SiteScore(site, nTrain, rows.size(), e.accuracy(), e.auc(), e.loss());
  }

  /** One part (training or validation rows) of every site, concatenated in site order. */
  static SiteData pooled(List<SiteSplit> splits, java.util.function.Function<SiteSplit, SiteData> part, String name) {
    int n = splits.stream().mapToInt(x -> part.apply(x).size()).sum();
    float[][] x = new float[n][];
    int[] y = new int[n];
    int i = 0;
    for (SiteSplit split : splits) {
      SiteData t = part.apply(split);
      for (int r = 0; r < t.size(); r++, i++) {
        x[i] = t.features()[r];
        y[i] = t.labels()[r];
      }
    }
    return new SiteData(name, x, y);
  }
}
