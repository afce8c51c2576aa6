package org.fedsim.server;

import java.util.List;
import org.fedsim.protocol.CborSerializable;
import org.fedsim.protocol.ModelWeights;

/** What a server tells whoever runs it: one event per finished round, then one when the run is over. */
public interface RunEvent extends CborSerializable {

  /**
   * A finished round: per-site lines in site order and the global model it ended with.
   *
   * @param selected how many sites were asked to train
   * @param accepted how many updates went into the aggregate
   * @param simulatedMillis how long the round took in simulated time
   * @param clockMillis the simulated clock at the end of the round
   * @param decision what the server did: {@code aggregated}, {@code skipped:quorum}, {@code aggregated:extended} ...
   * @param state the server's state after this round (a checkpoint)
   */
  record RoundCompleted(int round, int rounds, int selected, int accepted, List<SiteRound> sites,
      double simulatedMillis, String decision, ServerState state) implements RunEvent {
    public RoundCompleted {
      sites = List.copyOf(sites);
    }

    public RoundCompleted(int round, int rounds, int selected, int accepted, List<SiteRound> sites,
        ModelWeights global) {
      this(round, rounds, selected, accepted, sites, 0, "aggregated",
          new ServerState(round, global, List.of(), 0, List.of(), List.of(), java.util.Map.of()));
    }

    /** The global model after this round. */
    public ModelWeights global() {
      return state.global();
    }

    /** The simulated clock at the end of this round. */
    public double clockMillis() {
      return state.clockMillis();
    }
  }

  /**
   * The run is over after {@code rounds} rounds; {@code stopReason} says why it stopped early (empty when it ran
   * every round).
   */
  record RunFinished(int rounds, ModelWeights global, String stopReason) implements RunEvent {
    public RunFinished(int rounds, ModelWeights global) {
      this(rounds, global, "");
    }
  }
}
