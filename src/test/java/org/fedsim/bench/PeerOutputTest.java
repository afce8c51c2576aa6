package org.fedsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PeerOutputTest {
  static final List<String> SEED = List.of(
      "clients: ASIAN(train=150,val=38), BLACK(train=376,val=94), HISPANIC(train=150,val=38), "
          + "NATIVE(train=75,val=19), OTHER(train=225,val=57), UNKNOWN(train=414,val=104), WHITE(train=2371,val=593)",
      "torch 1.13.0a0, threads=1, loader=manual",
      "eps=none seed=0 rounds=25 final_acc=0.7105 final_auc=0.7710 time=17.30s cpu=15.60s "
          + "(0.692 s/round; train 0.686, eval 0.0060)",
      "total wall time 17.31s for 1 run(s) x 25 rounds = 0.692 s/round; csv -> /tmp/x/peer-seed.csv");

  @Test
  void parsesTheSeedRun() {
    PeerOutput o = PeerOutput.parse(SEED);
    assertEquals(7, o.sites().size());
    assertEquals(new PeerOutput.Site("WHITE", 2371, 593), o.sites().get(6));
    assertEquals("1.13.0a0", o.torchVersion());
    assertEquals(1, o.torchThreads());
    assertEquals(1, o.runs().size());
    PeerOutput.Run r = o.runs().get(0);
    assertEquals("none", r.epsilon());
    assertEquals(0, r.seed());
    assertEquals(25, r.rounds());
    assertEquals(0.7105, r.finalAccuracy(), 0);
    assertEquals(0.7710, r.finalAuc(), 0);
    assertEquals(17.30, r.seconds(), 0);
    assertEquals(15.60, r.cpuSeconds(), 0);
    assertEquals(17.31, o.totalWallSeconds(), 0);
    assertEquals(1210L * 25, o.stepsPerRun(25));
    assertEquals(175, o.updatesPerRun(25));
  }

  @Test
  void parsesASweepWithItsTable() {
    List<String> lines = List.of(
        "clients: A(train=10,val=3)",
        "torch 1.13.0a0, threads=1, loader=manual",
        "eps=0.1 seed=0 rounds=25 final_acc=0.4770 final_auc=0.4930 time=16.10s cpu=15.90s (x)",
        "eps=0.1 seed=1 rounds=25 final_acc=0.5000 final_auc=0.5000 time=16.20s cpu=16.00s (x)",
        "eps=none seed=0 rounds=25 final_acc=0.7110 final_auc=nan time=17.00s cpu=16.50s (x)",
        "",
        " epsilon | mean acc | sd acc | mean auc   (final round, 2 seeds)",
        "     0.1 | 0.4885   | 0.0115 | 0.4965",
        "total wall time 49.40s for 3 run(s) x 25 rounds = 0.659 s/round; csv -> s.csv");
    PeerOutput o = PeerOutput.parse(lines);
    assertEquals(3, o.runs().size());
    assertEquals("0.1", o.runs().get(1).epsilon());
    assertEquals(1, o.runs().get(1).seed());
    assertTrue(Double.isNaN(o.runs().get(2).finalAuc()));
    assertEquals(49.30, o.runSeconds(), 1e-9);
    assertEquals(48.40, o.runCpuSeconds(), 1e-9);
    assertEquals(49.40, o.totalWallSeconds(), 0);
  }

  @Test
  void missingLinesLeaveEmptyValues() {
    PeerOutput o = PeerOutput.parse(List.of("Traceback (most recent call last):", "ModuleNotFoundError: torch"));
    assertTrue(o.runs().isEmpty());
    assertTrue(o.sites().isEmpty());
    assertTrue(Double.isNaN(o.totalWallSeconds()));
    assertEquals("", o.torchVersion());
  }
}
