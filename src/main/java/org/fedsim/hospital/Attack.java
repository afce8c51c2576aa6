package org.fedsim.hospital;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.fedsim.common.Seeds;
import org.fedsim.data.SiteData;

/**
 * A hostile or broken hospital's conduct, scripted in the scenario ({@code attacks}): from round {@code fromRound}
 * on, site {@code site} sends what {@code behaviour} says instead of its honest update. Applied inside the hospital:
 * the server only ever sees the message.
 *
 * @param scale sign-flip: w_global − scale·(w − w_global); scale: w_global + scale·(w − w_global)
 * @param std gaussian: the standard deviation of the noise sent as the update
 */
public record Attack(String site, int fromRound, Behaviour behaviour, double scale, double std) {

  /** What a hostile or broken hospital does. */
  public enum Behaviour {
    /** Trains, then sends the update (w − w_global) negated and multiplied by scale. */
    SIGN_FLIP,
    /** Trains, then sends the update multiplied by scale. */
    SCALE,
    /** Sends w_global + N(0, std²) per coordinate, without training. */
    GAUSSIAN,
    /** Sends NaN for every parameter. */
    NAN,
    /** Trains on its rows with every label flipped (data poisoning), and sends that honestly. */
    LABEL_FLIP,
    /** Sends the global weights back unchanged, without training (free-riding). */
    FREE_RIDE,
    /** Sends again the last update it sent before fromRound (its first trained one if none), as this round's. */
    REPLAY;

    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public Attack {
    if (fromRound < 1) throw new IllegalArgumentException("attacks: from-round must be >= 1, got " + fromRound);
    if (!(Double.isFinite(scale) && scale > 0)) {
      throw new IllegalArgumentException("attacks: scale must be a finite number > 0, got " + scale);
    }
    if (!(Double.isFinite(std) && std >= 0)) {
      throw new IllegalArgumentException("attacks: std must be a finite number >= 0, got " + std);
    }
  }

  public boolean activeAt(int round) {
    return round >= fromRound;
  }

  /** Whether the hospital trains at all this round (a forged update needs no training). */
  public boolean trains() {
    return switch (behaviour) {
      case SIGN_FLIP, SCALE, LABEL_FLIP, REPLAY -> true;
      case GAUSSIAN, NAN, FREE_RIDE -> false;
    };
  }

  /** The rows the hospital trains on: its own, or (label-flip) with every label flipped. */
  public SiteData trainingRows(SiteData honest) {
    if (behaviour != Behaviour.LABEL_FLIP) return honest;
    int[] flipped = new int[honest.size()];
    for (int i = 0; i < flipped.length; i++) flipped[i] = 1 - honest.labels()[i];
    return new SiteData(honest.site(), honest.features(), flipped);
  }

  /**
   * What the hospital sends at {@code round} given the global weights and (for behaviours that train) its trained
   * weights; {@code seed} is the scenario seed (gaussian noise is drawn from (seed, site, round)).
   */
  public float[] forge(float[] global, float[] trained, long seed, int round) {
    int d = global.length;
    float[] out = new float[d];
    switch (behaviour) {
      case SIGN_FLIP -> {
        for (int i = 0; i < d; i++) out[i] = (float) (global[i] - scale * ((double) trained[i] - global[i]));
      }
      case SCALE -> {
        for (int i = 0; i < d; i++) out[i] = (float) (global[i] + scale * ((double) trained[i] - global[i]));
      }
      case GAUSSIAN -> {
        SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.Purpose.ATTACK, Seeds.of(site), round));
        for (int i = 0; i < d; i++) out[i] = (float) (global[i] + std * rng.nextGaussian());
      }
      case NAN -> Arrays.fill(out, Float.NaN);
      case FREE_RIDE -> System.arraycopy(global, 0, out, 0, d);
      case LABEL_FLIP, REPLAY -> System.arraycopy(trained, 0, out, 0, d); // label-flip: poisoned by its data
    }
    return out;
  }
}
