package org.fedsim.server;

import java.util.List;
import org.fedsim.protocol.CborSerializable;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;

/**
 * Everything a server needs to go on after {@code round} as if it had never stopped: the global model, the late
 * updates waiting to be folded in, the simulated clock and the sites that are down. Random draws need no state: each
 * is seeded from (scenario seed, purpose, site, round).
 */
public record ServerState(int round, ModelWeights global, List<ServerProtocol.LocalUpdate> foldedLate,
    double clockMillis, List<String> down) implements CborSerializable {
  public ServerState {
    foldedLate = List.copyOf(foldedLate);
    down = List.copyOf(down);
  }
}
