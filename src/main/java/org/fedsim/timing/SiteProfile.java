package org.fedsim.timing;

/**
 * How fast and how reliable one hospital is, in simulated time.
 *
 * @param msPerSample compute time for one training row in one local epoch, before the site's speed factor
 * @param speedSpread σ of the log-normal factor a site's compute time is multiplied by (drawn once per site)
 * @param slowdown a fixed factor on compute time (e.g. 5 for a hospital five times slower)
 * @param latencyMs one-way network latency
 * @param bandwidthMbps link bandwidth in megabits per second (the update goes down and up once)
 * @param jitter σ of a per-round log-normal factor on the whole duration
 * @param availability probability that the site is online at a round
 * @param crashProbability probability that a selected, online site crashes mid-training at a round
 */
public record SiteProfile(double msPerSample, double speedSpread, double slowdown, double latencyMs,
    double bandwidthMbps, double jitter, double availability, double crashProbability) {
  public SiteProfile {
    check(msPerSample >= 0, "ms-per-sample must be >= 0", msPerSample);
    check(speedSpread >= 0, "speed-spread must be >= 0", speedSpread);
    check(slowdown > 0, "slowdown must be > 0", slowdown);
    check(latencyMs >= 0, "latency must be >= 0", latencyMs);
    check(bandwidthMbps > 0, "bandwidth-mbps must be > 0", bandwidthMbps);
    check(jitter >= 0, "jitter must be >= 0", jitter);
    check(availability >= 0 && availability <= 1, "availability must be in [0, 1]", availability);
    check(crashProbability >= 0 && crashProbability <= 1, "crash-probability must be in [0, 1]", crashProbability);
  }

  private static void check(boolean ok, String what, double got) {
    if (!ok) throw new IllegalArgumentException(what + ", got " + got);
  }
}
