package org.fedsim.timing;

import java.util.Map;
import java.util.SplittableRandom;
import org.fedsim.common.Seeds;

/**
 * Simulated durations: compute = rows × epochs × ms-per-sample × slowdown × the site's speed factor; network =
 * 2 × (latency + update bytes ÷ bandwidth); times a per-round jitter. Everything is drawn from the scenario seed,
 * the site and the round, so a site's round takes the same simulated time however many threads train.
 */
public final class TimingModel {
  private static final int BYTES_PER_PARAM = 4;

  private final SiteProfile defaults;
  private final Map<String, SiteProfile> perSite;
  private final long seed;
  private final EventSchedule events;

  public TimingModel(SiteProfile defaults, Map<String, SiteProfile> perSite, long seed) {
    this(defaults, perSite, seed, EventSchedule.none());
  }

  /** With scripted offline windows and slow-downs. */
  public TimingModel(SiteProfile defaults, Map<String, SiteProfile> perSite, long seed, EventSchedule events) {
    this.defaults = defaults;
    this.perSite = Map.copyOf(perSite);
    this.seed = seed;
    this.events = events;
  }

  public EventSchedule events() {
    return events;
  }

  public SiteProfile profile(String site) {
    return perSite.getOrDefault(site, defaults);
  }

  /** The site's fixed speed factor (log-normal, median 1), drawn once per site from the seed. */
  double speedFactor(String site) {
    SiteProfile p = profile(site);
    if (p.speedSpread() == 0) return 1;
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.Purpose.TIMING, Seeds.of(site), -1));
    return Math.exp(p.speedSpread() * rng.nextGaussian());
  }

  /** The duration without jitter: what the server expects a site to take (for percentile deadlines). */
  public double expectedMillis(String site, int rows, int epochs, int numParams) {
    SiteProfile p = profile(site);
    double compute = rows * (double) epochs * p.msPerSample() * p.slowdown() * speedFactor(site);
    double transfer = numParams * (double) BYTES_PER_PARAM * 8 / (p.bandwidthMbps() * 1e6) * 1000;
    return compute + 2 * (p.latencyMs() + transfer);
  }

  /** This round's work at this site: online or not, crashed or not, and its simulated duration. */
  public SiteWork work(String site, int round, int rows, int epochs, int numParams) {
    SiteProfile p = profile(site);
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.Purpose.TIMING, Seeds.of(site), round));
    boolean online = rng.nextDouble() < p.availability() && !events.isOffline(site, round);
    boolean crashed = rng.nextDouble() < p.crashProbability();
    double jitter = p.jitter() == 0 ? 1 : Math.exp(p.jitter() * rng.nextGaussian());
    double compute = rows * (double) epochs * p.msPerSample() * p.slowdown() * speedFactor(site);
    double duration = (expectedMillis(site, rows, epochs, numParams)
        + compute * (events.slowdown(site, round) - 1)) * jitter;
    if (crashed) duration *= rng.nextDouble(); // dies part-way through
    return new SiteWork(online, online && crashed, duration);
  }
}
