package org.fedsim.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Patient rows never leave a hospital: no message type (anything serializable across actors or nodes) can hold a
 * row matrix, a dataset type or a free-form object. Checked over every compiled class, so a new message that breaks
 * the rule fails here.
 */
class NoPatientRowsTest {

  static List<Class<?>> messageTypes() throws IOException, URISyntaxException, ClassNotFoundException {
    Path classes = Path.of(CborSerializable.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes.resolve("org/fedsim"))) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        String name = classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> c = Class.forName(name, false, NoPatientRowsTest.class.getClassLoader());
        if (CborSerializable.class.isAssignableFrom(c) && !c.isInterface()) found.add(c);
      }
    }
    return found;
  }

  @Test
  void everyMessageTypeCarriesOnlyWeightsCountsAndMetrics() throws Exception {
    List<Class<?>> messages = messageTypes();
    assertTrue(messages.size() >= 8, "expected to find the protocol's messages, found " + messages);
    for (Class<?> c : messages) {
      assertSafe(c, c.getName(), new HashSet<>());
    }
  }

  @Test
  void theCheckCatchesARowMatrix() {
    record Leaky(float[][] rows) implements CborSerializable {}
    assertFalse(isSafe(Leaky.class));
    record LeakyList(List<float[]> rows) implements CborSerializable {}
    assertFalse(isSafe(LeakyList.class));
    record LeakyData(org.fedsim.data.SiteData data) implements CborSerializable {}
    assertFalse(isSafe(LeakyData.class));
  }

  private static boolean isSafe(Class<?> c) {
    try {
      assertSafe(c, c.getName(), new HashSet<>());
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  private static void assertSafe(Class<?> c, String where, Set<Class<?>> seen) {
    if (!seen.add(c)) return;
    for (Field f : c.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) continue;
      assertSafeType(f.getGenericType(), where + "." + f.getName(), seen);
    }
    if (c.isRecord()) {
      for (RecordComponent rc : c.getRecordComponents()) assertSafeType(rc.getGenericType(), where + "." + rc.getName(), seen);
    }
  }

  private static void assertSafeType(Type t, String where, Set<Class<?>> seen) {
    if (t instanceof ParameterizedType pt) {
      Class<?> raw = (Class<?>) pt.getRawType();
      if (raw.getName().equals("akka.actor.typed.ActorRef")) return; // an address, not data
      assertTrue(java.util.Collection.class.isAssignableFrom(raw) || java.util.Map.class.isAssignableFrom(raw)
          || raw.getName().startsWith("org.fedsim."), where + ": unexpected generic type " + t);
      for (Type arg : pt.getActualTypeArguments()) {
        assertFalse(arg instanceof Class<?> a && a.isArray(), where + ": a collection of arrays could carry rows");
        assertSafeType(arg, where + "<>", seen);
      }
      return;
    }
    assertTrue(t instanceof Class<?>, where + ": type " + t + " is too open to check");
    Class<?> c = (Class<?>) t;
    if (c.isArray()) {
      assertFalse(c.getComponentType().isArray(), where + ": a matrix (" + c.getSimpleName() + ") could carry patient rows");
      assertTrue(c.getComponentType().isPrimitive(), where + ": array of " + c.getComponentType());
      return;
    }
    if (c.isPrimitive() || c == String.class || Number.class.isAssignableFrom(c) || c == Boolean.class || c.isEnum()) {
      return;
    }
    assertFalse(c.getName().startsWith("org.fedsim.data."), where + ": dataset type " + c.getName());
    assertFalse(c == Object.class, where + ": Object could hold anything");
    assertTrue(c.getName().startsWith("org.fedsim.") || c.getName().equals("akka.actor.typed.ActorRef"),
        where + ": unexpected type " + c.getName());
    assertSafe(c, where, seen);
  }

  @Test
  void weightsAreTheOnlyArrayCarrier() throws Exception {
    Set<String> arrayHolders = new HashSet<>();
    for (Class<?> c : messageTypes()) {
      for (Field f : c.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers()) && f.getType().isArray()) arrayHolders.add(c.getSimpleName());
      }
    }
    assertEquals(Set.of("ModelWeights"), arrayHolders);
  }
}
