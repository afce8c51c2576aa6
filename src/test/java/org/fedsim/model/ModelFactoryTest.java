package org.fedsim.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ModelFactoryTest {
  static final ModelSettings SEED_NET = Dl4jModelTest.SEED_NET;

  @Test
  void initialParametersAreDl4jsInitialisationForTheSeedAndCopies() {
    float[] expected = new Dl4jModel(SEED_NET, 6, 31).getParams();
    float[] first = ModelFactory.initialParams(SEED_NET, 6, 31);
    assertArrayEquals(expected, first, 0f);
    first[0] = 99f; // a caller's change must not reach the cache
    assertArrayEquals(expected, ModelFactory.initialParams(SEED_NET, 6, 31), 0f);
  }

  @Test
  void everyEngineMakesModelsStartingFromTheInitialParameters() {
    float[] initial = ModelFactory.initialParams(SEED_NET, 6, 32);
    for (Engine engine : Engine.values()) {
      Supplier<LocalModel> models = ModelFactory.models(engine, SEED_NET, 6, initial);
      LocalModel a = models.get();
      LocalModel b = models.get();
      assertNotSame(a, b);
      assertArrayEquals(initial, a.getParams(), 0f, engine.toString());
      assertArrayEquals(initial, b.getParams(), 0f, engine.toString());
      Class<?> type = engine == Engine.DL4J ? Dl4jModel.class : DenseModel.class;
      assertInstanceOf(type, a);
    }
    assertThrows(IllegalArgumentException.class, () -> ModelFactory.models(Engine.DENSE, SEED_NET, 6, new float[3]));
  }

  @Test
  void scenarioSpellingOfOptions() {
    assertEquals("nesterovs", ModelFactory.key(ModelSettings.Optimizer.NESTEROVS));
    assertEquals("dense", ModelFactory.key(Engine.DENSE));
  }
}
