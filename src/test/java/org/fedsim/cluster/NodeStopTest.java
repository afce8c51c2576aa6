package org.fedsim.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A node's stop: awaited until its actor system terminates, but never past coordinated shutdown and the grace. */
class NodeStopTest {

  @Test
  void aNodeThatTerminatesIsReportedTerminated() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "stop-test", ConfigFactory.load("test"));
    assertTrue(NodeStop.stop(system));
    assertTrue(system.getWhenTerminated().toCompletableFuture().isDone());
  }

  @Test
  void aShutdownStartedElsewhereIsAwaited() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "stop-test", ConfigFactory.load("test"));
    // as the cluster does when it downs the node
    new Thread(() -> CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.clusterDowningReason())).start();
    assertTrue(NodeStop.await(system));
    assertTrue(CoordinatedShutdown.get(system).getShutdownReason().get().equals(
        CoordinatedShutdown.clusterDowningReason()));
  }

  /** An actor that will not stop (as Akka's TLS stream in akka/akka-core#29162): the wait ends anyway. */
  @Test
  void anActorSystemThatDoesNotFinishTerminatingIsNotWaitedOutForever() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
      ctx.spawn(Behaviors.setup(child -> {
        started.countDown();
        return Behaviors.receive(Object.class).onSignal(PostStop.class, s -> {
          release.await(120, TimeUnit.SECONDS);
          return Behaviors.same();
        }).build();
      }), "stuck");
      return Behaviors.empty();
    }), "stop-test", ConfigFactory.parseString(
        "akka.coordinated-shutdown.phases.actor-system-terminate.timeout = 1s").withFallback(ConfigFactory.load("test")));
    try {
      assertTrue(started.await(60, TimeUnit.SECONDS), "the stuck actor started");
      long start = System.nanoTime();
      assertFalse(NodeStop.stop(system), "the actor system cannot have terminated");
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      assertTrue(seconds < 1 + NodeStop.GRACE_SECONDS + 10, "returned after " + seconds + " s");
      assertFalse(system.getWhenTerminated().toCompletableFuture().isDone());
    } finally {
      release.countDown();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
