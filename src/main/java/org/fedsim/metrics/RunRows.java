package org.fedsim.metrics;

import java.util.List;
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.server.RunEvent;

/**
 * Where a run's rows and checkpoints go as its rounds finish: metrics.csv.partial and checkpoint.json for a run in
 * place ({@link ResultsWriter}), or the run's own pair of files for a run side by side ({@link RunCheckpoints}).
 */
public interface RunRows {
  /** One round's rows. */
  void round(String run, RunEvent.RoundCompleted r);

  /** A round's external-site rows (after its site and ALL rows). */
  void external(String run, int round, List<ExperimentRunner.ExternalEvaluation> external);

  /** After a round's rows: where the run stands, so that --resume can go on from here. */
  void checkpoint(String scenario, RunEvent.RoundCompleted round, String run, ResultsWriter.Participation participation,
      double wallSeconds);
}
