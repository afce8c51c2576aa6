package org.fedsim.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FairnessTest {
  static final String HEADER = String.join(",", ResultsWriter.COLUMNS) + "\n";

  static String row(String run, int round, String site, int nVal, String acc, String auc, String status) {
    return String.join(",", run, "" + round, site, "1", "100", "" + nVal, acc, auc, "0.6", "", status, "1", "") + "\n";
  }

  @Test
  void aSiteMoreThanTwoSdBelowTheMeanIsFlaggedWithMinSiteAndGap() {
    StringBuilder csv = new StringBuilder(HEADER);
    String[] acc = {"0.700000", "0.710000", "0.690000", "0.705000", "0.695000", "0.700000", "0.400000"};
    for (int i = 0; i < acc.length; i++) csv.append(row("r", 1, "s" + i, 50, acc[i], i == 3 ? "0.65" : "0.7", "trained"));
    csv.append(row("r", 1, "ALL", 350, "0.657", "0.7", "aggregated"));
    csv.append(row("r", 1, "EXT", 80, "0.100000", "0.2", "external"));
    List<Fairness.Round> rounds = Fairness.of(csv.toString());
    assertEquals(1, rounds.size());
    Fairness.Round r = rounds.get(0);
    assertEquals(7, r.sites(), "ALL and external rows are not sites of the federation");
    assertEquals("s6", r.minSite());
    assertEquals(0.71 - 0.40, r.gap(), 1e-9);
    assertEquals(List.of("s6"), r.flagged());
    // mean 0.657143, population SD 0.1050: 0.657 - 2 * 0.105 = 0.447 > 0.40
    assertEquals(0.6571428, r.mean(), 1e-6);
    assertEquals(0.65, r.minAuc(), 1e-9, "min AUC over the federation's sites, not the external one");
  }

  @Test
  void equalSitesAndUnscoredSitesFlagNobody() {
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < 5; i++) csv.append(row("r", 1, "s" + i, 50, "0.600000", "", "trained"));
    csv.append(row("r", 1, "late", 50, "", "", "dropped"));
    csv.append(row("r", 1, "tiny", 0, "0.000000", "", "trained"));
    Fairness.Round r = Fairness.of(csv.toString()).get(0);
    assertEquals(5, r.sites());
    assertTrue(r.flagged().isEmpty());
    assertEquals(0.0, r.gap(), 0.0);
  }

  @Test
  void roundsAndRunsAreKeptApartInFileOrder() throws Exception {
    StringBuilder csv = new StringBuilder(HEADER);
    for (String run : new String[] {"a", "b"}) {
      for (int round = 1; round <= 2; round++) {
        csv.append(row(run, round, "x", 10, "0.5", "0.5", "trained"));
        csv.append(row(run, round, "y", 10, round == 2 ? "0.9" : "0.5", "0.5", "trained"));
      }
    }
    List<Fairness.Round> rounds = Fairness.of(csv.toString());
    assertEquals(4, rounds.size());
    assertEquals("b", rounds.get(3).run());
    assertEquals(2, rounds.get(3).round());
    assertEquals(0.4, rounds.get(3).gap(), 1e-9);
    String out = Fairness.csv(rounds);
    assertTrue(out.startsWith(String.join(",", Fairness.COLUMNS) + "\n"), out);
    assertEquals(5, out.lines().count());
  }
}
