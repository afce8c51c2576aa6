package org.fedsim.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.ServiceKey;
import java.util.List;
import org.fedsim.protocol.CborSerializable;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.scenario.ExperimentRunner;

/**
 * What the server node and hospital nodes of a cluster say to each other before and after a run. The server sends a
 * run's settings (HOCON text: the dataset's description, never rows); a hospital node loads its own sites' data from
 * a path local to it, starts their hospitals and answers with their actor references and row counts.
 */
public final class ClusterProtocol {
  private ClusterProtocol() {}

  /** The Receptionist key under which a hospital node offers the site {@code site}. */
  public static ServiceKey<HostCommand> siteKey(String site) {
    return ServiceKey.create(HostCommand.class, "fedsim-site:" + site);
  }

  /** What a hospital node's {@link SiteHost} accepts. */
  public interface HostCommand extends CborSerializable {}

  /**
   * Start the hospitals of {@code sites} for run {@code runId}, with the run's settings ({@code scenarioHocon}),
   * answering {@code replyTo}; {@code credential}: the server's signature over {@link #signedText} and its
   * certificate, which the hospital node checks before it starts anything.
   */
  public record PrepareSites(String runId, String scenarioHocon, List<String> sites, ActorRef<HostReply> replyTo,
      NodeIdentity.Credential credential) implements HostCommand {

    /**
     * What the server signs: the run, its settings, the sites, and where the answer goes ({@code replyTo} as
     * {@code ActorRefResolver} writes it), so a signed request cannot be replayed for other sites or answers.
     */
    /** A request signed with the key of the node {@code system} runs on (unsigned without TLS). */
    public static PrepareSites signed(akka.actor.typed.ActorSystem<?> system, String runId, String scenarioHocon,
        List<String> sites, ActorRef<HostReply> replyTo) {
      String text = signedText(runId, scenarioHocon, sites,
          akka.actor.typed.ActorRefResolver.get(system).toSerializationFormat(replyTo));
      return new PrepareSites(runId, scenarioHocon, sites, replyTo, NodeIdentity.get(system).sign(text));
    }

    public static String signedText(String runId, String scenarioHocon, List<String> sites, String replyTo) {
      return "fedsim PrepareSites v1\n" + runId + "\n" + String.join("\n", sites) + "\n" + replyTo + "\n"
          + scenarioHocon;
    }
  }

  /**
   * Score round {@code round}'s global model on every row of the run's external (held-out) sites this node holds;
   * only the actor that asked for the run's sites may ask.
   */
  public record EvaluateExternal(String runId, int round, ModelWeights global, ActorRef<HostReply> replyTo)
      implements HostCommand {}

  /** What a hospital node answers. */
  public interface HostReply extends CborSerializable {}

  /**
   * One site a hospital node started: the actor the server talks to (the hospital, or the DP filter in front of it),
   * its row counts, and its position in the node's dataset (the server orders sites as a single JVM would).
   */
  public record SiteInfo(String site, int index, int numTrain, int numValidation,
      ActorRef<HospitalProtocol.Command> ref) implements CborSerializable {}

  /**
   * An external site a hospital node holds for a run (its rows stay there; it trains nothing): its position among the
   * dataset's external sites and its row count.
   */
  public record ExternalInfo(String site, int index, int rows) implements CborSerializable {}

  /**
   * The hospitals of a {@link PrepareSites} are up, and its external sites are ready to be scored; {@code credential}:
   * the hospital node's signature over {@link #signedText} and its certificate, which the server checks (a hospital
   * certificate may bind the sites its node can serve) before it sends any site a model.
   */
  public record SitesReady(String runId, String host, int numFeatures, List<SiteInfo> sites,
      List<ExternalInfo> external, NodeIdentity.Credential credential) implements HostReply {
    public SitesReady {
      external = external == null ? List.of() : List.copyOf(external);
      credential = credential == null ? NodeIdentity.Credential.NONE : credential;
    }

    /** An answer signed with the key of the node {@code system} runs on (unsigned without TLS). */
    public static SitesReady signed(akka.actor.typed.ActorSystem<?> system, String runId, String host,
        int numFeatures, List<SiteInfo> sites, List<ExternalInfo> external) {
      String text = signedText(system, runId, host, numFeatures, sites, external == null ? List.of() : external);
      return new SitesReady(runId, host, numFeatures, sites, external, NodeIdentity.get(system).sign(text));
    }

    /** What the hospital node signs: the run, every site with its actor and row counts, the external sites. */
    static String signedText(akka.actor.typed.ActorSystem<?> system, String runId, String host, int numFeatures,
        List<SiteInfo> sites, List<ExternalInfo> external) {
      akka.actor.typed.ActorRefResolver resolver = akka.actor.typed.ActorRefResolver.get(system);
      StringBuilder text = new StringBuilder("fedsim SitesReady v1\n").append(runId).append('\n').append(host)
          .append('\n').append(numFeatures).append('\n');
      for (SiteInfo s : sites) {
        text.append("site ").append(s.index()).append(' ').append(s.numTrain()).append(' ').append(s.numValidation())
            .append(' ').append(resolver.toSerializationFormat(s.ref())).append(' ').append(s.site()).append('\n');
      }
      for (ExternalInfo x : external) {
        text.append("external ").append(x.index()).append(' ').append(x.rows()).append(' ').append(x.site())
            .append('\n');
      }
      return text.toString();
    }

    /**
     * Why the server node {@code system} must not use this answer (null: it may): with TLS, it must be signed by a
     * hospital certificate of the cluster's CA that holds every site in it.
     */
    public String notFromAHospital(akka.actor.typed.ActorSystem<?> system) {
      List<String> names = new java.util.ArrayList<>();
      sites.forEach(s -> names.add(s.site()));
      external.forEach(x -> names.add(x.site()));
      String why = NodeIdentity.get(system).notAHospitalFor(
          signedText(system, runId, host, numFeatures, sites, external), credential, names);
      return why == null ? null : "the answer of hospital node " + host + " is refused: " + why;
    }
  }

  /** One external site's score, with its position among the dataset's external sites. */
  public record ExternalScore(int index, ExperimentRunner.ExternalEvaluation evaluation)
      implements CborSerializable {}

  /** The answer to an {@link EvaluateExternal} from the node {@code from} (no scores: it could not score them). */
  public record ExternalScores(String runId, int round, String host, ActorRef<HostCommand> from,
      List<ExternalScore> scores) implements HostReply {}

  /** A hospital node cannot serve the {@code sites} of a {@link PrepareSites}: why (bad data, unknown site, ...). */
  public record PrepareFailed(String runId, String host, List<String> sites, String reason) implements HostReply {}
}
