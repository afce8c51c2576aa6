package org.fedsim.server;

import java.util.List;
import java.util.Map;
import org.fedsim.protocol.CborSerializable;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;

/**
 * Everything a server needs to go on after {@code round} as if it had never stopped: the global model, the late
 * updates waiting to be folded in, the simulated clock, the sites that are down and the aggregation strategy's own
 * state (e.g. an adaptive clipping norm) and each site's privacy spent (RDP per order). Random draws need no state: each
 * is seeded from (scenario seed, purpose, site, round).
 */
public record ServerState(int round, ModelWeights global, List<ServerProtocol.LocalUpdate> foldedLate,
    double clockMillis, List<String> down, List<Double> strategyState, Map<String, List<Double>> privacyRdp)
    implements CborSerializable {
  public ServerState {
    foldedLate = List.copyOf(foldedLate);
    down = List.copyOf(down);
    strategyState = List.copyOf(strategyState);
    privacyRdp = Map.copyOf(privacyRdp);
  }

  /** The same state with other sites down (a cluster resumes with every lost node back). */
  public ServerState withDown(List<String> sites) {
    return new ServerState(round, global, foldedLate, clockMillis, sites, strategyState, privacyRdp);
  }

  /** The state before round 1. */
  public static ServerState initial(ModelWeights global) {
    return new ServerState(0, global, List.of(), 0, List.of(), List.of(), Map.of());
  }
}
