package org.fedsim.scenario;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
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
import java.util.function.Consumer;
import org.fedsim.common.Seeds;
import org.fedsim.data.Dataset;
import org.fedsim.data.PartitionSettings;
import org.fedsim.data.SiteData;
import org.fedsim.metrics.BaselineScores;
import org.fedsim.model.Evaluation;
import org.fedsim.model.LocalModel;
import org.fedsim.data.PreprocessSettings;
import org.fedsim.data.Preprocessor;
import org.fedsim.data.SiteSplit;
import org.fedsim.model.ModelFactory;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.server.RunEvent;
import org.fedsim.server.ServerState;
import org.fedsim.server.SiteRound;
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
  public record ExternalEvaluation(String site, int rows, double accuracy, double auc, double loss) {
    /** {@code model} (holding the round's global weights) scored on every row of {@code site}. */
    public static ExternalEvaluation of(LocalModel model, SiteData site) {
      Evaluation e = model.evaluate(site);
      return new ExternalEvaluation(site.site(), site.size(), e.accuracy(), e.auc(), e.loss());
    }
  }

  /**
   * A round's external sites scored elsewhere (a cluster's hospital nodes), sent by a guardian right after the
   * round's {@link RunEvent.RoundCompleted}.
   */
  public record ExternalScored(int round, List<ExternalEvaluation> scores) {}

  /**
   * Brings up the actors of one run under a guardian that reports to {@code sink}: every {@link
   * RunEvent.RoundCompleted}, then a {@link RunEvent.RunFinished}, or a {@link Throwable} when the run fails.
   */
  @FunctionalInterface
  public interface Launcher {
    /** @param resumeFrom the server's state after some round, or null for a fresh start */
    Behavior<?> guardian(RunSpec spec, ServerState resumeFrom, Consumer<Object> sink);

    /** How much longer than a round the first round may take to start (a cluster waits for its nodes). */
    default Duration startup(RunSpec spec) {
      return Duration.ZERO;
    }
  }

  /** One finished run: every round's result, the wall time it took, and its baselines (if asked for). */
  public record RunResult(RunSpec run, List<RunEvent.RoundCompleted> rounds, double wallSeconds,
      String stopReason, List<BaselineScores> baselines) {
    public RunEvent.RoundCompleted last() {
      return rounds.get(rounds.size() - 1);
    }
  }

  private record DataKey(DatasetSpec spec, PreprocessSettings preprocessing, PartitionSettings partition) {}

  private record Prepared(Dataset dataset, List<SiteSplit> splits, List<SiteData> external) {}

  private final ActorSystem<?> system;
  private final boolean ownsSystem;
  private final Launcher launcher;
  private final Map<DataKey, Prepared> data = new HashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger runCounter = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Runs in {@code system} (not terminated on close), each run's actors brought up by {@code launcher}: how a
   * cluster node runs scenarios whose hospitals live on other nodes.
   */
  public ExperimentRunner(ActorSystem<?> system, Launcher launcher) {
    this.system = system;
    this.ownsSystem = false;
    this.launcher = launcher;
    // the node's actor system can end under a run (the cluster downed this node): fail the run saying so
    system.getWhenTerminated().thenRun(() -> {
      for (BlockingQueue<Object> q : current) {
        q.add(new IllegalStateException("this node's actor system stopped (was it downed by the cluster's split "
            + "brain resolver? see its log)"));
      }
    });
  }

  /** The events of the runs under way (a sweep may run several at once). */
  private final java.util.Set<BlockingQueue<Object>> current = java.util.concurrent.ConcurrentHashMap.newKeySet();

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
    this.ownsSystem = true;
    this.launcher = this::local;
  }

  /** Every hospital in this JVM: the dataset is loaded (once per distinct dataset) and split here. */
  private Behavior<?> local(RunSpec spec, ServerState resumeFrom, Consumer<Object> sink) {
    Scenario s = spec.scenario();
    Prepared prepared = prepare(s);
    int inputs = prepared.dataset().numFeatures();
    warnIfDeltaTooLarge(s, RunGuardian.trainRows(prepared.splits()));
    ServerState from = resumeFrom != null ? resumeFrom : ServerState.initial(initialWeights(s, inputs));
    return RunGuardian.create(s, prepared.splits(), inputs, from, sink);
  }

  /**
   * The run's initial global weights: DL4J's initialisation for the seed, whatever the engine (what makes the
   * engines' numbers comparable).
   */
  public static ModelWeights initialWeights(Scenario s, int inputs) {
    return new ModelWeights(ModelFactory.initialParams(s.model(), inputs, Seeds.derive(s.seed(), Seeds.Purpose.INIT)));
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
    Prepared here = dataHere(spec);
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    current.add(events);
    long start = System.nanoTime();
    @SuppressWarnings("unchecked")
    Behavior<Object> guardian = (Behavior<Object>) launcher.guardian(spec, resumeFrom, events::add);
    system.systemActorOf(guardian, "run-" + runCounter.incrementAndGet(), Props.empty());
    Duration patience = s.roundTimeout().plus(s.evaluationTimeout()).plusMinutes(1);
    // on a cluster the first round also waits for the hospital nodes to join and load their data
    Duration first = patience.plus(launcher.startup(spec));
    List<RunEvent.RoundCompleted> rounds = new ArrayList<>();
    LocalModel externalModel = here == null || here.external().isEmpty() ? null
        : ModelFactory.models(s.engine(), s.model(), here.dataset().numFeatures(),
            initialWeights(s, here.dataset().numFeatures()).values()).get();
    try {
      while (true) {
        Object event = take(events, rounds.isEmpty() ? first : patience, spec);
        if (event instanceof RunEvent.RoundCompleted rc) {
          rounds.add(rc);
          listener.onRound(spec, rc);
          if (externalModel != null) listener.onExternal(spec, rc, evaluateExternal(externalModel, rc, here));
        } else if (event instanceof ExternalScored es && !rounds.isEmpty()
            && rounds.get(rounds.size() - 1).round() == es.round()) {
          listener.onExternal(spec, rounds.get(rounds.size() - 1), es.scores());
        } else if (event instanceof RunEvent.RunFinished f && rounds.isEmpty() && resumeFrom == null) {
          throw new ScenarioException("run " + spec.label() + ": " + f.stopReason()
              + " (privacy.target-epsilon is below what a single round costs)");
        } else if (event instanceof RunEvent.RunFinished f) {
          List<BaselineScores> baselines = rounds.isEmpty() || here == null ? List.of()
              : Baselines.compute(s, here.splits(), here.dataset().numFeatures(),
                  initialWeights(s, here.dataset().numFeatures()).values(), rounds.get(rounds.size() - 1));
          return new RunResult(spec, List.copyOf(rounds), (System.nanoTime() - start) / 1e9, f.stopReason(),
              baselines);
        } else if (event instanceof Throwable t) {
          throw new IllegalStateException("run " + spec.label() + " failed: " + t.getMessage(), t);
        }
      }
    } finally {
      current.remove(events);
    }
  }

  /**
   * Checks a run against its data before anything is written: the dataset loads and splits (then it is cached for
   * the run), and the settings agree with its sites ({@link RunGuardian#checkRun}). A runner whose hospitals live on
   * other nodes holds no data: its checks wait for the nodes.
   */
  public void preflight(RunSpec spec) {
    if (!ownsSystem) return;
    Scenario s = spec.scenario();
    Prepared p = prepare(s);
    try {
      RunGuardian.checkRun(s, p.splits().stream().map(SiteSplit::site).toList());
    } catch (ScenarioException e) {
      throw new ScenarioException("run " + spec.label() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The baselines of a run resumed after its last round (killed before its summary was written): computed as the
   * run would have computed them, from its last global model and last round's site lines. Empty when the scenario
   * asks for none.
   */
  public List<BaselineScores> baselinesAfter(RunSpec spec, int rounds, float[] global, List<SiteRound> lastSites) {
    Prepared here = spec.scenario().baselines().isEmpty() ? null : dataHere(spec);
    if (here == null || rounds == 0) return List.of();
    Scenario s = spec.scenario();
    int inputs = here.dataset().numFeatures();
    return Baselines.compute(s, here.splits(), inputs, initialWeights(s, inputs).values(), rounds, global, lastSites);
  }

  /**
   * The run's rows in this JVM, when it needs them (baselines, external sites); null when it does not. A runner
   * whose hospitals live on other nodes holds no rows: its external sites are scored where they are (the guardian
   * sends {@link ExternalScored}), and baselines, which pool rows, are refused.
   */
  private Prepared dataHere(RunSpec spec) {
    Scenario s = spec.scenario();
    if (s.baselines().isEmpty() && s.partition().externalSites().isEmpty()) return null;
    if (!ownsSystem) {
      if (s.baselines().isEmpty()) return null;
      throw new ScenarioException("run " + spec.label() + ": baselines need every site's rows in this JVM, and a "
          + "cluster server holds none: run the scenario with 'fedsim run'");
    }
    return prepare(s);
  }

  private static List<ExternalEvaluation> evaluateExternal(LocalModel model, RunEvent.RoundCompleted rc,
      Prepared prepared) {
    model.setParams(rc.global().values());
    List<ExternalEvaluation> out = new ArrayList<>();
    for (SiteData site : prepared.external()) out.add(ExternalEvaluation.of(model, site));
    return out;
  }

  /** δ should be well below 1/n: a δ of 1/n allows a mechanism that publishes one record outright. */
  public static void warnIfDeltaTooLarge(Scenario s, Map<String, Integer> trainRows) {
    if (!s.privacy().enabled()) return;
    for (Map.Entry<String, Integer> site : trainRows.entrySet()) {
      int n = site.getValue();
      if (n > 0 && s.privacy().delta() >= 1.0 / n) {
        log.warn("privacy.delta = {} is not below 1/n = {} for site {} ({} training rows): such a delta permits "
            + "releasing a record outright", s.privacy().delta(), 1.0 / n, site.getKey(), n);
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
    if (!ownsSystem) return;
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("actor system did not terminate cleanly: {}", e.toString());
    }
  }
}
