package org.fedsim.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.typesafe.config.ConfigFactory;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.fedsim.data.SiteData;
import org.fedsim.data.SiteSplit;
import org.fedsim.hospital.Hospital;
import org.fedsim.model.Engine;
import org.fedsim.model.LocalModel;
import org.fedsim.model.ModelFactory;
import org.fedsim.model.ModelSettings;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;
import org.fedsim.protocol.TrainingPlan;

/**
 * A child JVM of {@code fedsim bench --idle-heap}: heap per idle model and per idle hospital for one engine, on the
 * seed network (6-4-2-1 ReLU, XENT, Adam). One engine per JVM, so that one engine's libraries and caches do not
 * count against the other's.
 *
 * <p>"Idle" means what stays reachable after one round: each instance trained once (1 epoch) and evaluated once.
 * For "model", the {@link LocalModel} alone; for "hospital", the {@link Hospital} actor (actor cell, mailbox,
 * behaviour) with its model, spawned in a plain ActorSystem on the training dispatcher as a run spawns them. The
 * patients' rows are shared by every instance here (a real hospital's rows are its own), so they are not counted.
 * Shared things (classes, ND4J, the threads' training workspaces, the dispatcher's threads) exist before the first
 * heap reading: one instance of each kind is warmed up first. The heap is read after repeated full GCs.
 *
 * <p>Heap only: a DL4J network also holds native (off-heap) buffers, which this does not count.
 *
 * <pre>
 * java [flags] -cp fedsim.jar org.fedsim.bench.IdleHeap --engine dense|dl4j [--instances N]
 * </pre>
 *
 * It prints its {@link Result} as the single stdout line {@code IDLE-HEAP {json}}; logs go to stderr.
 */
public final class IdleHeap {
  public static final String PREFIX = "IDLE-HEAP ";
  /** Instances per measurement by default: enough that a byte per instance is above the GC's noise. */
  public static final int DENSE_INSTANCES = 20_000;
  public static final int DL4J_INSTANCES = 1_000;
  /** The seed's MortalityNN: 6 inputs → 4 ReLU → 2 ReLU → 1 sigmoid, Adam 1e-3, batch 32. */
  static final ModelSettings SEED_NET = new ModelSettings(List.of(4, 2), ModelSettings.HiddenActivation.RELU,
      ModelSettings.Loss.XENT, ModelSettings.Optimizer.ADAM, 1e-3, 32, 10);
  static final int INPUTS = 6;
  static final TrainingPlan PLAN = new TrainingPlan(1, 32, 1);
  private static final String NETWORK = "6-4-2-1 relu, xent, adam; 200 training rows, 50 validation rows, 1 epoch";

  private IdleHeap() {}

  /**
   * What one child measured.
   *
   * @param models instances in the model measurement
   * @param bytesPerModel heap growth / models, after GC
   * @param hospitals instances in the hospital measurement
   * @param bytesPerHospital heap growth / hospitals, after GC: the actor and its model
   * @param paramBytes the parameters alone ({@code numParams × 4})
   * @param baseHeapMb heap in use after GC before the first measurement (the JVM's shared state), MiB
   */
  public record Result(String engine, String network, int numParams, long paramBytes, int models, long bytesPerModel,
      int hospitals, long bytesPerHospital, double baseHeapMb, double seconds, List<String> jvmArgs) {
    public Result {
      jvmArgs = jvmArgs == null ? List.of() : List.copyOf(jvmArgs);
    }
  }

  public static void main(String[] argv) {
    ChildMain.run("idle heap", () -> {
      Engine engine = null;
      int n = 0;
      for (int i = 0; i < argv.length; i++) {
        if (i + 1 >= argv.length) throw new IllegalArgumentException("missing value after " + argv[i]);
        String v = argv[++i];
        switch (argv[i - 1]) {
          case "--engine" -> engine = parseEngine(v);
          case "--instances" -> n = Integer.parseInt(v);
          default -> throw new IllegalArgumentException("unknown argument " + argv[i - 1]);
        }
      }
      if (engine == null) throw new IllegalArgumentException("--engine dense|dl4j is required");
      return format(measure(engine, n <= 0 ? defaultInstances(engine) : n));
    });
  }

  static Engine parseEngine(String name) {
    try {
      return Engine.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown engine '" + name + "': dense or dl4j");
    }
  }

  public static int defaultInstances(Engine engine) {
    return engine == Engine.DENSE ? DENSE_INSTANCES : DL4J_INSTANCES;
  }

  /** Both measurements for one engine, {@code n} instances each. */
  public static Result measure(Engine engine, int n) throws InterruptedException {
    long t0 = System.nanoTime();
    SiteData train = blobs("H", 200, INPUTS, 1);
    SiteData validation = blobs("H", 50, INPUTS, 2);
    float[] init = ModelFactory.initialParams(SEED_NET, INPUTS, 1);
    Supplier<LocalModel> models = ModelFactory.models(engine, SEED_NET, INPUTS, init);
    long perModel = perIdleModel(models, n, train, validation);
    double base = usedHeapAfterGc() / (1024.0 * 1024.0);
    long perHospital = perIdleHospital(models, n, new SiteSplit("H", train, validation), init);
    return new Result(engine.name().toLowerCase(Locale.ROOT), NETWORK, init.length, 4L * init.length, n, perModel, n,
        perHospital, base, (System.nanoTime() - t0) / 1e9, ManagementFactory.getRuntimeMXBean().getInputArguments());
  }

  static long perIdleModel(Supplier<LocalModel> models, int n, SiteData train, SiteData validation) {
    LocalModel warm = models.get(); // classes, ND4J, this thread's workspace exist before the first reading
    warm.fit(train, PLAN);
    warm.evaluate(validation);
    long heap0 = usedHeapAfterGc();
    LocalModel[] kept = new LocalModel[n];
    for (int i = 0; i < n; i++) {
      kept[i] = models.get();
      kept[i].fit(train, PLAN);
      kept[i].evaluate(validation);
    }
    long heap = usedHeapAfterGc() - heap0;
    Reference.reachabilityFence(kept);
    Reference.reachabilityFence(warm);
    return Math.round((double) heap / n);
  }

  static long perIdleHospital(Supplier<LocalModel> models, int n, SiteSplit split, float[] init)
      throws InterruptedException {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "idle-heap", ConfigFactory.parseString(
            "akka.loglevel = WARNING\nfedsim.training-dispatcher.thread-pool-executor.fixed-pool-size = 2")
        .withFallback(ConfigFactory.load()));
    try {
      ModelWeights global = new ModelWeights(init);
      List<ActorRef<HospitalProtocol.Command>> warm = round(system, "warm", split, models, global, 1);
      long heap0 = usedHeapAfterGc();
      List<ActorRef<HospitalProtocol.Command>> kept = round(system, "idle", split, models, global, n);
      long heap = usedHeapAfterGc() - heap0;
      Reference.reachabilityFence(kept);
      Reference.reachabilityFence(warm);
      return Math.round((double) heap / n);
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("idle heap: actor system did not terminate cleanly: " + e);
      }
    }
  }

  /** Spawns n hospitals, has each train and evaluate once, and waits for every reply. */
  static List<ActorRef<HospitalProtocol.Command>> round(ActorSystem<Void> system, String batch, SiteSplit split,
      Supplier<LocalModel> models, ModelWeights global, int n) throws InterruptedException {
    CountDownLatch replies = new CountDownLatch(2 * n);
    ActorRef<ServerProtocol.Command> collector = system.systemActorOf(
        Behaviors.receive(ServerProtocol.Command.class).onAnyMessage(m -> {
          replies.countDown();
          return Behaviors.same();
        }).build(), "collector-" + batch, Props.empty());
    List<ActorRef<HospitalProtocol.Command>> hospitals = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ActorRef<HospitalProtocol.Command> h = system.systemActorOf(Hospital.create("H", split, models),
          "hospital-" + batch + "-" + i, DispatcherSelector.fromConfig("fedsim.training-dispatcher"));
      h.tell(new HospitalProtocol.TrainRequest(1, global, PLAN, collector));
      h.tell(new HospitalProtocol.EvaluateRequest(1, global, collector));
      hospitals.add(h);
    }
    if (!replies.await(30, TimeUnit.MINUTES)) {
      throw new IllegalStateException(replies.getCount() + " of " + 2 * n + " hospital replies missing after 30 min");
    }
    return hospitals;
  }

  /** Two overlapping Gaussian blobs with {@code d} features and balanced 0/1 labels, reproducible from the seed. */
  static SiteData blobs(String site, int n, int d, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[][] x = new float[n][d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(2);
      for (int j = 0; j < d; j++) x[i][j] = (float) (rng.nextGaussian() + (y[i] == 1 ? 0.5 : -0.5));
    }
    return new SiteData(site, x, y);
  }

  static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
    return used;
  }

  /** The line the child prints. */
  public static String format(Result r) {
    return PREFIX + Json.compact(r);
  }

  /** The last {@code IDLE-HEAP {json}} line among a child's stdout lines, parsed. */
  public static Optional<Result> find(List<String> stdoutLines) {
    for (int i = stdoutLines.size() - 1; i >= 0; i--) {
      String line = stdoutLines.get(i);
      if (line.startsWith(PREFIX)) {
        try {
          return Optional.of(Json.MAPPER.readValue(line.substring(PREFIX.length()).trim(), Result.class));
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException("malformed idle-heap result: " + e.getOriginalMessage(), e);
        }
      }
    }
    return Optional.empty();
  }
}
