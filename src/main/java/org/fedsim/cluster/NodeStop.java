package org.fedsim.cluster;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waiting for a cluster node's actor system to stop. A node stops by coordinated shutdown: it leaves the cluster,
 * then its actor system terminates, each phase with its own timeout. The last step can hang for good when Akka's
 * TLS stream to a peer is mid-handshake or broken (akka/akka-core#29162, open in 2.6): the actor system never reports
 * terminated although every phase has run. A node must not wait for that forever (a downed hospital node would never
 * rejoin), so once coordinated shutdown has finished, a short grace is given and the hang is reported, not waited
 * out.
 */
public final class NodeStop {
  private static final Logger LOG = LoggerFactory.getLogger(NodeStop.class);
  /** After coordinated shutdown has run every phase: how long termination may still take. */
  static final long GRACE_SECONDS = 5;

  private NodeStop() {}

  /** Starts coordinated shutdown (leave the cluster, then terminate) and waits as {@link #await} does. */
  public static boolean stop(ActorSystem<?> system) throws InterruptedException {
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
    return await(system);
  }

  /**
   * Until the actor system has terminated, or its coordinated shutdown (started by anyone: the cluster downing
   * this node, a signal, {@link #stop}) has run every phase and the grace has passed.
   *
   * @return whether the actor system terminated; false when Akka's termination hung after coordinated shutdown
   */
  public static boolean await(ActorSystem<?> system) throws InterruptedException {
    CompletableFuture<?> terminated = system.getWhenTerminated().toCompletableFuture();
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    while (true) {
      if (waitFor(terminated, 1)) return true;
      if (shutdown.getShutdownReason().isPresent()) break;
    }
    // runAll() again returns the run already under way: it completes when every phase has run or timed out
    try {
      shutdown.runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.warn("coordinated shutdown of {} failed: {}", system.name(), e.getCause().toString());
    }
    if (waitFor(terminated, GRACE_SECONDS)) return true;
    LOG.warn("node {} left the cluster but its actor system did not finish terminating within {} s after coordinated "
        + "shutdown (Akka's TLS stream, akka/akka-core#29162); going on without it",
        system.address(), GRACE_SECONDS);
    return false;
  }

  private static boolean waitFor(CompletableFuture<?> future, long seconds) throws InterruptedException {
    try {
      future.get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true; // completed, exceptionally: it is over either way
    }
  }
}
