package org.fedsim.timing;

/**
 * What one site's round looks like in simulated time.
 *
 * @param online false when the site is unavailable this round
 * @param crashed true when it crashes mid-training (it sends nothing)
 * @param simulatedMillis how long its training and upload would take (for a crash: when it died)
 */
public record SiteWork(boolean online, boolean crashed, double simulatedMillis) {}
