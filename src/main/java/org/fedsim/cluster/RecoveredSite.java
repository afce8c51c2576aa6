package org.fedsim.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import java.util.ArrayList;
import java.util.List;
import org.fedsim.protocol.HospitalProtocol;

/**
 * A scripted {@code recover} on a cluster: the server's stand-in for a crashed site's hospital while its node starts
 * a new one. The server restarts a site at once (a child it can watch), but the new hospital lives on the site's
 * node and is ready only when that node answers; until then this actor keeps what the server sends it, then passes
 * everything on in order. It stops when the new hospital stops (the server sees the site end, as with any site) or
 * when the node cannot start it.
 */
final class RecoveredSite {
  private RecoveredSite() {}

  /** Asks {@code host} to start {@code site} again for run {@code runId} (settings {@code hocon}). */
  static Behavior<Object> create(String runId, String hocon, String site, ActorRef<ClusterProtocol.HostCommand> host) {
    return Behaviors.setup(ctx -> {
      host.tell(ClusterProtocol.PrepareSites.signed(ctx.getSystem(), runId, hocon, List.of(site),
          ctx.getSelf().narrow()));
      ctx.watch(host); // its node lost before it answers: the site is down again
      return starting(ctx, runId, site, new ArrayList<>());
    });
  }

  private static Behavior<Object> starting(ActorContext<Object> ctx, String runId, String site, List<Object> held) {
    return Behaviors.receive(Object.class)
        .onMessage(ClusterProtocol.SitesReady.class, r -> {
          if (!r.runId().equals(runId) || r.sites().size() != 1) return Behaviors.same();
          String refused = r.notFromAHospital(ctx.getSystem());
          if (refused != null) {
            ctx.getLog().error("run {}: site {} could not be recovered: {}", runId, site, refused);
            return Behaviors.stopped();
          }
          ActorRef<HospitalProtocol.Command> hospital = r.sites().get(0).ref();
          ctx.watch(hospital);
          for (Object m : held) hospital.tell((HospitalProtocol.Command) m);
          ctx.getLog().info("run {}: site {} recovered on {}", runId, site, r.host());
          return forwarding(hospital);
        })
        .onMessage(ClusterProtocol.PrepareFailed.class, f -> {
          if (!f.runId().equals(runId)) return Behaviors.same();
          ctx.getLog().error("run {}: site {} could not be recovered: {}", runId, site, f.reason());
          return Behaviors.stopped();
        })
        .onMessage(HospitalProtocol.Command.class, m -> {
          held.add(m);
          return Behaviors.same();
        })
        .onSignal(Terminated.class, t -> {
          ctx.getLog().error("run {}: site {} could not be recovered: its node was lost", runId, site);
          return Behaviors.stopped();
        })
        .build();
  }

  private static Behavior<Object> forwarding(ActorRef<HospitalProtocol.Command> hospital) {
    return Behaviors.receive(Object.class)
        .onMessage(HospitalProtocol.Command.class, m -> {
          hospital.tell(m);
          return Behaviors.same();
        })
        .onSignal(Terminated.class, t -> Behaviors.stopped())
        .build();
  }
}
