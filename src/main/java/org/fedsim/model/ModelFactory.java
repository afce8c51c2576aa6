package org.fedsim.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Builds the {@link LocalModel}s of a run for an {@link Engine}, and the run's initial global parameters.
 *
 * <p>Whatever the engine, the initial parameters are DL4J's initialisation for the seed (XAVIER weights, zero
 * biases, DL4J's flat layout): that is what makes the engines' numbers comparable. They are cached per network
 * shape and seed, so a sweep builds one DL4J network per distinct (network, seed), not one per run.
 */
public final class ModelFactory {
  private static final int CACHED_INITIALISATIONS = 64;

  private record InitKey(ModelSettings settings, int inputs, long seed) {}

  private static final Map<InitKey, float[]> INITIAL = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<InitKey, float[]> eldest) {
      return size() > CACHED_INITIALISATIONS;
    }
  };

  private static final AtomicBoolean WARMING_UP = new AtomicBoolean();

  private ModelFactory() {}

  /**
   * Starts ND4J and DL4J (native libraries and classes: 0.5–2 s, once per JVM) on a daemon thread, so that the
   * start-up overlaps other work such as the ActorSystem's. Every engine needs them once, for the initial
   * parameters. Later calls do nothing; a failure here is left for the real use to report.
   */
  public static void warmUpInBackground() {
    if (!WARMING_UP.compareAndSet(false, true)) return;
    Thread thread = new Thread(() -> {
      try {
        new Dl4jModel(new ModelSettings(List.of(1), ModelSettings.HiddenActivation.RELU, ModelSettings.Loss.XENT,
            ModelSettings.Optimizer.ADAM, 1e-3, 1, 1), 1, 0L);
      } catch (RuntimeException | LinkageError e) {
        // reported where the engine is really used
      }
    }, "nd4j-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * DL4J's initial parameters for this network, {@code inputs} features and {@code initSeed} (a copy). Only the
   * layer widths and the seed matter to DL4J's initialisation, but the whole settings key the cache: cheap and safe.
   */
  public static float[] initialParams(ModelSettings settings, int inputs, long initSeed) {
    InitKey key = new InitKey(settings, inputs, initSeed);
    float[] params;
    synchronized (INITIAL) {
      params = INITIAL.get(key);
    }
    if (params == null) {
      params = new Dl4jModel(settings, inputs, initSeed).getParams();
      synchronized (INITIAL) {
        INITIAL.put(key, params);
      }
    }
    return params.clone();
  }

  /**
   * Makes one model per call, each starting from a copy of {@code initial}: what a run hands its hospitals. The
   * dense engine's models share one immutable network description.
   */
  public static Supplier<LocalModel> models(Engine engine, ModelSettings settings, int inputs, float[] initial) {
    return models(engine, settings, inputs, initial, null);
  }

  /**
   * As {@link #models(Engine, ModelSettings, int, float[])}, training with DP-SGD when {@code dpSgd} is not null
   * (the dense engine only: the scenario loader refuses it on DL4J).
   */
  public static Supplier<LocalModel> models(Engine engine, ModelSettings settings, int inputs, float[] initial,
      DpSgd dpSgd) {
    return models(engine, settings, inputs, initial, dpSgd, 0);
  }

  /**
   * As {@link #models(Engine, ModelSettings, int, float[], DpSgd)}, adding FedProx's proximal term
   * μ/2·‖w − w_global‖² to the local loss when {@code proximalMu} > 0 (both engines).
   */
  public static Supplier<LocalModel> models(Engine engine, ModelSettings settings, int inputs, float[] initial,
      DpSgd dpSgd, double proximalMu) {
    if (dpSgd != null && engine != Engine.DENSE) {
      throw new IllegalArgumentException("DP-SGD is implemented by the dense engine only, not " + key(engine));
    }
    if (!(proximalMu >= 0 && Double.isFinite(proximalMu))) {
      throw new IllegalArgumentException("strategy.fedprox.mu must be >= 0, got " + proximalMu);
    }
    float[] start = initial.clone();
    if (start.length != settings.numParams(inputs)) {
      throw new IllegalArgumentException("expected " + settings.numParams(inputs) + " initial parameters, got "
          + start.length);
    }
    return switch (engine) {
      case DL4J -> () -> new Dl4jModel(settings, inputs, start, (float) proximalMu);
      case DENSE -> {
        DenseNet net = new DenseNet(settings, inputs, dpSgd, (float) proximalMu);
        yield () -> new DenseModel(net, start);
      }
    };
  }

  /** What {@code engine} cannot compute in {@code settings}, if anything. DL4J, the reference, computes everything. */
  public static Optional<Unsupported> unsupported(Engine engine, ModelSettings settings) {
    return switch (engine) {
      case DL4J -> Optional.empty();
      case DENSE -> DenseModel.unsupported(settings);
    };
  }

  /** An enum value as it is written in a scenario: {@code NESTEROVS} → {@code nesterovs}. */
  static String key(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
