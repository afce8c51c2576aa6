package org.fedsim.bench;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * The shape of a bench child JVM's main: the one result line goes to the real stdout (the parent reads it), anything
 * else printed goes to stderr; exit 0 done, 2 bad arguments, 1 failure. Exits explicitly, because ND4J and Akka leave
 * non-daemon threads behind.
 */
final class ChildMain {
  private ChildMain() {}

  static void run(String name, Callable<String> resultLine) {
    PrintStream protocol = System.out;
    System.setOut(System.err); // only the result line may reach the parent's stdout reader
    int code;
    try {
      protocol.println(resultLine.call());
      protocol.flush();
      code = 0;
    } catch (IllegalArgumentException e) {
      System.err.println(name + ": " + e.getMessage());
      code = 2;
    } catch (Throwable t) {
      System.err.println(name + ": failed: " + t);
      t.printStackTrace(System.err);
      code = 1;
    }
    System.exit(code);
  }
}
