package org.fedsim.model;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.fedsim.data.SiteData;
import org.fedsim.data.SiteSplit;
import org.fedsim.hospital.Hospital;
import org.fedsim.protocol.HospitalProtocol;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.protocol.ServerProtocol;
import org.fedsim.protocol.TrainingPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, not a test: heap per idle hospital for each engine, on the seed network. Run it on demand:
 * {@code mvn -o test -Dtest=IdleHeapMeasurement -Dfedsim.measure=true}. Counts what stays reachable after a round
 * (a fit and an evaluation): for "model", the LocalModel alone; for "hospital", the Hospital actor with its model
 * (the patients' rows are shared by all instances here, so not counted). Heap only: DL4J also holds native memory
 * per network, which javacpp's counters do not see in full.
 */
@EnabledIfSystemProperty(named = "fedsim.measure", matches = "true")
class IdleHeapMeasurement {
  static final ModelSettings SEED_NET = EngineEquivalenceTest.SEED_NET;
  static final TrainingPlan PLAN = new TrainingPlan(1, 32, 1);

  @Test
  void heapPerIdleHospital() throws Exception {
    SiteData train = EngineEquivalenceTest.blobs(200, 6, 1);
    SiteData validation = EngineEquivalenceTest.blobs(50, 6, 2);
    float[] init = ModelFactory.initialParams(SEED_NET, 6, 1);
    List<String> report = new ArrayList<>();
    for (Engine engine : Engine.values()) {
      int n = engine == Engine.DENSE ? 20_000 : 1_000;
      Supplier<LocalModel> models = ModelFactory.models(engine, SEED_NET, 6, init);
      report.add(models(engine, models, n, train, validation));
      report.add(hospitals(engine, models, engine == Engine.DENSE ? 20_000 : 1_000, train, validation, init));
    }
    System.out.println(String.join("\n", report));
  }

  static String models(Engine engine, Supplier<LocalModel> models, int n, SiteData train, SiteData validation) {
    LocalModel warm = models.get(); // shared things (classes, ND4J, this thread's workspace) exist before measuring
    warm.fit(train, PLAN);
    warm.evaluate(validation);
    long heap0 = usedHeapAfterGc();
    LocalModel[] kept = new LocalModel[n];
    for (int i = 0; i < n; i++) {
      kept[i] = models.get();
      kept[i].fit(train, PLAN);
      kept[i].evaluate(validation);
    }
    long heap = usedHeapAfterGc() - heap0;
    Reference.reachabilityFence(kept);
    return String.format("%-5s model:    %,8d B heap per idle model (%d models)", engine, heap / n, n);
  }

  static String hospitals(Engine engine, Supplier<LocalModel> models, int n, SiteData train, SiteData validation,
      float[] init) throws Exception {
    ActorTestKit kit = ActorTestKit.create(ConfigFactory.parseString(
        "akka.loglevel = WARNING\nakka.actor.serialize-messages = off").withFallback(ConfigFactory.load()));
    try {
      TestProbe<ServerProtocol.Command> probe = kit.createTestProbe();
      SiteSplit split = new SiteSplit("H", train, validation);
      ModelWeights global = new ModelWeights(init);
      round(kit, probe, split, models, global, 1); // warm up
      long heap0 = usedHeapAfterGc();
      List<ActorRef<HospitalProtocol.Command>> kept = round(kit, probe, split, models, global, n);
      long heap = usedHeapAfterGc() - heap0;
      Reference.reachabilityFence(kept);
      return String.format("%-5s hospital: %,8d B heap per idle hospital actor with its model (%d hospitals)", engine,
          heap / n, n);
    } finally {
      kit.shutdownTestKit();
    }
  }

  /** Spawns n hospitals, has each train and evaluate once, and waits for every reply. */
  static List<ActorRef<HospitalProtocol.Command>> round(ActorTestKit kit, TestProbe<ServerProtocol.Command> probe,
      SiteSplit split, Supplier<LocalModel> models, ModelWeights global, int n) {
    List<ActorRef<HospitalProtocol.Command>> hospitals = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ActorRef<HospitalProtocol.Command> h = kit.spawn(Hospital.create("H", split, models));
      h.tell(new HospitalProtocol.TrainRequest(1, global, PLAN, probe.getRef()));
      h.tell(new HospitalProtocol.EvaluateRequest(1, global, probe.getRef()));
      hospitals.add(h);
    }
    probe.receiveSeveralMessages(2 * n, Duration.ofMinutes(5));
    return hospitals;
  }

  static long usedHeapAfterGc() {
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
