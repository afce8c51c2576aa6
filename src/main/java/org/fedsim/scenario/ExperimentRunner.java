package org.fedsim.scenario;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.fedsim.common.Seeds;
import org.fedsim.data.Dataset;
import org.fedsim.data.PartitionSettings;
import org.fedsim.data.PreprocessSettings;
import org.fedsim.data.SiteData;
import org.fedsim.metrics.BaselineScores;
import org.fedsim.model.Evaluation;
import org.fedsim.model.LocalModel;
import org.fedsim.data.Preprocessor;
import org.fedsim.data.SiteSplit;
import org.fedsim.model.ModelFactory;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.server.RunEvent;
import org.fedsim.server.ServerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs scenario runs in one ActorSystem (started once: ~1 s), loading and preprocessing each distinct dataset once;
 * {@link #run} may be called from several threads at once (a sweep's runs side by side). The calling thread
 * receives every round result of its run, so I/O stays out of the actors; it also scores external sites and
 * computes the run's baselines.
 */
public final class ExperimentRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExperimentRunner.class);

  /** Called on the caller's thread after every round. */
  @FunctionalInterface
  public interface RoundListener {
    void onRound(RunSpec run, RunEvent.RoundCompleted round);

    /**
     * After {@link #onRound}, when the scenario holds external sites: the round's global model scored on each
     * external site's rows (in dataset.external-sites order).
     */
    default void onExternal(RunSpec run, RunEvent.RoundCompleted round, List<ExternalEvaluation> external) {}
  }

  /** The global model of a round scored on all rows of an external (held-out) site. */
  public record ExternalEvaluation(String site, int rows, double accuracy, double auc, double loss) {}

  /** One finished run: every round's result and the wall time it took. */
  public record RunResult(RunSpec run, Dataset dataset, List<RunEvent.RoundCompleted> rounds, double wallSeconds,
      String stopReason, List<BaselineScores> baselines) {
    public RunEvent.RoundCompleted last() {
      return rounds.get(rounds.size() - 1);
    }
  }

  private record DataKey(DatasetSpec spec, PreprocessSettings preprocessing, PartitionSettings partition) {}

  private record Prepared(Dataset dataset, List<SiteSplit> splits, List<SiteData> external) {}

  private final ActorSystem<Void> system;
  private final Map<DataKey, Prepared> data = new HashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger runCounter = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * @param trainingThreads hospitals that train at once; 0 = {@code fedsim.training-threads} from the deployment
   *     config, and when that is 0 too, one per core
   */
  public ExperimentRunner(int trainingThreads) {
    ModelFactory.warmUpInBackground(); // ND4J's start-up (needed for the initial weights) overlaps the ActorSystem's
    Config base = ConfigFactory.load();
    int configured = trainingThreads > 0 ? trainingThreads : base.getInt("fedsim.training-threads");
    int threads = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    Config config = ConfigFactory.parseString(
            "fedsim.training-dispatcher.thread-pool-executor.fixed-pool-size = " + threads)
        .withFallback(base);
    this.system = ActorSystem.create(Behaviors.empty(), "fedsim", config);
  }

  public RunResult run(RunSpec spec, RoundListener listener) {
    return run(spec, listener, null);
  }

  /**
   * Runs {@code spec}, or goes on with it from a checkpoint ({@code resumeFrom}: the server's state after some
   * round; the result then holds only the rounds after it).
   */
  public RunResult run(RunSpec spec, RoundListener listener, ServerState resumeFrom) {
    Scenario s = spec.scenario();
    Prepared prepared = prepare(s);
    int inputs = prepared.dataset().numFeatures();
    // DL4J's initialisation for the seed, whatever the engine: what makes the engines' numbers comparable
    ModelWeights initial =
        new ModelWeights(ModelFactory.initialParams(s.model(), inputs, Seeds.derive(s.seed(), Seeds.Purpose.INIT)));
    warnIfDeltaTooLarge(s, prepared.splits());
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    long start = System.nanoTime();
    ServerState from = resumeFrom != null ? resumeFrom : ServerState.initial(initial);
    system.systemActorOf(RunGuardian.create(s, prepared.splits(), inputs, from, events::add),
        "run-" + runCounter.incrementAndGet(), Props.empty());
    Duration patience = s.roundTimeout().plus(s.evaluationTimeout()).plusMinutes(1);
    List<RunEvent.RoundCompleted> rounds = new ArrayList<>();
    LocalModel externalModel = prepared.external().isEmpty() ? null
        : ModelFactory.models(s.engine(), s.model(), inputs, initial.values()).get();
    while (true) {
      Object event = take(events, patience, spec);
      if (event instanceof RunEvent.RoundCompleted rc) {
        rounds.add(rc);
        listener.onRound(spec, rc);
        if (externalModel != null) listener.onExternal(spec, rc, evaluateExternal(externalModel, rc, prepared));
      } else if (event instanceof RunEvent.RunFinished f && rounds.isEmpty() && resumeFrom == null) {
        throw new ScenarioException("run " + spec.label() + ": " + f.stopReason()
            + " (privacy.target-epsilon is below what a single round costs)");
      } else if (event instanceof RunEvent.RunFinished f) {
        List<BaselineScores> baselines = rounds.isEmpty() ? List.of()
            : Baselines.compute(s, prepared.splits(), inputs, initial.values(),
                rounds.get(rounds.size() - 1));
        return new RunResult(spec, prepared.dataset(), List.copyOf(rounds), (System.nanoTime() - start) / 1e9,
            f.stopReason(), baselines);
      } else if (event instanceof Throwable t) {
        throw new IllegalStateException("run " + spec.label() + " failed: " + t.getMessage(), t);
      }
    }
  }

  private static List<ExternalEvaluation> evaluateExternal(LocalModel model, RunEvent.RoundCompleted rc,
      Prepared prepared) {
    model.setParams(rc.global().values());
    List<ExternalEvaluation> out = new ArrayList<>();
    for (SiteData site : prepared.external()) {
      Evaluation e = model.evaluate(site);
      out.add(new ExternalEvaluation(site.site(), site.size(), e.accuracy(), e.auc(), e.loss()));
    }
    return out;
  }

  /** δ should be well below 1/n: a δ of 1/n allows a mechanism that publishes one record outright. */
  private static void warnIfDeltaTooLarge(Scenario s, List<SiteSplit> splits) {
    if (!s.privacy().enabled()) return;
    for (SiteSplit split : splits) {
      int n = split.train().size();
      if (n > 0 && s.privacy().delta() >= 1.0 / n) {
        log.warn("privacy.delta = {} is not below 1/n = {} for site {} ({} training rows): such a delta permits "
            + "releasing a record outright", s.privacy().delta(), 1.0 / n, split.site(), n);
      }
    }
  }

  private static Object take(BlockingQueue<Object> events, Duration patience, RunSpec spec) {
    try {
      Object e = events.poll(patience.toMillis(), TimeUnit.MILLISECONDS);
      if (e == null) {
        throw new IllegalStateException("run " + spec.label() + ": no round finished within " + patience);
      }
      return e;
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", ie);
    }
  }

  /** Thread-safe: runs of a sweep may go on side by side; each dataset is loaded once. */
  private synchronized Prepared prepare(Scenario s) {
    return data.computeIfAbsent(new DataKey(s.dataset(), s.preprocessing(), s.partition()), key -> {
      Dataset ds = key.spec().load();
      Preprocessor.Prepared p = Preprocessor.prepare(ds, key.preprocessing(), key.partition());
      log.info("dataset {}: {} rows over {} sites, {} features; {} clients, {} external", ds.name(), ds.totalRows(),
          ds.sites().size(), ds.numFeatures(), p.sites().size(), p.external().size());
      return new Prepared(ds, p.sites(), p.external());
    });
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("actor system did not terminate cleanly: {}", e.toString());
    }
  }
}
